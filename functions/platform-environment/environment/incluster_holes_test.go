package environment_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/addons"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/secrets"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/workloads"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestUnreadableStaysAsObserved: the holes of the former keep code. A resource that exists and whose
// content the builder cannot compute this pass, with its observed fallback unreadable too, is neither
// retired nor re-rendered with empty values: it is not rendered, and Assemble keeps it exactly as observed.
func TestUnreadableStaysAsObserved(t *testing.T) {
	_, running := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	cases := map[string]struct {
		reason string
		name   string
		// unset are the observed paths made unreadable: the computed value's source, then the fallback
		// (an empty path: the resource is not observed).
		unset [][2]string
	}{
		"RedisSecretVersion": {
			reason: "Without the cache's authTokenSecretRef nor its own, the SecretVersion was retired.",
			name:   incluster.SecretRedisVersion,
			unset: [][2]string{{compose.CacheReplicationGroup, "spec.forProvider.authTokenSecretRef"},
				{incluster.SecretRedisVersion, "spec.forProvider.secretStringSecretRef"}},
		},
		"LoadBalancerController": {
			reason: "Without the VPC's ID nor the release's own, the controller was re-rendered with vpcId: \"\".",
			name:   incluster.LBCRelease,
			unset:  [][2]string{{compose.VPC, "status.atProvider.id"}, {incluster.LBCRelease, "spec.forProvider.values.vpcId"}},
		},
		"Autoscaler": {
			reason: "Without the control plane's version nor the release's tag, the autoscaler was re-rendered with image.tag: \"\".",
			name:   addons.AutoscalerRelease,
			unset:  [][2]string{{compose.Cluster, "status.atProvider.version"}, {addons.AutoscalerRelease, "spec.forProvider.values.image.tag"}},
		},
		"TargetGroupBinding": {
			reason: "Without the target group's ARN nor the binding's manifest, it was re-rendered with targetGroupARN: \"\".",
			name:   workloads.BindingObject("backend"),
			unset: [][2]string{{compose.TargetGroup("backend"), "status.atProvider.arn"},
				{workloads.BindingObject("backend"), "spec.forProvider.manifest"}},
		},
		"DatabaseSetupExternalSecret": {
			reason: "Without the database's master secret nor the ExternalSecret's manifest, it was re-rendered with an empty key.",
			name:   incluster.SecretDatabaseSetup,
			unset: [][2]string{{compose.Database, "status.atProvider.masterUserSecret"},
				{incluster.SecretDatabaseSetup, "spec.forProvider.manifest"}},
		},
		"WorkloadPolicy": {
			reason: "Without the master secret (the policy names it) nor the observed policy, the policy is kept as observed, with its kind.",
			name:   secrets.BootstrapPolicy,
			unset:  [][2]string{{compose.Database, "status.atProvider.masterUserSecret"}, {secrets.BootstrapPolicy, "spec.forProvider.policy"}},
		},
		"UsageWithoutItsUser": {
			reason: "A Usage whose user is momentarily not observed stays while the spec wants it (FuzzObserved, 8159d9b).",
			name:   incluster.AppSecretObject(ct.Namespace) + "-uses-eso",
			unset:  [][2]string{{incluster.AppSecretObject(ct.Namespace), ""}, {compose.Database, "status.atProvider.address"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := compose.Observed{}
			for k, v := range running {
				obs[k] = v
			}
			for _, u := range tc.unset {
				if u[1] == "" {
					delete(obs, u[0]) // not observed at all
					continue
				}
				o := ct.JSONCopy(obs[u[0]])
				unsetPath(o, u[1])
				obs[u[0]] = o
			}
			out := it.Desired(t, ct.Env("prod", obs), it.Seed(t))
			got := ct.Find(t, out.Resources, tc.name)
			want := obs[tc.name]
			if diff := cmp.Diff(want["spec"], got.Object["spec"]); diff != "" {
				t.Errorf("%s\n%s is not kept as observed (-observed +desired):\n%s", tc.reason, tc.name, diff)
			}
			if got.Object["kind"] != want["kind"] {
				t.Errorf("%s\n%s kept as %v, observed %v", tc.reason, tc.name, got.Object["kind"], want["kind"])
			}
		})
	}
}

func unsetPath(m map[string]any, path string) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, parts[len(parts)-1])
}
