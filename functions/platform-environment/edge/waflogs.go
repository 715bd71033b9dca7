package edge

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	apiLogs = "cloudwatchlogs.aws.m.upbound.io/v1beta1"
	apiKMS  = "kms.aws.m.upbound.io/v1beta1"

	wafLogGroup    = "edge-waf-logs"
	wafLogKey      = "edge-waf-logs-key"
	wafLogAlias    = "edge-waf-logs-key-alias"
	wafLogging     = "edge-waf-logging"
	wafLogsPolicy  = "edge-waf-logs-policy"
	wafLogsPrefix  = "aws-waf-logs-"
	wafLogsPolicyN = "platform-environment-aws-waf-logs"
)

// wafLogRetention is each profile's retention of the web ACL's logs, the other log groups' defaults.
var wafLogRetention = map[string]int32{"dev": 30, "staging": 90, "prod": 365}

// WAFLogGroupName is the web ACL's log group: AWS WAF logs only to groups whose name starts with
// aws-waf-logs-.
func WAFLogGroupName(env *compose.Env) string {
	return wafLogsPrefix + env.AWSName(compose.RuleGeneric, "waf")
}

// WAFLogsPolicyName is the account's CloudWatch Logs resource policy that lets log delivery write to every
// aws-waf-logs-* group of the region: one per account and region, whatever the number of environments.
const WAFLogsPolicyName = wafLogsPolicyN

// WAFRedactedHeaders are the request headers kept out of the web ACL's logs: credentials and sessions.
var WAFRedactedHeaders = []string{"authorization", "cookie"}

// wafLogs renders the web ACL's logging (FSBP WAF.11): a log group aws-waf-logs-<environment> with the
// profile's retention and a key of its own, the account's log resource policy for aws-waf-logs-*, and the
// logging configuration with the authorization and cookie headers redacted. All of it names the account
// (read from observed ARNs); the configuration waits for the group and the policy to be Ready, since AWS
// WAF checks the destination when logging is put (and would otherwise add a policy of its own,
// AWSWAF-LOGS, one of the region's ten).
//
// The resource policy is shared by every environment of the account and region (CloudWatch Logs allows
// ten per region): each renders it under the same external name with the same document, which depends on
// the partition, region and account only, so whichever environment reconciles writes the same policy and
// a second one adopts it. It is never deleted (management policies without Delete), since other
// environments' logging depends on it; it admits log delivery to aws-waf-logs-* groups of the account only.
func wafLogs(env *compose.Env) compose.Result {
	var res compose.Result
	account, ok := env.Observed.AccountID()
	if !ok {
		res.Wait(component, "the WAF logs, their KMS key and the log resource policy wait for the AWS account id (read from observed ARNs)")
		return res
	}
	group := WAFLogGroupName(env)
	groupARN := env.ARN("logs", env.Region, account, "log-group:"+group)

	res.Add(env.NewAWS(wafLogKey, apiKMS, "Key").Stateful().ForProvider(map[string]any{
		"description":          "WAF logs of " + env.Namespace + "/" + env.Name,
		"enableKeyRotation":    true,
		"deletionWindowInDays": env.KeyDeletionWindow(),
		"policy": compose.MustJSON(compose.Policy(
			compose.AccountAdministersKey(env.Partition(), account),
			compose.LogGroupsUseKey(env.Region, groupARN),
		)),
	}))
	res.Add(env.NewAWS(wafLogAlias, apiKMS, "Alias").Untagged().
		ExternalName(env.KMSAlias("waf-logs")).
		ForProvider(map[string]any{"targetKeyIdRef": env.Ref(wafLogKey)}))

	retention := wafLogRetention[env.Profile]
	if retention == 0 {
		retention = wafLogRetention["prod"]
	}
	res.Add(env.NewAWS(wafLogGroup, apiLogs, "Group").
		ExternalName(group).
		Stateful().
		ForProvider(map[string]any{
			"retentionInDays":           retention,
			"kmsKeyIdRef":               env.Ref(wafLogKey),
			"deletionProtectionEnabled": env.DeletionProtection,
		}))

	res.Add(env.NewAWS(wafLogsPolicy, apiLogs, "ResourcePolicy").Untagged().
		ExternalName(WAFLogsPolicyName).
		Spec(map[string]any{"managementPolicies": []any{"Observe", "Create", "Update", "LateInitialize"}}).
		ForProvider(map[string]any{"policyDocument": compose.MustJSON(WAFLogsPolicy(env, account))}))

	if res.Gate(env.Observed, wafLogging, env.Observed.ReadyCond(wafLogGroup), env.Observed.ReadyCond(wafLogsPolicy)) {
		redacted := make([]any, len(WAFRedactedHeaders))
		for i, h := range WAFRedactedHeaders {
			redacted[i] = map[string]any{"singleHeader": map[string]any{"name": h}}
		}
		res.Add(env.NewAWS(wafLogging, wafv2, "WebACLLoggingConfiguration").Untagged().ForProvider(map[string]any{
			"resourceArnRef":        env.Ref(webACL),
			"logDestinationConfigs": []any{groupARN},
			"redactedFields":        redacted,
		}))
	}
	return res
}

// WAFLogsPolicy is the account's log resource policy for AWS WAF (the policy AWS WAF's guide gives):
// log delivery (delivery.logs.amazonaws.com) may create streams and put events in the region's
// aws-waf-logs-* groups of the account, on behalf of the account's own resources only.
func WAFLogsPolicy(env *compose.Env, account string) compose.PolicyDocument {
	return compose.Policy(compose.Statement{
		Sid:       "AWSWAFLogsDelivery",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "delivery.logs.amazonaws.com"},
		Action:    []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource:  []string{env.ARN("logs", env.Region, account, "log-group:"+wafLogsPrefix+"*:log-stream:*")},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": account},
			"ArnLike":      {"aws:SourceArn": env.ARN("logs", env.Region, account, "*")},
		},
	})
}
