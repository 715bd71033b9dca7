package packaging

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/yaml"

	rbacv1 "k8s.io/api/rbac/v1"
)

// allows evaluates RBAC rules the way the authorizer does for a namespaced resource request (no resourceNames).
func allows(rules []rbacv1.PolicyRule, group, resource, verb string) bool {
	match := func(list []string, v string) bool { return slices.Contains(list, v) || slices.Contains(list, "*") }
	for _, r := range rules {
		if match(r.APIGroups, group) && match(r.Resources, resource) && match(r.Verbs, verb) {
			return true
		}
	}
	return false
}

// TestTenancy: a team's namespace comes with its own AWS identity (no static keys) and RBAC that lets the team file
// environments there, read what they compose, and nothing else.
func TestTenancy(t *testing.T) {
	var role rbacv1.ClusterRole
	decodeStrict(t, docs(t, "examples/install/tenancy/clusterrole.yaml")[0], &role)

	cases := map[string]struct {
		reason                string
		group, resource, verb string
		want                  bool
	}{
		"FileEnvironment":       {"Teams file environments.", "platform.cloudpartner.pro", "platformenvironments", "create", true},
		"DeleteEnvironment":     {"Teams delete their environments.", "platform.cloudpartner.pro", "platformenvironments", "delete", true},
		"ReadComposed":          {"Teams read what was composed (crossplane beta trace).", "rds.aws.m.upbound.io", "instances", "get", true},
		"NoWriteComposed":       {"Composing by hand would bypass the platform's guardrails.", "ec2.aws.m.upbound.io", "vpcs", "create", false},
		"NoDeleteComposed":      {"Deleting a composed database by hand would lose data behind the XR's back.", "rds.aws.m.upbound.io", "instances", "delete", false},
		"NoWriteProviderConfig": {"A team that writes a ProviderConfig can assume any role the provider identity can.", "aws.m.upbound.io", "providerconfigs", "create", false},
		"NoPatchProviderConfig": {"Nor change the one it was given.", "aws.m.upbound.io", "providerconfigs", "patch", false},
		"NoKubernetesPC":        {"Nor a provider-kubernetes ProviderConfig (credentials of the new clusters).", "kubernetes.m.crossplane.io", "providerconfigs", "create", false},
		"NoSecrets":             {"Connection secrets (kubeconfig, passwords) are not the team's to read through this role.", "", "secrets", "get", false},
		"NoStatusWrite":         {"Status is Crossplane's.", "platform.cloudpartner.pro", "platformenvironments/status", "update", false},
		"NoActivationPolicy":    {"Activation policies are cluster-wide.", "apiextensions.crossplane.io", "managedresourceactivationpolicies", "create", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := allows(role.Rules, tc.group, tc.resource, tc.verb); got != tc.want {
				t.Errorf("%s\nallows(%s %s/%s) = %t, want %t", tc.reason, tc.verb, tc.group, tc.resource, got, tc.want)
			}
		})
	}
	for _, r := range role.Rules {
		if slices.Contains(r.Verbs, "*") || slices.Contains(r.APIGroups, "*") {
			t.Errorf("rule %+v uses a wildcard verb or group", r)
		}
	}
	// Teams can read the managed resources of every provider the Configuration depends on (so trace works for all
	// of them) and of no other group.
	var readable []string
	for _, r := range role.Rules {
		if slices.Contains(r.Resources, "*") {
			readable = append(readable, r.APIGroups...)
		}
	}
	var want []string
	for _, p := range declaredProviders(t, readConfiguration(t)) {
		switch {
		case strings.HasPrefix(p, "xpkg.upbound.io/upbound/provider-aws-"):
			want = append(want, strings.TrimPrefix(p, "xpkg.upbound.io/upbound/provider-aws-")+".aws.m.upbound.io")
		case strings.HasSuffix(p, "/provider-kubernetes"):
			want = append(want, "kubernetes.m.crossplane.io")
		case strings.HasSuffix(p, "/provider-helm"):
			want = append(want, "helm.m.crossplane.io")
		}
	}
	sort.Strings(readable)
	sort.Strings(want)
	if diff := cmp.Diff(want, readable); diff != "" {
		t.Errorf("groups teams may read vs the Configuration's providers: -providers +ClusterRole:\n%s", diff)
	}

	team := docs(t, "examples/install/tenancy/team-a.yaml")
	ns := byKind(team, "Namespace")
	if len(ns) != 1 {
		t.Fatal("team-a.yaml: want one Namespace")
	}
	namespace := name(ns[0])
	if str(ns[0], "metadata", "labels", "platform.cloudpartner.pro/tenant") == "" {
		t.Error("the team namespace lacks the platform.cloudpartner.pro/tenant label the admission policy selects")
	}
	pcs := byKind(team, "ProviderConfig")
	if len(pcs) != 1 || name(pcs[0]) != namespace+"/default" {
		t.Fatalf("team-a.yaml: want one ProviderConfig %s/default (the name an environment uses by default)", namespace)
	}
	pc := pcs[0]
	if src := str(pc, "spec", "credentials", "source"); !slices.Contains([]string{"IRSA", "WebIdentity", "PodIdentity"}, src) {
		t.Errorf("ProviderConfig credentials.source %q: want a workload identity (IRSA, WebIdentity, PodIdentity), never static keys", src)
	}
	if get(pc, "spec", "credentials", "secretRef") != nil {
		t.Error("ProviderConfig references a Secret: no static keys")
	}
	chain, _ := get(pc, "spec", "assumeRoleChain").([]any)
	if len(chain) == 0 || !strings.HasPrefix(str(chain[len(chain)-1].(map[string]any), "roleARN"), "arn:aws:iam::") {
		t.Error("ProviderConfig: want an assumeRoleChain ending in the team's role")
	}
	rbs := byKind(team, "RoleBinding")
	if len(rbs) != 1 {
		t.Fatal("team-a.yaml: want one RoleBinding")
	}
	var rb rbacv1.RoleBinding
	decodeStrict(t, rbs[0], &rb)
	if rb.Namespace != namespace || rb.RoleRef.Kind != "ClusterRole" || rb.RoleRef.Name != role.Name {
		t.Errorf("RoleBinding %s/%s → %s %s: want it in %s, bound to ClusterRole %s", rb.Namespace, rb.Name, rb.RoleRef.Kind, rb.RoleRef.Name, namespace, role.Name)
	}

	// Argo CD: the team's project reaches only the team's namespace and only PlatformEnvironments.
	proj := docs(t, "examples/argocd/appproject-team-a.yaml")[0]
	dests, _ := get(proj, "spec", "destinations").([]any)
	for _, d := range dests {
		if ns := str(d.(map[string]any), "namespace"); ns != namespace {
			t.Errorf("AppProject destination namespace %q, want only %q", ns, namespace)
		}
	}
	if name(proj) != "argocd/"+namespace {
		t.Errorf("AppProject %q: name it like the namespace (the ApplicationSet derives both from the folder)", name(proj))
	}
	if cw, _ := get(proj, "spec", "clusterResourceWhitelist").([]any); len(cw) != 0 {
		t.Errorf("AppProject allows cluster-scoped kinds %v", cw)
	}
	nw, _ := get(proj, "spec", "namespaceResourceWhitelist").([]any)
	if len(nw) != 1 || str(nw[0].(map[string]any), "group") != "platform.cloudpartner.pro" || str(nw[0].(map[string]any), "kind") != "PlatformEnvironment" {
		t.Errorf("AppProject namespaceResourceWhitelist %v, want only platform.cloudpartner.pro/PlatformEnvironment", nw)
	}
}

// TestArgoCDApplicationSet checks the sync settings Crossplane needs and that each team's Application lands in the
// team's namespace under the team's project.
func TestArgoCDApplicationSet(t *testing.T) {
	as := docs(t, "examples/argocd/applicationset.yaml")[0]
	tmpl := get(as, "spec", "template", "spec").(map[string]any)
	if str(tmpl, "project") != str(tmpl, "destination", "namespace") || !strings.Contains(str(tmpl, "project"), ".path.basename") {
		t.Errorf("project %q and destination namespace %q must both be the team folder's name", str(tmpl, "project"), str(tmpl, "destination", "namespace"))
	}
	opts := map[string]bool{}
	raw, _ := get(tmpl, "syncPolicy", "syncOptions").([]any)
	for _, o := range raw {
		opts[o.(string)] = true
	}
	for _, want := range []string{"ServerSideApply=true", "SkipDryRunOnMissingResource=true", "CreateNamespace=false", "FailOnSharedResource=true"} {
		if !opts[want] {
			t.Errorf("syncOptions lack %s", want)
		}
	}
	if get(tmpl, "syncPolicy", "automated", "prune") != false {
		t.Error("automated prune must be off: removing a file must not delete an environment and its data")
	}
	if get(as, "spec", "syncPolicy", "preserveResourcesOnDeletion") != true {
		t.Error("spec.syncPolicy.preserveResourcesOnDeletion must be true: deleting the ApplicationSet must not delete environments")
	}
	ign, _ := get(tmpl, "ignoreDifferences").([]any)
	found := false
	for _, i := range ign {
		i := i.(map[string]any)
		ptrs, _ := i["jsonPointers"].([]any)
		if i["kind"] == "PlatformEnvironment" && slices.Contains(ptrs, any("/spec/crossplane")) {
			found = true
		}
	}
	if !found {
		t.Error("ignoreDifferences must cover PlatformEnvironment /spec/crossplane (written by Crossplane)")
	}
}

// TestTenantAdmissionPolicy evaluates the ValidatingAdmissionPolicy's CEL (cel-go, as kube-apiserver does) on
// PlatformEnvironments: a team environment may use its namespace's ProviderConfig, never a ClusterProviderConfig.
func TestTenantAdmissionPolicy(t *testing.T) {
	var vap admissionv1.ValidatingAdmissionPolicy
	decodeStrict(t, byKind(docs(t, "examples/install/tenancy/validatingadmissionpolicy.yaml"), "ValidatingAdmissionPolicy")[0], &vap)
	if len(vap.Spec.Validations) != 1 {
		t.Fatalf("%d validations, want 1", len(vap.Spec.Validations))
	}
	v := vap.Spec.Validations[0]
	env, err := cel.NewEnv(cel.Variable("object", cel.DynType))
	if err != nil {
		t.Fatal(err)
	}
	program := func(expr string) cel.Program {
		ast, iss := env.Compile(expr)
		if iss.Err() != nil {
			t.Fatalf("%q does not compile: %v", expr, iss.Err())
		}
		p, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rule, msg := program(v.Expression), program(v.MessageExpression)

	cases := map[string]struct {
		reason string
		spec   string
		allow  bool
	}{
		"Default":           {"No providerConfigRef: the XRD's default, the namespace's ProviderConfig.", "profile: dev\n", true},
		"OwnProviderConfig": {"The namespace's own ProviderConfig by name.", "providerConfigRef:\n  kind: ProviderConfig\n  name: default\n", true},
		"KindOmitted":       {"A name without kind: the XRD defaults kind to ProviderConfig.", "providerConfigRef:\n  name: default\n", true},
		"ClusterIdentity":   {"A ClusterProviderConfig is not the team's identity.", "providerConfigRef:\n  kind: ClusterProviderConfig\n  name: shared\n", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := map[string]any{}
			if err := yaml.Unmarshal([]byte("apiVersion: platform.cloudpartner.pro/v1alpha1\nkind: PlatformEnvironment\nspec:\n"+indent(tc.spec)), &obj); err != nil {
				t.Fatal(err)
			}
			out, _, err := rule.Eval(map[string]any{"object": obj})
			if err != nil {
				t.Fatalf("%s\nevaluation: %v", tc.reason, err)
			}
			if got := out.Value() == true; got != tc.allow {
				t.Errorf("%s\nallowed = %t, want %t", tc.reason, got, tc.allow)
			}
			if !tc.allow {
				m, _, err := msg.Eval(map[string]any{"object": obj})
				if err != nil || !strings.Contains(fmt.Sprint(m.Value()), "ClusterProviderConfig") {
					t.Errorf("message %v (error %v): want it to name the refused kind", m, err)
				}
			}
		})
	}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
