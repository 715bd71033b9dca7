package compose

import "strings"

// AccountID returns the AWS account the environment lives in, read from the first observed ARN that
// names one (resources in name order, so the answer is stable). Nothing in the spec says which account
// the ProviderConfig's credentials reach, yet key policies (whose root principal is the account) and
// confused-deputy conditions (aws:SourceAccount, aws:SourceArn) need it; the first resource AWS creates
// tells it. Builders that need it wait until then.
//
// Builders ask once per resource that needs it, so this is one pass without sorting or allocating: the
// smallest name whose ARN names an account is the first in name order.
func (o Observed) AccountID() (string, bool) {
	first, account := "", ""
	for name, obj := range o {
		if account != "" && name >= first {
			continue
		}
		arn, _ := atProvider(obj)["arn"].(string)
		if a := ARNAccount(arn); a != "" {
			first, account = name, a
		}
	}
	return account, account != ""
}

// atProvider returns an object's status.atProvider, or nil.
func atProvider(obj map[string]any) map[string]any {
	st, _ := obj["status"].(map[string]any)
	ap, _ := st["atProvider"].(map[string]any)
	return ap
}

// ARNAccount returns the account field of an ARN (arn:partition:service:region:account:resource) when it
// is 12 digits, and "" otherwise (S3 bucket ARNs, for one, name no account).
func ARNAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || len(parts[4]) != 12 {
		return ""
	}
	for _, r := range parts[4] {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return parts[4]
}

// Kinds returns the kind of every composition resource the results render, by name, for builders that
// look for one kind of another domain's resources (e.g. every target group).
func Kinds(results ...Result) map[string]string {
	out := map[string]string{}
	for _, r := range results {
		for _, res := range r.Resources {
			k, _ := res.Object["kind"].(string)
			out[res.Name] = k
		}
	}
	return out
}

// Composes is the set of composition resource names the results render this pass or declare wanted
// (Want): what the spec composes, whether or not a builder could render it now.
func Composes(results ...Result) map[string]bool {
	out := map[string]bool{}
	for _, r := range results {
		for _, res := range r.Resources {
			out[res.Name] = true
		}
		for _, n := range r.Wanted {
			out[n] = true
		}
	}
	return out
}
