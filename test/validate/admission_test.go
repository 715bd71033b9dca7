package validate

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/apis/admission"
)

// TestEmbeddedAdmissionAgrees: admission.XRUpdate (the plan CLI's, from the XRD embedded in the binary, without
// checking the XRD against Crossplane's XRD CRD) says what the Validator says (from apis/definition.yaml, checked) for
// every example as a create, and for edits the CEL transition rules refuse.
func TestEmbeddedAdmissionAgrees(t *testing.T) {
	v := Shared(t)
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "examples", "*.yaml"))
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // the repository's examples.
		if err != nil {
			t.Fatal(err)
		}
		xr := map[string]any{}
		if err := yaml.Unmarshal(b, &xr); err != nil || xr["kind"] != "PlatformEnvironment" {
			continue
		}
		seen++
		got, err := admission.XRUpdate(nil, xr)
		if err != nil {
			t.Fatal(err)
		}
		if want := v.XR(xr); len(got) != 0 || len(want) != 0 {
			t.Errorf("%s: embedded %q, validator %q", filepath.Base(f), got, want)
		}
		edited := deepCopyJSON(t, xr)
		spec := edited["spec"].(map[string]any)
		spec["domain"] = "other.example"
		spec["providerConfigRef"] = map[string]any{"kind": "ProviderConfig", "name": "other"}
		got, _ = admission.XRUpdate(xr, edited)
		want := v.XRUpdate(xr, edited)
		// The Validator prefixes each problem with the object's kind and name.
		for i := range want {
			want[i] = want[i][len(id(edited))+2:]
		}
		if len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: a changed domain and providerConfigRef: embedded %q, validator %q", filepath.Base(f), got, want)
		}
	}
	if seen == 0 {
		t.Fatal("no PlatformEnvironment under examples/")
	}
}

func deepCopyJSON(t *testing.T, o map[string]any) map[string]any {
	c, err := jsonCopy(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
