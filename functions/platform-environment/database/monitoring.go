package database

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// enhancedMonitoringPolicy is AWS's managed policy for the role RDS enhanced monitoring assumes: it may
// only create and write the RDSOSMetrics log group.
const enhancedMonitoringPolicy = "policy/service-role/AmazonRDSEnhancedMonitoringRole"

// monitoring renders the role RDS assumes to publish enhanced monitoring metrics (every 60 s, the
// seed's) to CloudWatch Logs. The trust policy names the account (aws:SourceAccount), so no other
// account's RDS can make us publish its metrics. Stateful: an instance left in AWS keeps publishing.
func monitoring(env *compose.Env, account string) compose.Result {
	var res compose.Result
	trust := compose.Policy(compose.Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "monitoring.rds.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}},
	})
	res.Add(env.NewAWS(monitoringRole, apiIAM, "Role").
		ExternalName(env.AWSName(compose.RuleIAM, "rds-monitoring")).
		Stateful().
		ForProvider(map[string]any{
			"description":      "RDS enhanced monitoring of " + env.Namespace + "/" + env.Name,
			"assumeRolePolicy": compose.MustJSON(trust),
		}))
	res.Add(env.NewAWS(monitoringPolicy, apiIAM, "RolePolicyAttachment").
		Untagged().
		Stateful().
		ForProvider(map[string]any{
			"roleRef":   env.Ref(monitoringRole),
			"policyArn": env.ARN("iam", "", compose.AWSOwned, enhancedMonitoringPolicy),
		}))
	return res
}
