package cache

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// keyDeletionWindow is how long a scheduled key deletion can still be cancelled: the longest AWS allows,
// since snapshots encrypted with the key are unreadable without it.
const keyDeletionWindow = 30

// key renders the customer managed KMS key that encrypts the cache's data and snapshots at rest, with
// yearly rotation (FSBP KMS.4) and a policy that lets the account's principals use it only through
// ElastiCache; and an alias so that people find it in the console.
func key(env *compose.Env, account string) compose.Result {
	var res compose.Result
	res.Add(env.NewAWS(kmsKey, apiKMS, "Key").
		Stateful().
		ForProvider(map[string]any{
			"description":          "ElastiCache of " + env.Namespace + "/" + env.Name + ": data and snapshots at rest",
			"enableKeyRotation":    true,
			"deletionWindowInDays": keyDeletionWindow,
			"policy":               compose.MustJSON(compose.ServiceKeyPolicy(env.Partition(), env.Region, account, "elasticache")),
		}))
	res.Add(env.NewAWS(kmsAlias, apiKMS, "Alias").
		Untagged().
		ExternalName(env.KMSAlias("cache")).
		ForProvider(map[string]any{"targetKeyIdRef": env.Ref(kmsKey)}))
	return res
}
