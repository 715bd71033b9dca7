package incluster_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestDeletionOrder pins the one deletion-order table: every Usage the in-cluster domains render, by kind
// of holder. A row added, dropped or pointed elsewhere changes the order an environment is torn down in.
func TestDeletionOrder(t *testing.T) {
	spec := it.Seed(t)
	b := incluster.Builder{Env: ct.Env("prod", nil), Spec: &spec}
	lbc := incluster.Identity{Prefix: incluster.LBCRelease}
	cases := map[string]struct {
		reason string
		holder incluster.Holder
		by     string
		with   incluster.Holds
		want   []incluster.Hold
	}{
		"ProviderConfig": {
			"A ProviderConfig keeps the cluster, its kubeconfig and the provider's cluster-admin access: every Object and Release is deleted through them.",
			incluster.ProviderConfigHolder, incluster.KubernetesConfig, incluster.Holds{},
			[]incluster.Hold{
				{Name: "releases-kubernetes-config-uses-auth", Of: "cluster-auth"},
				{Name: "releases-kubernetes-config-uses-cluster", Of: "cluster-eks"},
				{Name: "releases-kubernetes-config-uses-access", Of: compose.ClusterProviderAccess},
				{Name: "releases-kubernetes-config-uses-access-policy", Of: compose.ClusterProviderAccessPolicy},
			},
		},
		"Controller": {
			"A controller's release keeps its AWS identity and nodes to run on while it processes its finalizers.",
			incluster.ControllerHolder, incluster.LBCRelease, incluster.Holds{Identity: lbc},
			[]incluster.Hold{
				{Name: "releases-lbc-uses-role", Of: "releases-lbc-role"},
				{Name: "releases-lbc-uses-policy", Of: "releases-lbc-policy"},
				{Name: "releases-lbc-uses-identity", Of: "releases-lbc-identity"},
				{Name: "releases-lbc-uses-nodes", Of: "nodes-group"},
			},
		},
		"ExternalSecrets": {
			"An External Secrets object carries the operator's finalizer.",
			incluster.ExternalSecretsHolder, incluster.SecretStore, incluster.Holds{},
			[]incluster.Hold{{Name: "apps-secret-store-uses-eso", Of: "releases-external-secrets"}},
		},
		"TargetGroupBinding": {
			"A TargetGroupBinding keeps the controller that deregisters its targets, and the target group.",
			incluster.BindingHolder, "apps-app-backend-binding", incluster.Holds{TargetGroup: compose.TargetGroup("backend")},
			[]incluster.Hold{
				{Name: "apps-app-backend-binding-uses-lbc", Of: "releases-lbc"},
				{Name: "apps-app-backend-binding-uses-target-group", Of: "edge-tg-backend"},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, b.DeletionOrder(tc.holder, tc.by, tc.with)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}
