package database

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestKey(t *testing.T) {
	e := ct.Env("prod", nil)
	res := key(e, v1alpha1.ResolvedDatabase{Identifier: "db-x"}, account)
	k := ct.Find(t, res.Resources, kmsKey)
	fp := ct.ForProvider(k)
	if fp["enableKeyRotation"] != true {
		t.Error("key rotation must be on (FSBP KMS.4)")
	}
	if fp["deletionWindowInDays"] != 30 {
		t.Errorf("deletion window %v, want the longest, 30 days", fp["deletionWindowInDays"])
	}
	var policy compose.PolicyDocument
	if err := json.Unmarshal([]byte(fp["policy"].(string)), &policy); err != nil {
		t.Fatal(err)
	}
	want := compose.ServiceKeyPolicy("aws", "us-east-1", account, "rds", "secretsmanager")
	want.Statement = append(want.Statement, compose.Statement{
		Sid:       "CloudWatchLogsEncryptsLogGroups",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "logs.us-east-1.amazonaws.com"},
		Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
		Resource:  []string{"*"},
		Condition: map[string]map[string]any{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": []any{
			"arn:aws:logs:us-east-1:" + account + ":log-group:/aws/rds/instance/db-x/postgresql",
			"arn:aws:logs:us-east-1:" + account + ":log-group:/aws/rds/instance/db-x/upgrade",
		}}},
	})
	if diff := cmp.Diff(want, policy); diff != "" {
		t.Errorf("the key is used through RDS and Secrets Manager only, and by CloudWatch Logs for the instance's two log groups only; -want +got:\n%s", diff)
	}
	a := ct.Find(t, res.Resources, kmsAlias)
	if got := a.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != "alias/platform/cloud-consulting/prod/database" {
		t.Errorf("alias %v", got)
	}
	if diff := cmp.Diff(map[string]any{"name": "prod-database-kms-key"}, ct.ForProvider(a)["targetKeyIdRef"]); diff != "" {
		t.Errorf("alias target -want +got:\n%s", diff)
	}
	ct.Validate(t, res.Resources)
}
