package database

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const apiLogs = "cloudwatchlogs.aws.m.upbound.io/v1beta1"

// logRetention is each profile's retention of the exported logs, the same as the other log groups'
// defaults (control plane, flow logs, applications): CloudWatch.16's 365 days in prod.
var logRetention = map[string]int32{"dev": 30, "staging": 90, "prod": 365}

// LogGroupName is the log group RDS writes an exported log to: a name RDS fixes,
// /aws/rds/instance/<identifier>/<export>.
func LogGroupName(identifier, export string) string {
	return "/aws/rds/instance/" + identifier + "/" + export
}

func logGroupResource(export string) string { return logsPrefix + export }

func logGroupARNs(env *compose.Env, r v1alpha1.ResolvedDatabase, account string) []string {
	arns := make([]string, len(logExports))
	for i, e := range logExports {
		arns[i] = env.ARN("logs", env.Region, account, "log-group:"+LogGroupName(r.Identifier, e.(string)))
	}
	return arns
}

// logGroups renders the log groups of the exported logs (FSBP RDS.9). Left to itself RDS creates them on
// the first export with neither retention nor encryption, so the function creates them first, with the
// profile's retention and the database's key, and the instance waits for them (instance). The external
// name is the group's name, so where the instance came first (environments from before these groups
// were composed) the provider adopts the group RDS made instead of creating one, and sets its retention
// and key in place (PutRetentionPolicy, AssociateKmsKey; what it recorded before stays unencrypted until
// it expires). Stateful, and deletion-protected with the environment, like the other log groups.
func logGroups(env *compose.Env, r v1alpha1.ResolvedDatabase) compose.Result {
	var res compose.Result
	retention := logRetention[env.Profile]
	if retention == 0 {
		retention = logRetention["prod"]
	}
	for _, e := range logExports {
		res.Add(env.NewAWS(logGroupResource(e.(string)), apiLogs, "Group").
			ExternalName(LogGroupName(r.Identifier, e.(string))).
			Stateful().
			ForProvider(map[string]any{
				"retentionInDays":           retention,
				"kmsKeyIdRef":               env.Ref(kmsKey),
				"deletionProtectionEnabled": env.DeletionProtection,
			}))
	}
	return res
}
