// Package email renders SES for spec.domain, in the environment's region and in the fallback region the
// spec names: a domain identity with Easy DKIM (2048-bit keys), its three DKIM CNAME records in the
// environment's hosted zone (read from the tokens SES reports: the records wait for them), a
// configuration set that is the identity's default, and an event destination that publishes the email
// events the applications track to a KMS-encrypted SNS topic.
package email

import (
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const component = "email"

// API versions of the kinds rendered here.
const (
	apiSES     = "sesv2.aws.m.upbound.io/v1beta1"
	apiKMS     = "kms.aws.m.upbound.io/v1beta1"
	apiSNS     = "sns.aws.m.upbound.io/v1beta1"
	apiRoute53 = "route53.aws.m.upbound.io/v1beta1"
)

// productionAccess is the status reminder of the SES sandbox (see v1alpha1.EmailOutputs).
const productionAccess = "Not observable: a new SES account is in the sandbox (verified recipients only, 200 mails a day) " +
	"in every region until an account owner requests production access for that region (SES console, " +
	"Account dashboard, Request production access). Do it for each region in status.outputs.email.regions."

// Output is the email domain's desired resources and status.
type Output struct {
	compose.Result
	Outputs *v1alpha1.EmailOutputs
}

// Build renders SES in each resolved region. rendered holds the composition resource names the other
// domains rendered in this pass: the DKIM records go into the hosted zone when the environment has one.
func Build(env *compose.Env, r Resolved, rendered map[string]string) Output {
	var out Output
	if !r.Enabled {
		out.Retire("email-")
		return out
	}
	_, zoneRendered := rendered[compose.HostedZone]
	zone := zoneRendered || env.Observed.Exists(compose.HostedZone)
	account, hasAccount := env.Observed.AccountID()

	out.Outputs = &v1alpha1.EmailOutputs{Sender: r.Sender, ProductionAccess: productionAccess}
	dmarc := dmarcRecord(r.Domain)
	out.Outputs.DMARCRecord = &dmarc
	// Not into an existing zone (spec.dns.zoneId): a domain that already sends mail may have its own DMARC
	// policy there (p=reject, a rua= address), and creating ours would fail on it, or, overwritten, weaken it.
	if zone && !r.AdoptedZone {
		out.Add(env.NewAWS(dmarcResource, apiRoute53, "Record").Untagged().ForProvider(map[string]any{
			"zoneIdRef": env.Ref(compose.HostedZone),
			"name":      dmarc.Name,
			"type":      dmarc.Type,
			"ttl":       1800,
			"records":   []any{dmarc.Value},
		}))
	}
	active := map[string]bool{}
	for _, region := range r.Regions {
		active[compose.EmailRegionPrefix(region)] = true
		res, ro := buildRegion(env, r, region, account, hasAccount, zone)
		out.Merge(res)
		out.Outputs.Regions = append(out.Outputs.Regions, ro)
	}
	// A region the spec no longer names (a changed or removed fallback) is retired as a whole.
	var gone []string
	for name := range env.Observed {
		if !strings.HasPrefix(name, "email-") || name == dmarcResource {
			continue
		}
		keep := false
		for p := range active {
			keep = keep || strings.HasPrefix(name, p)
		}
		if !keep {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	out.Retire(gone...)
	return out
}

// dmarcResource is the composition resource name of the domain's DMARC record: one per domain, whatever
// the regions.
const dmarcResource = "email-dmarc"

// dmarcRecord is the domain's DMARC policy: p=none, report-only, so that receivers start evaluating SPF
// and DKIM alignment (SES signs with the domain's DKIM keys, so mail aligns) without any mail being
// rejected or quarantined on the way in. Mailbox providers (Gmail, Yahoo) require a DMARC record from bulk
// senders. Tightening to quarantine or reject, and a rua= address for aggregate reports, are the domain
// owner's decision once reports show every legitimate sender aligned. The value is unquoted: provider-aws (Terraform's
// aws_route53_record) wraps TXT values in quotes.
func dmarcRecord(domain string) v1alpha1.DNSRecordOutput {
	return v1alpha1.DNSRecordOutput{Name: "_dmarc." + domain, Type: "TXT", Value: "v=DMARC1; p=none"}
}
