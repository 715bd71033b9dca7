package compose

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestServiceKeyPolicy(t *testing.T) {
	p := ServiceKeyPolicy("aws", "us-east-1", "123456789012", "rds", "secretsmanager")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Action    []string
			Resource  []string
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 3 {
		t.Fatalf("want 3 statements, got %d", len(doc.Statement))
	}
	for _, s := range doc.Statement {
		if got := s.Principal["AWS"]; got != "arn:aws:iam::123456789012:root" {
			t.Errorf("%s: principal %v, want the account root (IAM policies then decide)", s.Sid, got)
		}
		for _, a := range s.Action {
			if a == "*" || a == "kms:*" {
				t.Errorf("%s: action %q is a wildcard over every KMS action", s.Sid, a)
			}
		}
	}
	admin := doc.Statement[0]
	for _, a := range admin.Action {
		for _, use := range []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt", "kms:CreateGrant"} {
			if strings.HasPrefix(use, strings.TrimSuffix(a, "*")) {
				t.Errorf("administration grants %q, which covers %s: administrators must not read data", a, use)
			}
		}
	}
	wantVia := []any{"rds.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"}
	for _, s := range doc.Statement[1:] {
		if diff := cmp.Diff(wantVia, s.Condition["StringEquals"]["kms:ViaService"]); diff != "" {
			t.Errorf("%s: kms:ViaService -want +got:\n%s", s.Sid, diff)
		}
		if got := s.Condition["StringEquals"]["kms:CallerAccount"]; got != "123456789012" {
			t.Errorf("%s: kms:CallerAccount = %v", s.Sid, got)
		}
	}
	if got := doc.Statement[2].Condition["Bool"]["kms:GrantIsForAWSResource"]; got != "true" {
		t.Errorf("grants: kms:GrantIsForAWSResource = %v, want true", got)
	}
}

func TestServiceEndpoint(t *testing.T) {
	cases := map[string]struct{ service, region, want string }{
		"Commercial": {"rds", "us-east-1", "rds.us-east-1.amazonaws.com"},
		"GovCloud":   {"elasticache", "us-gov-west-1", "elasticache.us-gov-west-1.amazonaws.com"},
		"China":      {"rds", "cn-north-1", "rds.cn-north-1.amazonaws.com.cn"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := ServiceEndpoint(tc.service, tc.region); got != tc.want {
				t.Errorf("ServiceEndpoint(%q, %q) = %q, want %q", tc.service, tc.region, got, tc.want)
			}
		})
	}
}
