package compose

import "strings"

// keyAdministration are the actions that manage a KMS key but use it for nothing: no Encrypt or Decrypt,
// no unconditioned CreateGrant. The account's IAM policies decide who among its principals may use them
// (the ProviderConfig's identity needs them to create, tag, rotate and schedule the deletion of the key).
var keyAdministration = []string{
	"kms:CancelKeyDeletion",
	"kms:CreateAlias",
	"kms:DeleteAlias",
	"kms:DescribeKey",
	"kms:Disable*",
	"kms:Enable*",
	"kms:Get*",
	"kms:List*",
	"kms:Put*",
	"kms:Revoke*",
	"kms:RotateKeyOnDemand",
	"kms:ScheduleKeyDeletion",
	"kms:TagResource",
	"kms:UntagResource",
	"kms:Update*",
}

// keyUse are the cryptographic actions an AWS service performs with a key on a caller's behalf.
var keyUse = []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}

// ServiceKeyPolicy returns the key policy of a customer managed key that only the named AWS services use
// (e.g. "rds", "secretsmanager"): the account administers the key, and principals of the account use it
// only through those services in the region (kms:ViaService), the way AWS managed keys work — never
// directly, so a leaked role cannot decrypt snapshots or secrets outside the service. Grants (how RDS and
// ElastiCache keep using the key for a resource) may be created only for AWS resources. The account
// root is the principal, so IAM policies still have to allow each principal, too.
func ServiceKeyPolicy(partition, region, account string, services ...string) PolicyDocument {
	root := map[string]any{"AWS": AccountRoot(partition, account)}
	via := make([]any, len(services))
	for i, s := range services {
		via[i] = ServiceEndpoint(s, region)
	}
	return Policy(
		Statement{Sid: "KeyAdministration", Effect: "Allow", Principal: root, Action: keyAdministration, Resource: []string{"*"}},
		Statement{
			Sid: "UseThroughServices", Effect: "Allow", Principal: root, Action: keyUse, Resource: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": via}},
		},
		Statement{
			Sid: "GrantsForServiceResources", Effect: "Allow", Principal: root,
			Action:   []string{"kms:CreateGrant", "kms:ListGrants"},
			Resource: []string{"*"},
			Condition: map[string]map[string]any{
				"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": via},
				"Bool":         {"kms:GrantIsForAWSResource": "true"},
			},
		},
	)
}

// AccountAdministersKey is the key policy statement that leaves the key to the account's IAM policies
// (kms:* for the account root): without it no principal of the account could manage the key.
func AccountAdministersKey(partition, account string) Statement {
	return Statement{
		Sid:       "AccountAdministersThroughIAM",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": AccountRoot(partition, account)},
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	}
}

// ServiceEndpoint returns a service's regional endpoint host, the value of kms:ViaService:
// rds.us-east-1.amazonaws.com (amazonaws.com.cn in the China regions).
func ServiceEndpoint(service, region string) string {
	suffix := ".amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = ".amazonaws.com.cn"
	}
	return service + "." + region + suffix
}
