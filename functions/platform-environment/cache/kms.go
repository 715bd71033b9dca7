package cache

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// key renders the customer managed KMS key that encrypts the cache's data and snapshots at rest, with
// a policy that lets the account's principals use it only through ElastiCache; and its alias.
func key(env *compose.Env, account string) compose.Result {
	return env.ServiceKey(compose.ServiceKey{
		Key: kmsKey, Alias: kmsAlias, Purpose: "cache",
		Description: "ElastiCache of " + env.Namespace + "/" + env.Name + ": data and snapshots at rest",
		Services:    []string{"elasticache"},
	}, account)
}
