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
			"policy":               MustJSON(ServiceKeyPolicy(e.Partition(), e.Region, account, k.Services...)),
		}))
	res.Add(e.NewAWS(k.Alias, api, "Alias").
		Untagged().
		ExternalName(e.KMSAlias(k.Purpose)).
		ForProvider(map[string]any{"targetKeyIdRef": e.Ref(k.Key)}))
	return res
}
