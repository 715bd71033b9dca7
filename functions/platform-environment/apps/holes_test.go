package apps

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// TestUnreadableStaysAsObserved: the holes of the former keep code. A resource that exists and whose
// content the builder cannot compute this pass, with its observed fallback unreadable too, is neither
// retired nor re-rendered with empty values: it is not rendered, and Assemble keeps it exactly as observed.
func TestUnreadableStaysAsObserved(t *testing.T) {
	_, running := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	cases := map[string]struct {
		reason string
		name   string
		// unset are the observed paths made unreadable: the computed value's source, then the fallback
		// (an empty path: the resource is not observed).
		unset [][2]string
	}{
		"RedisSecretVersion": {
			reason: "Without the cache's authTokenSecretRef nor its own, the SecretVersion was retired.",
			name:   secretRedisVersion,
			unset: [][2]string{{compose.CacheReplicationGroup, "spec.forProvider.authTokenSecretRef"},
				{secretRedisVersion, "spec.forProvider.secretStringSecretRef"}},
		},
		"LoadBalancerController": {
			reason: "Without the VPC's ID nor the release's own, the controller was re-rendered with vpcId: \"\".",
			name:   lbcRelease,
			unset:  [][2]string{{compose.VPC, "status.atProvider.id"}, {lbcRelease, "spec.forProvider.values.vpcId"}},
		},
		"Autoscaler": {
			reason: "Without the control plane's version nor the release's tag, the autoscaler was re-rendered with image.tag: \"\".",
			name:   autoscalerRelease,
			unset:  [][2]string{{compose.Cluster, "status.atProvider.version"}, {autoscalerRelease, "spec.forProvider.values.image.tag"}},
		},
		"TargetGroupBinding": {
			reason: "Without the target group's ARN nor the binding's manifest, it was re-rendered with targetGroupARN: \"\".",
			name:   bindingObject("backend"),
			unset: [][2]string{{compose.TargetGroup("backend"), "status.atProvider.arn"},
				{bindingObject("backend"), "spec.forProvider.manifest"}},
		},
		"DatabaseSetupExternalSecret": {
			reason: "Without the database's master secret nor the ExternalSecret's manifest, it was re-rendered with an empty key.",
			name:   secretDatabaseSetup,
			unset: [][2]string{{compose.Database, "status.atProvider.masterUserSecret"},
				{secretDatabaseSetup, "spec.forProvider.manifest"}},
		},
		"WorkloadPolicy": {
			reason: "Without the account nor the observed policy, the policy is kept as observed, with its kind.",
			name:   esoIdentity.policy(),
			unset:  [][2]string{{compose.Database, "status.atProvider.masterUserSecret"}, {esoIdentity.policy(), "spec.forProvider.policy"}},
		},
		"UsageWithoutItsUser": {
			reason: "A Usage whose user is momentarily not observed stays while the spec wants it (FuzzObserved, 8159d9b).",
			name:   appSecretObject(testNamespace) + "-uses-eso",
			unset:  [][2]string{{appSecretObject(testNamespace), ""}, {compose.Database, "status.atProvider.address"}},
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
				o := jsonCopy(t, obs[u[0]])
				unsetPath(o, u[1])
				obs[u[0]] = o
			}
			out := desired(t, testEnv("prod", obs), seed(t))
			got := find(t, out, tc.name)
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
