package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDatabaseSubnetGroup(t *testing.T) {
	subnetGroup := func(name, apiVersion, externalName string, managementPolicies []any) *Resource {
		spec := map[string]any{
			"providerConfigRef": map[string]any{"kind": "ProviderConfig", "name": "default"},
			"forProvider": map[string]any{
				"region":      "us-east-1",
				"tags":        map[string]any{"environment": "team/prod", "component": Component(name), "managed-by": "crossplane"},
				"description": "subnets of team/prod",
				"subnetIdRefs": []any{
					map[string]any{"name": "prod-network-subnet-database-a"},
					map[string]any{"name": "prod-network-subnet-database-b"},
				},
			},
		}
		if managementPolicies != nil {
			spec["managementPolicies"] = managementPolicies
		}
		return &Resource{Name: name, Object: map[string]any{
			"apiVersion": apiVersion, "kind": "SubnetGroup",
			"metadata": map[string]any{
				"name":        "prod-" + name,
				"annotations": map[string]any{"crossplane.io/external-name": externalName},
			},
			"spec": spec,
		}}
	}
	cases := map[string]struct {
		reason             string
		deletionProtection bool
		name, apiVersion   string
		part               string
		want               *Resource
	}{
		"RDS": {
			reason:     "An RDS subnet group spans the database subnets of every zone, named in AWS by the RDS rule.",
			name:       "database-subnet-group",
			apiVersion: "rds.aws.m.upbound.io/v1beta1",
			part:       "db-subnets",
			want:       subnetGroup("database-subnet-group", "rds.aws.m.upbound.io/v1beta1", "team-prod-db-subnets-3248d038", nil),
		},
		"ElastiCacheProtected": {
			reason:             "An ElastiCache subnet group is the same, by the RDS rule too; with deletion protection it stays in AWS when deleted.",
			deletionProtection: true,
			name:               "cache-subnet-group",
			apiVersion:         "elasticache.aws.m.upbound.io/v1beta1",
			part:               "cache-subnets",
			want: subnetGroup("cache-subnet-group", "elasticache.aws.m.upbound.io/v1beta1", "team-prod-cache-subnets-2814959c",
				[]any{"Observe", "Create", "Update", "LateInitialize"}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := &Env{
				Name: "prod", Namespace: "team", Region: "us-east-1",
				ProviderConfig:     ProviderConfigRef{Kind: "ProviderConfig", Name: "default"},
				DeletionProtection: tc.deletionProtection,
				Zones:              []string{"us-east-1a", "us-east-1b"},
			}
			got := env.DatabaseSubnetGroup(tc.name, tc.apiVersion, tc.part, "subnets of team/prod").Resource()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nDatabaseSubnetGroup(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
