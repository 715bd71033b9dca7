package database

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// keyDeletionWindow is how long a scheduled key deletion can still be cancelled. The longest AWS allows:
// a key deleted by mistake makes every snapshot encrypted with it unreadable.
const keyDeletionWindow = 30

// key renders the customer managed KMS key that encrypts the instance's storage and snapshots, its
// Performance Insights data and the Secrets Manager secret with the master password, with yearly
// rotation (FSBP KMS.4) and a policy that lets the account's principals use it only through RDS and
// Secrets Manager; and an alias so that people find it in the console.
func key(env *compose.Env, account string) compose.Result {
	var res compose.Result
	res.Add(env.NewAWS(kmsKey, apiKMS, "Key").
		Stateful().
		ForProvider(map[string]any{
			"description":          "RDS PostgreSQL of " + env.Namespace + "/" + env.Name + ": storage, snapshots, Performance Insights, master user secret",
			"enableKeyRotation":    true,
			"deletionWindowInDays": keyDeletionWindow,
			"policy":               compose.MustJSON(compose.ServiceKeyPolicy(env.Partition(), env.Region, account, "rds", "secretsmanager")),
		}))
	res.Add(env.NewAWS(kmsAlias, apiKMS, "Alias").
		Untagged().
		ExternalName(aliasName(env, "database")).
		ForProvider(map[string]any{"targetKeyIdRef": env.Ref(kmsKey)}))
	return res
}

// aliasName is "alias/platform/<namespace>/<name>/<purpose>": slashes keep two environments' aliases
// apart (compose.KMSAlias makes a dotted XR name valid).
func aliasName(env *compose.Env, purpose string) string { return env.KMSAlias(purpose) }
