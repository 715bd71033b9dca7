package compose

// ServiceKey describes a customer managed KMS key that encrypts one domain's data at rest and that only
// the named AWS services use (see ServiceKeyPolicy), with the alias people find it by in the console.
type ServiceKey struct {
	// Key and Alias are the composition resource names of the key and of its alias.
	Key, Alias string
	// Purpose ends the alias name (see KMSAlias), e.g. "database".
	Purpose string
	// Description says what the key encrypts.
	Description string
	// Services use the key on the account's behalf, e.g. "rds", "secretsmanager".
	Services []string
	// LogGroups are the ARNs of CloudWatch log groups (in the key's region) the key encrypts: CloudWatch
	// Logs may use the key for those groups only (the encryption context it passes is the group's ARN).
	LogGroups []string
}

// ServiceKey renders the key and its alias. The key rotates yearly (FSBP KMS.4), is stateful and has the
// longest deletion window in every profile, not KeyDeletionWindow: snapshots encrypted with it, which
// outlive even a dev environment, are unreadable without it.
func (e *Env) ServiceKey(k ServiceKey, account string) Result {
	const api = "kms.aws.m.upbound.io/v1beta1"
	var res Result
	res.Add(e.NewAWS(k.Key, api, "Key").
		Stateful().
		ForProvider(map[string]any{
			"description":          k.Description,
			"enableKeyRotation":    true,
			"deletionWindowInDays": longestKeyDeletionWindow,
			"policy":               MustJSON(k.policy(e, account)),
		}))
	res.Add(e.NewAWS(k.Alias, api, "Alias").
		Untagged().
		ExternalName(e.KMSAlias(k.Purpose)).
		ForProvider(map[string]any{"targetKeyIdRef": e.Ref(k.Key)}))
	return res
}

// policy is ServiceKeyPolicy and, for the key's log groups, a statement that lets CloudWatch Logs in the
// region use the key for those groups only.
func (k ServiceKey) policy(e *Env, account string) PolicyDocument {
	p := ServiceKeyPolicy(e.Partition(), e.Region, account, k.Services...)
	if len(k.LogGroups) > 0 {
		p.Statement = append(p.Statement, LogGroupsUseKey(e.Region, k.LogGroups...))
	}
	return p
}

// LogGroupsUseKey is the key policy statement that lets CloudWatch Logs in the region encrypt and decrypt
// the named log groups (their ARNs) with the key, and nothing else: CloudWatch Logs passes the group's
// ARN as the encryption context kms:EncryptionContext:aws:logs:arn.
func LogGroupsUseKey(region string, groupARNs ...string) Statement {
	arns := make([]any, len(groupARNs))
	for i, a := range groupARNs {
		arns[i] = a
	}
	var arn any = arns
	if len(arns) == 1 {
		arn = arns[0]
	}
	return Statement{
		Sid:       "CloudWatchLogsEncryptsLogGroups",
		Effect:    "Allow",
		Principal: map[string]any{"Service": ServiceEndpoint("logs", region)},
		Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
		Resource:  []string{"*"},
		Condition: map[string]map[string]any{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arn}},
	}
}
