package observability

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// keys renders the KMS key of the alarm topic, the log groups and the trail, and its alias. Rotation is on
// (yearly, AWS's default period). The key is stateful: encrypted logs and trail files are unreadable
// without it.
func keys(env *compose.Env, r v1alpha1.ResolvedObservability, account string, wafAlert bool) compose.Result {
	var res compose.Result
	res.Add(env.NewAWS(key, apiKMS, "Key").Stateful().ForProvider(map[string]any{
		"description":          "Alarm topic, log groups and trail of " + env.Namespace + "/" + env.Name,
		"enableKeyRotation":    true,
		"deletionWindowInDays": env.KeyDeletionWindow(),
		"policy":               compose.MustJSON(keyPolicy(env, r, account, wafAlert)),
	}))
	res.Add(env.NewAWS(keyAlias, apiKMS, "Alias").Untagged().
		ExternalName("alias/" + env.AWSName(compose.RuleGeneric, "observability")).
		ForProvider(map[string]any{"targetKeyIdRef": env.Ref(key)}))
	return res
}

// keyPolicy lets the account administer and use the key through IAM (without that statement nobody
// could ever change the policy again), and lets exactly the services that encrypt with it do so, each
// bound to this account and, where AWS passes one, to our resources:
//   - CloudWatch publishes alarms to the encrypted topic (SNS asks KMS for a data key on the publisher's
//     behalf);
//   - CloudWatch Logs encrypts the environment's log groups (encryption context = the log group ARN);
//   - CloudTrail encrypts the trail's log files (when the trail is on);
//   - EventBridge publishes the edge's WAF change alert to the encrypted topic (when the rule exists),
//     for that one rule.
func keyPolicy(env *compose.Env, r v1alpha1.ResolvedObservability, account string, wafAlert bool) compose.PolicyDocument {
	groups := []any{env.ARN("logs", env.Region, account, "log-group:"+env.ApplicationLogGroupName())}
	if r.CloudTrail {
		groups = append(groups, env.ARN("logs", env.Region, account, "log-group:"+trailLogGroupName(env)))
	}
	st := []compose.Statement{
		compose.AccountAdministersKey(env.Partition(), account),
		compose.ServicePublishesEncrypted("CloudWatchAlarmsPublishToEncryptedTopic",
			"cloudwatch.amazonaws.com", account, env.ARN("cloudwatch", env.Region, account, "alarm:*")),
		{
			Sid:       "CloudWatchLogsEncryptEnvironmentLogGroups",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "logs." + env.Region + ".amazonaws.com"},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": groups},
			},
		},
	}
	if wafAlert {
		st = append(st, compose.ServicePublishesEncrypted("EventBridgeWAFChangesPublishToEncryptedTopic",
			"events.amazonaws.com", account, env.WAFChangeRuleARN(account)))
	}
	if r.CloudTrail {
		trailARN := env.ARN("cloudtrail", env.Region, account, "trail/"+trailName(env))
		st = append(st,
			compose.Statement{
				Sid:       "CloudTrailEncryptsLogFiles",
				Effect:    "Allow",
				Principal: map[string]any{"Service": "cloudtrail.amazonaws.com"},
				Action:    []string{"kms:GenerateDataKey*"},
				Resource:  []string{"*"},
				Condition: map[string]map[string]any{
					"StringEquals": {"aws:SourceArn": trailARN},
					"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": env.ARN("cloudtrail", "*", account, "trail/*")},
				},
			},
			compose.Statement{
				Sid:       "CloudTrailDescribesKey",
				Effect:    "Allow",
				Principal: map[string]any{"Service": "cloudtrail.amazonaws.com"},
				Action:    []string{"kms:DescribeKey"},
				Resource:  []string{"*"},
				Condition: map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailARN}},
			},
		)
	}
	return compose.Policy(st...)
}
