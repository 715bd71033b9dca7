package incluster_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/workloads"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
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
		"Ready": {"Everything the kubeconfig needs is Ready.", it.All, true, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := it.Seed(t)
			res := incluster.Builder{Env: ct.Env("prod", it.Others(tc.ready)), Spec: &spec}.Access()
			got := 0
			for _, r := range res.Resources {
				if r.Name == incluster.KubernetesConfig || r.Name == incluster.HelmConfig {
					got++
				}
			}
			if (got == 2) != tc.configs || (got != 0 && got != 2) {
				t.Errorf("%s: rendered %d ProviderConfigs", tc.reason, got)
			}
			w := res.Waiting[incluster.ReleasesComponent]
			if tc.wait != "" && w != incluster.KubernetesConfig+" waits for "+tc.wait {
				t.Errorf("%s: waits for %q, want %q", tc.reason, w, tc.wait)
			}
			if tc.wait == "" && strings.HasPrefix(w, incluster.KubernetesConfig+" waits") {
				t.Errorf("%s: still waits: %q", tc.reason, w)
			}
		})
	}
}

func TestProviderConfigs(t *testing.T) {
	out, _ := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	secretRef := map[string]any{"namespace": ct.Namespace, "name": "prod-cluster-auth", "key": "kubeconfig"}
	for _, name := range []string{incluster.KubernetesConfig, incluster.HelmConfig} {
		r := ct.Find(t, out.Resources, name)
		if r.Readiness != compose.ReadyWhenObserved {
			t.Errorf("%s has no Ready condition: it must be ready once observed", name)
		}
		want := map[string]any{"credentials": map[string]any{"source": "Secret", "secretRef": secretRef}}
		if diff := cmp.Diff(want, it.Get(ct.JSONCopy(r.Object), "spec")); diff != "" {
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
		ref := it.Get(ct.JSONCopy(r.Object), "spec.providerConfigRef")
		if diff := cmp.Diff(map[string]any{"kind": "ProviderConfig", "name": want}, ref); diff != "" {
			t.Errorf("%s: providerConfigRef (-want +got):\n%s", r.Name, diff)
		}
	}
}

func TestUsages(t *testing.T) {
	out, _ := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	cases := map[string]struct {
		reason string
		of, by string
		ofKind string
		byKind string
	}{
		"ConfigKeepsAuth":    {"The kubeconfig must outlive every Object deleted through it.", compose.ClusterAuth, incluster.KubernetesConfig, "ClusterAuth", "ProviderConfig"},
		"ConfigKeepsCluster": {"… and so must the cluster.", compose.Cluster, incluster.HelmConfig, "Cluster", "ProviderConfig"},
		"ConfigKeepsAccess":  {"… and the provider's cluster-admin.", compose.ClusterProviderAccessPolicy, incluster.KubernetesConfig, "AccessPolicyAssociation", "ProviderConfig"},
		"BindingKeepsLBC":    {"A TargetGroupBinding's finalizer needs the controller.", incluster.LBCRelease, workloads.BindingObject("backend"), "Release", "Object"},
		"BindingKeepsTG":     {"… and the target group it deregisters from.", compose.TargetGroup("backend"), workloads.BindingObject("backend"), "LBTargetGroup", "Object"},
		"LBCKeepsRole":       {"The controller keeps its AWS identity while it cleans up.", incluster.LBCRelease + "-role", incluster.LBCRelease, "Role", "Release"},
		"LBCKeepsNodes":      {"… and nodes to run on.", compose.NodeGroup, incluster.LBCRelease, "NodeGroup", "Release"},
		"SecretKeepsESO":     {"ExternalSecrets carry the operator's finalizer.", incluster.ESORelease, incluster.AppSecretObject(ct.Namespace), "Release", "Object"},
	}
	byName := map[string]map[string]any{}
	for _, r := range out.Resources {
		if r.Object["kind"] == "Usage" {
			byName[r.Name] = ct.JSONCopy(r.Object)
		}
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, u := range byName {
				if it.Get(u, "spec.of.resourceRef.name") == "prod-"+tc.of && it.Get(u, "spec.by.resourceRef.name") == "prod-"+tc.by {
					if it.Get(u, "spec.of.kind") != tc.ofKind || it.Get(u, "spec.by.kind") != tc.byKind || it.Get(u, "spec.replayDeletion") != true {
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
	spec := it.Resolve(t, nil, v1alpha1.AddonsSpec{})
	res := incluster.Builder{Env: ct.Env("prod", it.Others(it.All)), Spec: &spec}.Usage("releases-x-uses-y", compose.Cluster, incluster.KubernetesConfig)
	if len(res.Resources) != 0 {
		t.Errorf("A Usage whose user does not exist yet cannot be created (Crossplane resolves both)")
	}
}

// TestUsagesStayWhileTheirConfigIsNotObserved: a ProviderConfig that is momentarily not observed (and not
// rendered, its cluster access not Ready) does not take its existing Usages with it.
func TestUsagesStayWhileTheirConfigIsNotObserved(t *testing.T) {
	_, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	delete(obs, incluster.HelmConfig)
	policy := ct.JSONCopy(obs[compose.ClusterProviderAccessPolicy])
	delete(policy, "status")
	obs[compose.ClusterProviderAccessPolicy] = policy
	out := it.Desired(t, ct.Env("prod", obs), it.Seed(t))
	if ct.Has(out.Resources, incluster.HelmConfig) {
		t.Fatalf("%s rendered although its cluster access is not Ready", incluster.HelmConfig)
	}
	for _, suffix := range []string{"auth", "cluster", "access", "access-policy"} {
		if n := incluster.HelmConfig + "-uses-" + suffix; !ct.Has(out.Resources, n) {
			t.Errorf("%s dropped while its ProviderConfig is not observed", n)
		}
	}
}

// TestUnreadablePolicyStays: a workload identity's policy that can be neither built now (the database's
// master secret is not reported) nor read from the observed RolePolicy stays as it is, with its kind.
func TestUnreadablePolicyStays(t *testing.T) {
	_, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	db := ct.JSONCopy(obs[compose.Database])
	delete(db["status"].(map[string]any)["atProvider"].(map[string]any), "masterUserSecret")
	obs[compose.Database] = db
	policy := ct.JSONCopy(obs[incluster.ESORelease+"-policy"])
	policy["spec"] = map[string]any{}
	obs[incluster.ESORelease+"-policy"] = policy
	out := it.Desired(t, ct.Env("prod", obs), it.Seed(t))
	got := ct.Find(t, out.Resources, incluster.ESORelease+"-policy")
	if got.Object["kind"] != "RolePolicy" || got.Object["apiVersion"] != policy["apiVersion"] {
		t.Errorf("%s kept as %v %v, want it as observed (%v RolePolicy)", incluster.ESORelease+"-policy", got.Object["apiVersion"], got.Object["kind"], policy["apiVersion"])
	}
}
