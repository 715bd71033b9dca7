package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTopicPolicy(t *testing.T) {
	const account = "123456789012"
	accountUses := func(partition, topicARN string) Statement {
		return Statement{
			Sid: "AccountUsesTopic", Effect: "Allow",
			Principal: map[string]any{"AWS": "arn:" + partition + ":iam::" + account + ":root"},
			Action: []string{
				"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
				"sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish",
			},
			Resource: []string{topicARN},
		}
	}
	denyPlainHTTP := func(topicARN string) Statement {
		return Statement{
			Sid: "DenyInsecureTransport", Effect: "Deny", Principal: map[string]any{"AWS": "*"},
			Action: []string{"sns:Publish"}, Resource: []string{topicARN},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		}
	}
	ses := Statement{
		Sid: "SESPublishesEvents", Effect: "Allow", Principal: map[string]any{"Service": "ses.amazonaws.com"},
		Action: []string{"sns:Publish"}, Resource: []string{"arn:aws:sns:eu-west-1:123456789012:events"},
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}},
	}
	cases := map[string]struct {
		reason    string
		partition string
		topicARN  string
		publisher Statement
		want      PolicyDocument
	}{
		"Publisher": {
			reason:    "The account uses the topic, the publisher's statement comes second unchanged, plain HTTP is refused last.",
			partition: "aws",
			topicARN:  "arn:aws:sns:eu-west-1:123456789012:events",
			publisher: ses,
			want: PolicyDocument{Version: "2012-10-17", Statement: []Statement{
				accountUses("aws", "arn:aws:sns:eu-west-1:123456789012:events"),
				ses,
				denyPlainHTTP("arn:aws:sns:eu-west-1:123456789012:events"),
			}},
		},
		"ChinaPartition": {
			reason:    "The account root is named in the topic's partition.",
			partition: "aws-cn",
			topicARN:  "arn:aws-cn:sns:cn-north-1:123456789012:alarms",
			publisher: ses,
			want: PolicyDocument{Version: "2012-10-17", Statement: []Statement{
				accountUses("aws-cn", "arn:aws-cn:sns:cn-north-1:123456789012:alarms"),
				ses,
				denyPlainHTTP("arn:aws-cn:sns:cn-north-1:123456789012:alarms"),
			}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := TopicPolicy(tc.partition, account, tc.topicARN, tc.publisher)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nTopicPolicy(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestPolicyStatements(t *testing.T) {
	const account = "123456789012"
	alarms := "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"
	topic := "arn:aws:sns:us-east-1:123456789012:alarms"
	cases := map[string]struct {
		reason string
		got    Statement
		want   Statement
	}{
		"PublishesBoundToSource": {
			reason: "With a source ARN the service publishes for the account's matching resources only.",
			got:    ServicePublishes("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", account, alarms, topic),
			want: Statement{
				Sid: "CloudWatchAlarmsPublish", Effect: "Allow", Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
				Action: []string{"sns:Publish"}, Resource: []string{topic},
				Condition: map[string]map[string]any{
					"StringEquals": {"aws:SourceAccount": account},
					"ArnLike":      {"aws:SourceArn": alarms},
				},
			},
		},
		"PublishesAccountOnly": {
			reason: "Without a source ARN only aws:SourceAccount binds the service.",
			got:    ServicePublishes("SESPublishesEvents", "ses.amazonaws.com", account, "", topic),
			want: Statement{
				Sid: "SESPublishesEvents", Effect: "Allow", Principal: map[string]any{"Service": "ses.amazonaws.com"},
				Action: []string{"sns:Publish"}, Resource: []string{topic},
				Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}},
			},
		},
		"EncryptedTopicKey": {
			reason: "The key statement lets the same service, bound the same way, get data keys.",
			got:    ServicePublishesEncrypted("CloudWatchAlarmsPublishToEncryptedTopic", "cloudwatch.amazonaws.com", account, alarms),
			want: Statement{
				Sid: "CloudWatchAlarmsPublishToEncryptedTopic", Effect: "Allow", Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
				Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
				Condition: map[string]map[string]any{
					"StringEquals": {"aws:SourceAccount": account},
					"ArnLike":      {"aws:SourceArn": alarms},
				},
			},
		},
		"DenyPlainHTTPBucket": {
			reason: "A bucket and its objects refuse every request without TLS.",
			got:    DenyInsecureTransport("s3:*", "arn:aws:s3:::logs", "arn:aws:s3:::logs/*"),
			want: Statement{
				Sid: "DenyInsecureTransport", Effect: "Deny", Principal: map[string]any{"AWS": "*"},
				Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::logs", "arn:aws:s3:::logs/*"},
				Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
