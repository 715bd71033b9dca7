package compose

// TopicPolicy returns the policy of an SNS topic that AWS services publish to: the account (through its
// IAM policies) manages, subscribes to and publishes to the topic; publishers, the statements that differ
// between topics, let the services publish; and publishing without TLS is refused to everyone.
func TopicPolicy(partition, account, topicARN string, publishers ...Statement) PolicyDocument {
	st := []Statement{{
		Sid:       "AccountUsesTopic",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": AccountRoot(partition, account)},
		Action: []string{
			"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
			"sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish",
		},
		Resource: []string{topicARN},
	}}
	st = append(st, publishers...)
	return Policy(append(st, DenyInsecureTransport("sns:Publish", topicARN))...)
}

// DenyInsecureTransport refuses the action on the resources to everyone who does not use TLS: "s3:*" on a
// bucket and its objects (FSBP S3.5), "sns:Publish" on a topic.
func DenyInsecureTransport(action string, resources ...string) Statement {
	return Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: map[string]any{"AWS": "*"},
		Action:    []string{action},
		Resource:  resources,
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	}
}

// ServicePublishes is the publisher statement of TopicPolicy for an AWS service (a service principal,
// e.g. cloudwatch.amazonaws.com): it may publish to the topic on behalf of this account's resources only
// (aws:SourceAccount, against confused deputies) and, where sourceARN is not empty, of those it matches
// only (aws:SourceArn, e.g. the account's alarms in one region).
func ServicePublishes(sid, service, account, sourceARN, topicARN string) Statement {
	return Statement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    []string{"sns:Publish"},
		Resource:  []string{topicARN},
		Condition: sourceCondition(account, sourceARN),
	}
}

// ServicePublishesEncrypted is the key policy statement that goes with ServicePublishes when the key
// encrypts the topic: SNS asks KMS for a data key on the publisher's behalf, so the same service, bound
// the same way, may decrypt and generate data keys.
func ServicePublishesEncrypted(sid, service, account, sourceARN string) Statement {
	return Statement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		Resource:  []string{"*"},
		Condition: sourceCondition(account, sourceARN),
	}
}

// sourceCondition binds a service principal to the account's resources, and to sourceARN's where given.
func sourceCondition(account, sourceARN string) map[string]map[string]any {
	c := map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}}
	if sourceARN != "" {
		c["ArnLike"] = map[string]any{"aws:SourceArn": sourceARN}
	}
	return c
}
