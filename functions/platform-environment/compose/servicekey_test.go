package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestServiceKey(t *testing.T) {
	const account = "123456789012"
	key := ServiceKey{
		Key: "database-kms-key", Alias: "database-kms-alias", Purpose: "database",
		Description: "what it encrypts", Services: []string{"rds", "secretsmanager"},
	}
	keyObject := func(managementPolicies []any) map[string]any {
		spec := map[string]any{
			"providerConfigRef": map[string]any{"kind": "ProviderConfig", "name": "default"},
			"forProvider": map[string]any{
				"region":               "us-east-1",
				"tags":                 map[string]any{"environment": "team/prod.v2", "component": "database", "managed-by": "crossplane"},
				"description":          "what it encrypts",
				"enableKeyRotation":    true,
				"deletionWindowInDays": 30,
				"policy":               MustJSON(ServiceKeyPolicy("aws", "us-east-1", account, "rds", "secretsmanager")),
			},
		}
		if managementPolicies != nil {
			spec["managementPolicies"] = managementPolicies
		}
		return map[string]any{
			"apiVersion": "kms.aws.m.upbound.io/v1beta1", "kind": "Key",
			"metadata": map[string]any{"name": "prod-v2-database-kms-key"},
			"spec":     spec,
		}
	}
	alias := &Resource{Name: "database-kms-alias", Object: map[string]any{
		"apiVersion": "kms.aws.m.upbound.io/v1beta1", "kind": "Alias",
		"metadata": map[string]any{
			"name":        "prod-v2-database-kms-alias",
			"annotations": map[string]any{"crossplane.io/external-name": "alias/platform/team/prod_v2/database"},
		},
		"spec": map[string]any{
			"providerConfigRef": map[string]any{"kind": "ProviderConfig", "name": "default"},
			"forProvider": map[string]any{
				"region":         "us-east-1",
				"targetKeyIdRef": map[string]any{"name": "prod-v2-database-kms-key"},
			},
		},
	}}

	cases := map[string]struct {
		reason             string
		deletionProtection bool
		want               []*Resource
	}{
		"DeletionProtection": {
			reason:             "A protected environment's key is kept in AWS when it is deleted (no Delete policy); rotation on, 30-day window, only the named services use it; the alias points at it.",
			deletionProtection: true,
			want: []*Resource{
				{Name: "database-kms-key", Object: keyObject([]any{"Observe", "Create", "Update", "LateInitialize"})},
				alias,
			},
		},
		"NoDeletionProtection": {
			reason: "Without deletion protection the key has the default management policies, and still the longest deletion window: snapshots are unreadable without it.",
			want: []*Resource{
				{Name: "database-kms-key", Object: keyObject(nil)},
				alias,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := &Env{
				Name: "prod.v2", Namespace: "team", Region: "us-east-1",
				ProviderConfig:     ProviderConfigRef{Kind: "ProviderConfig", Name: "default"},
				DeletionProtection: tc.deletionProtection,
			}
			got := env.ServiceKey(key, account)
			if diff := cmp.Diff(Result{Resources: tc.want}, got); diff != "" {
				t.Errorf("%s\nServiceKey(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
