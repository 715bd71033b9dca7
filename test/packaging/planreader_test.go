package packaging

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// crossplaneKinds are the composed kinds of no provider, with their resource names.
var crossplaneKinds = map[schema.GroupKind]string{
	{Group: "protection.crossplane.io", Kind: "Usage"}: "usages",
}

type composedResource struct{ group, kind, resource string }

// composedResources are the group, kind and resource name of every object the render goldens compose (a document
// with the composition resource name annotation): the provider kinds through their CRDs, Crossplane's own above.
func composedResources(t *testing.T) []composedResource {
	t.Helper()
	dir := filepath.Join(root(t), "test", "golden")
	seen := map[schema.GroupKind]bool{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := os.ReadFile(path) //nolint:gosec // our own test tree
		if err != nil {
			return err
		}
		// Top-level apiVersion and kind of each document that carries the annotation: the goldens are rendered YAML,
		// so a line-wise look at the documents' unindented keys is enough (and fast).
		var av, kind string
		composed := false
		flush := func() {
			if composed && av != "" && kind != "" {
				gv, _ := schema.ParseGroupVersion(av)
				seen[schema.GroupKind{Group: gv.Group, Kind: kind}] = true
			}
			av, kind, composed = "", "", false
		}
		s := bufio.NewScanner(bytes.NewReader(b))
		s.Buffer(make([]byte, 0, 1<<20), 1<<26)
		for s.Scan() {
			line := s.Text()
			switch {
			case line == "---":
				flush()
			case strings.HasPrefix(line, "apiVersion: "):
				av = strings.TrimSpace(strings.TrimPrefix(line, "apiVersion: "))
			case strings.HasPrefix(line, "kind: "):
				kind = strings.TrimSpace(strings.TrimPrefix(line, "kind: "))
			case strings.Contains(line, "crossplane.io/composition-resource-name:") && strings.HasPrefix(line, "    "):
				composed = true
			}
		}
		flush()
		return s.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("test/golden composes nothing")
	}
	idx := providerIndex(t)
	var out []composedResource
	for gk := range seen {
		res, ok := crossplaneKinds[gk]
		if !ok {
			var err error
			if res, err = idx.Plural(gk); err != nil {
				t.Fatalf("composed %s: %v", gk, err)
			}
		}
		out = append(out, composedResource{gk.Group, gk.Kind, res})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].group != out[j].group {
			return out[i].group < out[j].group
		}
		return out[i].resource < out[j].resource
	})
	return out
}

// TestPlanReader: the ServiceAccount examples/ci/plan.yaml plans with may get and list the PlatformEnvironments and
// every kind the goldens compose, and nothing else: no other verb, no wildcard, no Secrets; the RoleBinding binds it in
// the team's namespace.
func TestPlanReader(t *testing.T) {
	all := docs(t, "examples/install/tenancy/plan-reader.yaml")
	roles := byKind(all, "ClusterRole")
	sas := byKind(all, "ServiceAccount")
	rbs := byKind(all, "RoleBinding")
	if len(roles) != 1 || len(sas) != 1 || len(rbs) == 0 {
		t.Fatalf("plan-reader.yaml: want one ClusterRole, one ServiceAccount and RoleBindings, got %d, %d, %d", len(roles), len(sas), len(rbs))
	}
	var role rbacv1.ClusterRole
	decodeStrict(t, roles[0], &role)
	for _, r := range role.Rules {
		for _, v := range r.Verbs {
			if v != "get" && v != "list" {
				t.Errorf("rule %v grants %q: the plan reader gets and lists only", r.Resources, v)
			}
		}
		if slices.Contains(r.Resources, "*") || slices.Contains(r.APIGroups, "*") {
			t.Errorf("rule %+v uses a wildcard: name the composed kinds", r)
		}
		if len(r.NonResourceURLs) > 0 {
			t.Errorf("rule %+v grants non-resource URLs (discovery is every authenticated user's already)", r)
		}
	}
	want := append([]composedResource{{"platform.cloudpartner.pro", "PlatformEnvironment", "platformenvironments"}}, composedResources(t)...)
	granted := map[[2]string]bool{}
	for _, r := range want {
		for _, verb := range []string{"get", "list"} {
			if !allows(role.Rules, r.group, r.resource, verb) {
				t.Errorf("%s %s/%s (%s) is not allowed: the plan reads every composed kind", verb, r.group, r.resource, r.kind)
			}
		}
		granted[[2]string{r.group, r.resource}] = true
	}
	for _, r := range role.Rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if !granted[[2]string{g, res}] {
					t.Errorf("%s/%s is granted but neither the XR nor a composed kind", g, res)
				}
			}
		}
	}
	if allows(role.Rules, "", "secrets", "get") {
		t.Error("the plan reader may read Secrets")
	}
	sa := sas[0]
	teamNS := name(byKind(docs(t, "examples/install/tenancy/team-a.yaml"), "Namespace")[0])
	for _, doc := range rbs {
		var rb rbacv1.RoleBinding
		decodeStrict(t, doc, &rb)
		if rb.RoleRef.Kind != "ClusterRole" || rb.RoleRef.Name != role.Name || len(rb.Subjects) != 1 ||
			rb.Subjects[0].Kind != "ServiceAccount" || rb.Subjects[0].Name+"/"+rb.Subjects[0].Namespace != str(sa, "metadata", "name")+"/"+str(sa, "metadata", "namespace") {
			t.Errorf("RoleBinding %s/%s: want ClusterRole %s bound to the ServiceAccount %s", rb.Namespace, rb.Name, role.Name, name(sa))
		}
		if rb.Namespace != teamNS {
			t.Errorf("RoleBinding %s/%s: want it in the team namespace %s (team-a.yaml), where the environments live", rb.Namespace, rb.Name, teamNS)
		}
	}
}
