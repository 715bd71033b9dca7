package cache

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestReplicationGroup(t *testing.T) {
	common := func(finalSnapshot string) map[string]any {
		fp := map[string]any{
			"region":                   "us-east-1",
			"description":              "Cache of cloud-consulting/prod",
			"engine":                   "redis",
			"engineVersion":            "7.1",
			"autoMinorVersionUpgrade":  "true",
			"nodeType":                 "cache.t3.micro",
			"numCacheClusters":         int32(2),
			"automaticFailoverEnabled": true,
			"multiAzEnabled":           true,
			"port":                     6379,
			"subnetGroupNameRef":       map[string]any{"name": "prod-cache-subnet-group"},
			"securityGroupIdRefs":      []any{map[string]any{"name": "prod-network-sg-cache"}},
			"atRestEncryptionEnabled":  "true",
			"kmsKeyId":                 keyARN,
			"transitEncryptionEnabled": true,
			"authTokenSecretRef":       map[string]any{"name": "prod-cache-auth-token", "key": "token"},
			"autoGenerateAuthToken":    true,
			"snapshotRetentionLimit":   int32(7),
			"snapshotWindow":           "02:00-03:00",
			"maintenanceWindow":        "sun:05:00-sun:06:00",
			"tags":                     map[string]any{"environment": "cloud-consulting/prod", "component": "cache", "managed-by": "crossplane"},
		}
		if finalSnapshot != "" {
			fp["finalSnapshotIdentifier"] = finalSnapshot
		}
		return fp
	}
	cases := map[string]struct {
		reason  string
		profile string
		spec    v1alpha1.CacheSpec
		want    func(fp map[string]any)
	}{
		"Prod": {reason: "Two nodes, failover, Multi-AZ, both encryptions, generated AUTH token.", profile: "prod"},
		"Seed": {
			reason:  "The seed's single node: no failover.",
			profile: "prod", spec: v1alpha1.CacheSpec{NumCacheClusters: ct.Ptr(int32(1))},
			want: func(fp map[string]any) {
				fp["numCacheClusters"], fp["automaticFailoverEnabled"], fp["multiAzEnabled"] = int32(1), false, false
			},
		},
		"Dev": {
			reason:  "dev: one node, one day of snapshots, no final snapshot.",
			profile: "dev",
			want: func(fp map[string]any) {
				fp["numCacheClusters"], fp["automaticFailoverEnabled"], fp["multiAzEnabled"] = int32(1), false, false
				fp["snapshotRetentionLimit"] = int32(1)
				delete(fp, "finalSnapshotIdentifier")
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env(tc.profile, keyObserved())
			r := resolve(t, e, tc.spec)
			res := replicationGroup(e, r)
			if len(res.Resources) != 1 {
				t.Fatalf("want the group, got %v", ct.Names(res.Resources))
			}
			want := common(r.FinalSnapshotIdentifier)
			if tc.want != nil {
				tc.want(want)
			}
			got := res.Resources[0]
			if diff := cmp.Diff(want, ct.ForProvider(got)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
			ann := got.Object["metadata"].(map[string]any)["annotations"].(map[string]any)
			if ann["crossplane.io/external-name"] != r.ReplicationGroupID {
				t.Errorf("external name %v, want the replication group id %s", ann["crossplane.io/external-name"], r.ReplicationGroupID)
			}
			ct.Validate(t, res.Resources)
			noSecrets(t, res.Resources)
		})
	}
}

func TestCacheSubnetGroup(t *testing.T) {
	res := cacheSubnetGroup(ct.Env("prod", nil))
	want := []any{
		map[string]any{"name": "prod-network-subnet-database-a"},
		map[string]any{"name": "prod-network-subnet-database-b"},
		map[string]any{"name": "prod-network-subnet-database-c"},
	}
	if diff := cmp.Diff(want, ct.ForProvider(res.Resources[0])["subnetIdRefs"]); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	ct.Validate(t, res.Resources)
}
