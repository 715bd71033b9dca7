package database

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestKey(t *testing.T) {
	e := env("prod", nil)
	res := key(e, account)
	k := find(t, res.Resources, kmsKey)
	fp := forProvider(k)
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
	if diff := cmp.Diff(compose.ServiceKeyPolicy("aws", "us-east-1", account, "rds", "secretsmanager"), policy); diff != "" {
		t.Errorf("the key is used through RDS and Secrets Manager only; -want +got:\n%s", diff)
	}
	a := find(t, res.Resources, kmsAlias)
	if got := a.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != "alias/platform/cloud-consulting/prod/database" {
		t.Errorf("alias %v", got)
	}
	if diff := cmp.Diff(map[string]any{"name": "prod-database-kms-key"}, forProvider(a)["targetKeyIdRef"]); diff != "" {
		t.Errorf("alias target -want +got:\n%s", diff)
	}
	validObjects(t, res.Resources)
}
