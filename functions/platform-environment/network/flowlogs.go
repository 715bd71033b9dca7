package network

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	flowLogGroup  = "network-flowlogs-group"
	flowLogRole   = "network-flowlogs-role"
	flowLogPolicy = "network-flowlogs-policy"
	flowLog       = "network-flowlogs"
)

// FlowLogGroupName is the log group of the VPC's flow logs. Namespace and XR name are separated by
// slashes, which neither may contain, so the name is unique in the account.
func FlowLogGroupName(env *compose.Env) string {
	return "/aws/vpc/flow-logs/" + env.Namespace + "/" + env.Name
}

// flowLogs renders VPC flow logs of all traffic (FSBP EC2.6) into a CloudWatch log group with the
// profile's retention, delivered by a role that may write to that group only.
func flowLogs(env *compose.Env, r v1alpha1.ResolvedNetwork) compose.Result {
	var res compose.Result
	group := FlowLogGroupName(env)
	res.Add(env.NewAWS(flowLogGroup, "cloudwatchlogs.aws.m.upbound.io/v1beta1", "Group").
		ExternalName(group).
		Stateful().
		ForProvider(map[string]any{"retentionInDays": r.FlowLogRetentionDays}))

	res.Add(env.NewAWS(flowLogRole, "iam.aws.m.upbound.io/v1beta1", "Role").
		ExternalName(env.AWSName(compose.RuleIAM, "flow-logs")).
		ForProvider(map[string]any{
			"description":      "Delivers VPC flow logs of " + env.Namespace + "/" + env.Name + " to CloudWatch Logs",
			"assumeRolePolicy": compose.MustJSON(compose.AssumeRolePolicy("vpc-flow-logs.amazonaws.com")),
		}))
	groupARN := env.ARN("logs", env.Region, "*", "log-group:"+group)
	res.Add(env.NewAWS(flowLogPolicy, "iam.aws.m.upbound.io/v1beta1", "RolePolicy").Untagged().ForProvider(map[string]any{
		"roleRef": env.Ref(flowLogRole),
		"policy": compose.MustJSON(compose.Policy(compose.Statement{
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"},
			Resource: []string{groupARN, groupARN + ":*"},
		})),
	}))

	// Not protected: it records the environment's traffic, which ends with the environment (what stays is
	// idle: the load balancer's listeners and the clients are deleted), and it could not deliver anyway
	// once its role goes with the rest of IAM. The log group, with what it recorded, is protected.
	res.Add(env.NewAWS(flowLog, ec2, "FlowLog").ForProvider(map[string]any{
		"vpcIdRef":           env.Ref(compose.VPC),
		"trafficType":        "ALL",
		"logDestinationType": "cloud-watch-logs",
		"logDestinationRef":  env.Ref(flowLogGroup),
		"iamRoleArnRef":      env.Ref(flowLogRole),
	}))
	return res
}
