package database

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// key renders the customer managed KMS key that encrypts the instance's storage and snapshots, its
// Performance Insights data and the Secrets Manager secret with the master password, with a policy that
// lets the account's principals use it only through RDS and Secrets Manager; and its alias
// ("alias/platform/<namespace>/<name>/database": slashes keep two environments' aliases apart). CloudWatch
// Logs may use it for the instance's log groups only (logs.go).
func key(env *compose.Env, r v1alpha1.ResolvedDatabase, account string) compose.Result {
	return env.ServiceKey(compose.ServiceKey{
		Key: kmsKey, Alias: kmsAlias, Purpose: "database",
		Description: "RDS PostgreSQL of " + env.Namespace + "/" + env.Name + ": storage, snapshots, Performance Insights, master user secret",
		Services:    []string{"rds", "secretsmanager"},
		LogGroups:   logGroupARNs(env, r, account),
	}, account)
}
