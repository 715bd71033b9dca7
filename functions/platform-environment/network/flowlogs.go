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
	flowLogKey    = "network-flowlogs-key"
	flowLogAlias  = "network-flowlogs-key-alias"
)

// FlowLogGroupName is the log group of the VPC's flow logs. Namespace and XR name are separated by
// slashes, which neither may contain, so the name is unique in the account.
func FlowLogGroupName(env *compose.Env) string {
	return "/aws/vpc/flow-logs/" + env.Namespace + "/" + env.Name
}

// flowLogs renders VPC flow logs of all traffic (FSBP EC2.6) into a CloudWatch log group with the
// profile's retention, encrypted with a key of its own, delivered by a role that may write to that group
// only. The role's trust names the account and the account's flow logs (aws:SourceAccount,
// aws:SourceArn), so no other account's flow log can have VPC Flow Logs assume it (the confused deputy),
// and its policy names the account in every ARN. The account is known only from the first ARN AWS
// reports (the VPC's), so all of it waits for that: the VPC exists a reconcile before its flow log.
func flowLogs(env *compose.Env, r v1alpha1.ResolvedNetwork) compose.Result {
	var res compose.Result
	account, ok := env.Observed.AccountID()
	if !ok {
		res.Wait(component, "the flow logs, their KMS key and their role wait for the AWS account id (read from the VPC's ARN once AWS reports it)")
		return res
	}
	group := FlowLogGroupName(env)
	groupARN := env.ARN("logs", env.Region, account, "log-group:"+group)
	res.Merge(flowLogKeys(env, account, groupARN))
	res.Add(env.NewAWS(flowLogGroup, "cloudwatchlogs.aws.m.upbound.io/v1beta1", "Group").
		ExternalName(group).
		Stateful().
		ForProvider(map[string]any{
			"retentionInDays": r.FlowLogRetentionDays,
			// An existing group takes the key in place (logs:AssociateKmsKey); what it recorded before stays
			// unencrypted until it expires.
			"kmsKeyIdRef": env.Ref(flowLogKey),
		}))

	trust := compose.Policy(compose.Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "vpc-flow-logs.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": account},
			// The flow log's ID exists only once it is created with this role, so any flow log of the account
			// in the region.
			"ArnLike": {"aws:SourceArn": env.ARN("ec2", env.Region, account, "vpc-flow-log/*")},
		},
	})
	res.Add(env.NewAWS(flowLogRole, "iam.aws.m.upbound.io/v1beta1", "Role").
		ExternalName(env.AWSName(compose.RuleIAM, "flow-logs")).
		ForProvider(map[string]any{
			"description":      "Delivers VPC flow logs of " + env.Namespace + "/" + env.Name + " to CloudWatch Logs",
			"assumeRolePolicy": compose.MustJSON(trust),
		}))
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

// flowLogKeys renders the flow-log group's KMS key and its alias. The account administers the key through
// IAM; CloudWatch Logs in the region may use it only for this log group (the encryption context CloudWatch
// Logs passes is the group's ARN). Stateful like the group: the kept flow logs are unreadable without it.
// The network's own key rather than the observability domain's: the network is built first and stands
// alone, and a key shared across domains would tie the VPC's logs to whether observability rendered.
func flowLogKeys(env *compose.Env, account, groupARN string) compose.Result {
	const api = "kms.aws.m.upbound.io/v1beta1"
	var res compose.Result
	policy := compose.Policy(
		compose.AccountAdministersKey(env.Partition(), account),
		compose.Statement{
			Sid:       "CloudWatchLogsEncryptsFlowLogGroup",
			Effect:    "Allow",
			Principal: map[string]any{"Service": compose.ServiceEndpoint("logs", env.Region)},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": groupARN}},
		},
	)
	res.Add(env.NewAWS(flowLogKey, api, "Key").Stateful().ForProvider(map[string]any{
		"description":          "VPC flow logs of " + env.Namespace + "/" + env.Name,
		"enableKeyRotation":    true,
		"deletionWindowInDays": env.KeyDeletionWindow(),
		"policy":               compose.MustJSON(policy),
	}))
	res.Add(env.NewAWS(flowLogAlias, api, "Alias").Untagged().
		ExternalName(env.KMSAlias("flow-logs")).
		ForProvider(map[string]any{"targetKeyIdRef": env.Ref(flowLogKey)}))
	return res
}
