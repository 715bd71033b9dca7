package cache

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestKey(t *testing.T) {
	res := key(ct.Env("prod", nil), account)
	fp := ct.ForProvider(ct.Find(t, res.Resources, kmsKey))
	if fp["enableKeyRotation"] != true || fp["deletionWindowInDays"] != 30 {
		t.Errorf("rotation %v, deletion window %v; want rotation on (FSBP KMS.4) and 30 days", fp["enableKeyRotation"], fp["deletionWindowInDays"])
	}
	var policy compose.PolicyDocument
	if err := json.Unmarshal([]byte(fp["policy"].(string)), &policy); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(compose.ServiceKeyPolicy("aws", "us-east-1", account, "elasticache"), policy); diff != "" {
		t.Errorf("the key is used through ElastiCache only; -want +got:\n%s", diff)
	}
	a := ct.Find(t, res.Resources, kmsAlias)
	if got := a.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != "alias/platform/cloud-consulting/prod/cache" {
		t.Errorf("alias %v", got)
	}
	ct.Validate(t, res.Resources)
}
