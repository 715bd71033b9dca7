package compose

// TopicPolicy returns the policy of an SNS topic that an AWS service publishes to: the account (through
// its IAM policies) manages, subscribes to and publishes to the topic; publisher, the one statement that
// differs between topics, lets the service publish; and publishing without TLS is refused to everyone.
func TopicPolicy(partition, account, topicARN string, publisher Statement) PolicyDocument {
	return Policy(
		Statement{
			Sid:       "AccountUsesTopic",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": AccountRoot(partition, account)},
			Action: []string{
				"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
				"sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish",
			},
			Resource: []string{topicARN},
		},
		publisher,
		Statement{
			Sid:       "DenyInsecureTransport",
			Effect:    "Deny",
			Principal: map[string]any{"AWS": "*"},
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicARN},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		},
	)
}
