package packaging

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/package/mrap"
)

const mrapFile = "package/configuration/managedresourceactivationpolicy.yaml"

// pendingProviders are providers the Configuration declares (those the function's code composes) whose managed resources
// no render golden composes yet, because the issue that composes them has not landed. Each entry says which. The list
// may only shrink: TestDependsOnMatchesComposed fails when a pending provider is composed (remove it here) and when a
// declared provider is neither composed nor pending.
var pendingProviders = map[string]string{}

var composed struct {
	once sync.Once
	gks  []schema.GroupKind
	err  error
}

// composedKinds returns the provider kinds in the render goldens; it skips the test only if test/golden does not
// exist at all (before the foundation issue's goldens), never when it exists and is unreadable or empty.
func composedKinds(t *testing.T) []schema.GroupKind {
	t.Helper()
	dir := filepath.Join(root(t), "test", "golden")
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		t.Skip("test/golden does not exist yet: nothing to compare the MRAP and dependsOn with")
	}
	composed.once.Do(func() { composed.gks, composed.err = mrap.ComposedKinds(dir) })
	if composed.err != nil {
		t.Fatal(composed.err)
	}
	if len(composed.gks) == 0 {
		t.Fatal("test/golden holds no managed resources")
	}
	return composed.gks
}

var crdDirs struct {
	once sync.Once
	dirs []string
	err  error
}

func providerIndex(t *testing.T) *mrap.CRDIndex {
	t.Helper()
	crdDirs.once.Do(func() { crdDirs.dirs, crdDirs.err = mrap.ProviderCRDDirs() })
	if crdDirs.err != nil {
		t.Fatal(crdDirs.err)
	}
	return mrap.NewCRDIndex(crdDirs.dirs...)
}

// TestMRAPMatchesGoldens: the committed policy is exactly what `make mrap` writes from the goldens.
func TestMRAPMatchesGoldens(t *testing.T) {
	gks := composedKinds(t)
	names, err := mrap.MRDNames(providerIndex(t), gks)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := mrap.Write(&want, names); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root(t), mrapFile))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), string(got)); diff != "" {
		t.Errorf("%s is stale; run `make mrap` and commit it. -generated, +committed:\n%s", mrapFile, diff)
	}
}

// TestMRAPActivatesComposedKinds checks the committed policy from the other side: each activation names a managed
// kind the goldens compose, and each managed kind the goldens compose is activated.
func TestMRAPActivatesComposedKinds(t *testing.T) {
	gks := composedKinds(t)
	p, err := mrap.Read(filepath.Join(root(t), mrapFile))
	if err != nil {
		t.Fatal(err)
	}
	if p.APIVersion != "apiextensions.crossplane.io/v1alpha1" || p.Kind != "ManagedResourceActivationPolicy" || p.Metadata.Name == "default" {
		t.Errorf("policy is %s %s %q; want an apiextensions.crossplane.io/v1alpha1 ManagedResourceActivationPolicy not named default (Crossplane's own)", p.APIVersion, p.Kind, p.Metadata.Name)
	}
	x := providerIndex(t)
	composedMRDs := map[string]schema.GroupKind{}
	for _, gk := range gks {
		if !mrap.IsManaged(gk) {
			continue
		}
		plural, err := x.Plural(gk)
		if err != nil {
			t.Fatal(err)
		}
		composedMRDs[plural+"."+gk.Group] = gk
	}
	activated := map[string]bool{}
	for _, a := range p.Spec.Activate {
		if strings.Contains(a, "*") {
			t.Errorf("activation %q is a wildcard: activate exactly the kinds composed", a)
		}
		if activated[a] {
			t.Errorf("activation %q is listed twice", a)
		}
		activated[a] = true
		if _, ok := composedMRDs[a]; !ok {
			t.Errorf("activation %q: no golden composes this kind", a)
		}
	}
	for name, gk := range composedMRDs {
		if !activated[name] {
			t.Errorf("%s is composed in the goldens but not activated (%s)", gk, name)
		}
	}
}

// metaConfiguration is the part of crossplane.yaml (meta.pkg.crossplane.io/v1 Configuration) the tests read.
type metaConfiguration struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Crossplane struct {
			Version string `json:"version"`
		} `json:"crossplane"`
		DependsOn []struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Package    string `json:"package"`
			Version    string `json:"version"`
		} `json:"dependsOn"`
	} `json:"spec"`
}

func readConfiguration(t *testing.T) metaConfiguration {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), "crossplane.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c metaConfiguration
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		t.Fatalf("crossplane.yaml: %v", err)
	}
	return c
}

// declaredProviders returns the Provider packages crossplane.yaml depends on, sorted.
func declaredProviders(t *testing.T, c metaConfiguration) []string {
	t.Helper()
	var out []string
	for _, d := range c.Spec.DependsOn {
		if d.Kind == "Provider" {
			out = append(out, d.Package)
		}
	}
	sort.Strings(out)
	return out
}

// TestDependsOnMatchesComposed: the Configuration depends on exactly the providers whose kinds the goldens compose,
// apart from the providers in pendingProviders.
func TestDependsOnMatchesComposed(t *testing.T) {
	gks := composedKinds(t)
	need, err := mrap.Providers(gks)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, p := range declaredProviders(t, readConfiguration(t)) {
		declared[p] = true
	}
	needed := map[string]bool{}
	for _, p := range need {
		needed[p] = true
		if !declared[p] {
			t.Errorf("the goldens compose kinds of %s, but crossplane.yaml does not depend on it", p)
		}
		if why, ok := pendingProviders[p]; ok {
			t.Errorf("%s is composed now (%s): remove it from pendingProviders", p, why)
		}
	}
	for p := range declared {
		if _, pending := pendingProviders[p]; !needed[p] && !pending {
			t.Errorf("crossplane.yaml depends on %s, but no golden composes its kinds", p)
		}
	}
	for p := range pendingProviders {
		if !declared[p] {
			t.Errorf("pendingProviders lists %s, which crossplane.yaml does not declare", p)
		}
	}
	t.Logf("composed: %d kinds of %d providers; declared but not composed yet: %d (pendingProviders)", len(gks), len(need), len(pendingProviders))
}
