package database

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestMonitoringRole(t *testing.T) {
	res := monitoring(ct.Env("prod", nil), account)
	var trust compose.PolicyDocument
	if err := json.Unmarshal([]byte(ct.ForProvider(ct.Find(t, res.Resources, monitoringRole))["assumeRolePolicy"].(string)), &trust); err != nil {
		t.Fatal(err)
	}
	want := compose.Policy(compose.Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "monitoring.rds.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}},
	})
	if diff := cmp.Diff(want, trust); diff != "" {
		t.Errorf("only RDS enhanced monitoring of our own account may assume the role; -want +got:\n%s", diff)
	}
	att := ct.ForProvider(ct.Find(t, res.Resources, monitoringPolicy))
	if att["policyArn"] != "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" {
		t.Errorf("policy %v", att["policyArn"])
	}
	ct.Validate(t, res.Resources)
}
