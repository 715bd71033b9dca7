package apps

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestAccessGating(t *testing.T) {
	notReady := func(names ...string) func(string) bool {
		return func(n string) bool {
			for _, x := range names {
				if n == x {
					return false
				}
			}
			return true
		}
	}
	cases := map[string]struct {
		reason  string
		ready   func(string) bool
		configs bool
		wait    string
	}{
		"ClusterCreating": {"While the cluster is created nothing can reach it.", notReady(compose.Cluster), false, "cluster-eks to be Ready"},
		"AuthPending":     {"Without ClusterAuth's kubeconfig there is nothing to read.", notReady(compose.ClusterAuth), false, "cluster-auth to be Ready"},
		"AccessPending": {"The kubeconfig is refused until the provider's access entry is associated with cluster-admin.",
			notReady(compose.ClusterProviderAccessPolicy), false, "cluster-access-provider-policy to be Ready"},
		"Ready": {"Everything the kubeconfig needs is Ready.", all, true, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b := &builder{env: testEnv("prod", others(tc.ready)), r: seed(t)}
			res := b.access()
			got := 0
			for _, r := range res.Resources {
				if r.Name == kubernetesConfig || r.Name == helmConfig {
					got++
				}
			}
			if (got == 2) != tc.configs || (got != 0 && got != 2) {
				t.Errorf("%s: rendered %d ProviderConfigs", tc.reason, got)
			}
			w := res.Waiting[releasesComponent]
			if tc.wait != "" && w != kubernetesConfig+" waits for "+tc.wait {
				t.Errorf("%s: waits for %q, want %q", tc.reason, w, tc.wait)
			}
			if tc.wait == "" && strings.HasPrefix(w, kubernetesConfig+" waits") {
				t.Errorf("%s: still waits: %q", tc.reason, w)
			}
		})
	}
}

func TestProviderConfigs(t *testing.T) {
	out, _ := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	secretRef := map[string]any{"namespace": testNamespace, "name": "prod-cluster-auth", "key": "kubeconfig"}
	for _, name := range []string{kubernetesConfig, helmConfig} {
		r := find(t, out, name)
		if r.Readiness != compose.ReadyWhenObserved {
			t.Errorf("%s has no Ready condition: it must be ready once observed", name)
		}
		want := map[string]any{"credentials": map[string]any{"source": "Secret", "secretRef": secretRef}}
		if diff := cmp.Diff(want, get(jsonCopy(t, r.Object), "spec")); diff != "" {
			t.Errorf("%s reads the kubeconfig from ClusterAuth's connection secret, naming its namespace (-want +got):\n%s", name, diff)
		}
	}
	// Every Object and Release names its ProviderConfig explicitly (never the providers' default, the
	// control-plane cluster).
	for _, r := range out.Resources {
		kind, _ := r.Object["kind"].(string)
		want := ""
		switch kind {
		case "Object":
			want = "prod-releases-kubernetes-config"
		case "Release":
			want = "prod-releases-helm-config"
		default:
			continue
		}
		ref := get(jsonCopy(t, r.Object), "spec.providerConfigRef")
		if diff := cmp.Diff(map[string]any{"kind": "ProviderConfig", "name": want}, ref); diff != "" {
			t.Errorf("%s: providerConfigRef (-want +got):\n%s", r.Name, diff)
		}
	}
}

func TestUsages(t *testing.T) {
	out, _ := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	cases := map[string]struct {
		reason string
		of, by string
		ofKind string
		byKind string
	}{
		"ConfigKeepsAuth":    {"The kubeconfig must outlive every Object deleted through it.", compose.ClusterAuth, kubernetesConfig, "ClusterAuth", "ProviderConfig"},
		"ConfigKeepsCluster": {"… and so must the cluster.", compose.Cluster, helmConfig, "Cluster", "ProviderConfig"},
		"ConfigKeepsAccess":  {"… and the provider's cluster-admin.", compose.ClusterProviderAccessPolicy, kubernetesConfig, "AccessPolicyAssociation", "ProviderConfig"},
		"BindingKeepsLBC":    {"A TargetGroupBinding's finalizer needs the controller.", lbcRelease, bindingObject("backend"), "Release", "Object"},
		"BindingKeepsTG":     {"… and the target group it deregisters from.", compose.TargetGroup("backend"), bindingObject("backend"), "LBTargetGroup", "Object"},
		"LBCKeepsRole":       {"The controller keeps its AWS identity while it cleans up.", lbcIdentity.role(), lbcRelease, "Role", "Release"},
		"LBCKeepsNodes":      {"… and nodes to run on.", compose.NodeGroup, lbcRelease, "NodeGroup", "Release"},
		"SecretKeepsESO":     {"ExternalSecrets carry the operator's finalizer.", esoRelease, appSecretObject(testNamespace), "Release", "Object"},
	}
	byName := map[string]map[string]any{}
	for _, r := range out.Resources {
		if r.Object["kind"] == "Usage" {
			byName[r.Name] = jsonCopy(t, r.Object)
		}
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, u := range byName {
				if get(u, "spec.of.resourceRef.name") == "prod-"+tc.of && get(u, "spec.by.resourceRef.name") == "prod-"+tc.by {
					if get(u, "spec.of.kind") != tc.ofKind || get(u, "spec.by.kind") != tc.byKind || get(u, "spec.replayDeletion") != true {
						t.Errorf("%s: usage %v", tc.reason, u["spec"])
					}
					return
				}
			}
			t.Errorf("%s: no Usage of %s by %s", tc.reason, tc.of, tc.by)
		})
	}
}

func TestUsageWaitsForBoth(t *testing.T) {
	b := &builder{env: testEnv("prod", others(all)), r: resolve(t, nil, v1alpha1.AddonsSpec{})}
	res := b.usage("releases-x-uses-y", compose.Cluster, kubernetesConfig)
	if len(res.Resources) != 0 {
		t.Errorf("A Usage whose user does not exist yet cannot be created (Crossplane resolves both)")
	}
}

// TestUsagesStayWhileTheirConfigIsNotObserved: a ProviderConfig that is momentarily not observed (and not
// rendered, its cluster access not Ready) does not take its existing Usages with it.
func TestUsagesStayWhileTheirConfigIsNotObserved(t *testing.T) {
	_, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	delete(obs, helmConfig)
	policy := jsonCopy(t, obs[compose.ClusterProviderAccessPolicy])
	delete(policy, "status")
	obs[compose.ClusterProviderAccessPolicy] = policy
	out := desired(t, testEnv("prod", obs), seed(t))
	if has(out, helmConfig) {
		t.Fatalf("%s rendered although its cluster access is not Ready", helmConfig)
	}
	for _, suffix := range []string{"auth", "cluster", "access", "access-policy"} {
		if n := helmConfig + "-uses-" + suffix; !has(out, n) {
			t.Errorf("%s dropped while its ProviderConfig is not observed", n)
		}
	}
}

// TestUnreadablePolicyStays: a workload identity's policy that can be neither built now (the database's
// master secret is not reported) nor read from the observed RolePolicy stays as it is, with its kind.
func TestUnreadablePolicyStays(t *testing.T) {
	_, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	db := jsonCopy(t, obs[compose.Database])
	delete(db["status"].(map[string]any)["atProvider"].(map[string]any), "masterUserSecret")
	obs[compose.Database] = db
	policy := jsonCopy(t, obs[esoIdentity.policy()])
	policy["spec"] = map[string]any{}
	obs[esoIdentity.policy()] = policy
	out := desired(t, testEnv("prod", obs), seed(t))
	got := find(t, out, esoIdentity.policy())
	if got.Object["kind"] != "RolePolicy" || got.Object["apiVersion"] != policy["apiVersion"] {
		t.Errorf("%s kept as %v %v, want it as observed (%v RolePolicy)", esoIdentity.policy(), got.Object["apiVersion"], got.Object["kind"], policy["apiVersion"])
	}
}
