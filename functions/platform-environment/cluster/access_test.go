package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestAccess(t *testing.T) {
	res, _ := readyBuild(t, "prod")
	admin := AdminAccessName(testAdmin)
	cases := map[string]struct {
		reason string
		name   string
		want   map[string]any
	}{
		"ProviderEntry": {
			reason: "The provider's identity gets an access entry, so the kubeconfig it writes works.",
			name:   compose.ClusterProviderAccess,
			want: map[string]any{
				"region": "us-east-1", "clusterNameRef": map[string]any{"name": "prod-cluster-eks"},
				"principalArn": testProvider, "type": "STANDARD",
				"tags": map[string]any{"component": "cluster", "environment": "cloud-consulting/prod", "managed-by": "crossplane"},
			},
		},
		"ProviderAdmin": {
			reason: "… with cluster-admin, associated through the entry (so it is created after it).",
			name:   compose.ClusterProviderAccessPolicy,
			want: map[string]any{
				"region": "us-east-1", "clusterNameRef": map[string]any{"name": "prod-cluster-eks"},
				"principalArnRef": map[string]any{"name": "prod-cluster-access-provider"},
				"policyArn":       "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
				"accessScope":     map[string]any{"type": "cluster"},
			},
		},
		"AdminEntry": {
			reason: "Each admin principal gets an entry of its own.",
			name:   admin,
			want: map[string]any{
				"region": "us-east-1", "clusterNameRef": map[string]any{"name": "prod-cluster-eks"},
				"principalArn": testAdmin, "type": "STANDARD",
				"tags": map[string]any{"component": "cluster", "environment": "cloud-consulting/prod", "managed-by": "crossplane"},
			},
		},
		"ClusterAuth": {
			reason: "The kubeconfig secret comes from ClusterAuth.",
			name:   compose.ClusterAuth,
			want:   map[string]any{"region": "us-east-1", "clusterNameRef": map[string]any{"name": "prod-cluster-eks"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ct.JSON(ct.ForProvider(ct.Find(t, res, tc.name)))
			if diff := cmp.Diff(ct.JSON(tc.want), got); diff != "" {
				t.Errorf("%s\nforProvider (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
	ref := ct.Find(t, res, compose.ClusterAuth).Object["spec"].(map[string]any)["writeConnectionSecretToRef"]
	if diff := cmp.Diff(map[string]any{"name": "prod-cluster-auth"}, ref); diff != "" {
		t.Errorf("ClusterAuth connection secret (-want +got):\n%s", diff)
	}
}

// TestAccessChanges checks admins added, removed and listed twice (as admin and provider).
func TestAccessChanges(t *testing.T) {
	const other = "arn:aws:iam::123456789012:role/oncall"
	observed, _ := walk(t, "prod", networkObserved(t), nil, func(string) bool { return true })
	cases := map[string]struct {
		reason      string
		admins      []string
		wantEntries []string
		wantRetired []string
	}{
		"Added": {
			reason:      "A new admin gets its entry; the others stay.",
			admins:      []string{testAdmin, other},
			wantEntries: []string{AdminAccessName(other), AdminAccessName(testAdmin)},
		},
		"Removed": {
			reason:      "A removed admin's entry and association are retired, so Crossplane deletes them.",
			admins:      nil,
			wantRetired: []string{AdminAccessName(testAdmin), AdminAccessName(testAdmin) + "-policy"},
		},
		"ProviderListedAsAdmin": {
			reason:      "The provider's principal listed as admin too gets one entry, the provider's.",
			admins:      []string{testAdmin, testProvider},
			wantEntries: []string{AdminAccessName(testAdmin)},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := seedSpec()
			spec.AdminPrincipalARNs = tc.admins
			env, out := resolveBuild(t, "prod", spec, observed)
			var entries []string
			for _, res := range out.Resources {
				if res.Object["kind"] == "AccessEntry" && res.Name != compose.ClusterProviderAccess {
					entries = append(entries, res.Name)
				}
			}
			if diff := cmp.Diff(ct.Sorted(tc.wantEntries), ct.Sorted(entries)); diff != "" {
				t.Errorf("%s\nadmin entries (-want +got):\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantRetired, out.Retired); diff != "" {
				t.Errorf("%s\nretired (-want +got):\n%s", tc.reason, diff)
			}
			a, err := compose.Assemble(env, out.Result)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range a.Resources {
				for _, r := range tc.wantRetired {
					if d.Name == r {
						t.Errorf("%s\n%s is retired but still desired", tc.reason, r)
					}
				}
			}
		})
	}
}
