// Package golden renders every example at every lifecycle stage with the real crossplane CLI (v2.2.1)
// and our function, compares the output byte for byte with the committed goldens and validates every
// rendered object against the providers' real CRDs.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/test/clirender"
	"github.com/cloudpartner/platform-environment/test/validate"
)

// Examples and stages. "empty" is the first reconcile (nothing observed); the others read
// test/observed/<example>/<stage>.yaml, written by TestObservedStages in the function's package.
var (
	examples = []string{"seed-production", "dev", "prod"}
	stages   = []string{"empty", "network", "cluster", "ready"}
)

func root() string { return clirender.Root() }

// render runs scripts/render.sh, the same path `make render` takes.
func render(t *testing.T, example, stage string) []byte {
	t.Helper()
	cli, fn := clirender.Binaries(t)
	observed := ""
	if stage != "empty" {
		observed = filepath.Join(root(), "test", "observed", example, stage+".yaml")
	}
	out, err := clirender.Render(cli, fn, filepath.Join(root(), "examples", example+".yaml"), observed)
	if err != nil {
		t.Fatalf("%s/%s: %v", example, stage, err)
	}
	return out
}

// documents splits a render into objects; the first is the XR.
func documents(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	docs, err := clirender.Documents(b)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestRenderGolden renders each example at each stage and compares with test/golden (UPDATE_GOLDEN=1
// rewrites them — read every diff before committing). Every composed object must pass the providers'
// CRDs with zero errors, and every resource observed at a stage must still be desired (Crossplane
// deletes what desired state omits).
func TestRenderGolden(t *testing.T) {
	v := validate.Shared(t)
	for _, ex := range examples {
		for _, st := range stages {
			t.Run(ex+"/"+st, func(t *testing.T) {
				t.Parallel()
				got := render(t, ex, st)
				path := filepath.Join(root(), "test", "golden", ex, st+".yaml")
				if os.Getenv("UPDATE_GOLDEN") != "" {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				} else {
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run `make golden`)", err)
					}
					if !bytes.Equal(want, got) {
						t.Errorf("%s differs from a fresh render: run `make golden` and review the diff\n%s", path, clirender.FirstDiff(string(want), string(got)))
					}
				}

				docs := documents(t, got)
				if len(docs) < 2 {
					t.Fatalf("render produced %d documents; want the XR and its composed resources", len(docs))
				}
				desired := map[string]bool{}
				for _, obj := range docs[1:] {
					desired[clirender.CompositionName(obj)] = true
					for _, e := range v.Object(obj) {
						t.Errorf("schema: %s", e)
					}
				}
				if st != "empty" {
					b, err := os.ReadFile(filepath.Join(root(), "test", "observed", ex, st+".yaml"))
					if err != nil {
						t.Fatal(err)
					}
					for _, obj := range documents(t, b) {
						if n := clirender.CompositionName(obj); !desired[n] {
							t.Errorf("observed resource %q is missing from desired state: Crossplane would delete it", n)
						}
					}
				}
			})
		}
	}
}

// TestRenderDeterministic renders the fully observed seed twice: the output must be byte-identical.
func TestRenderDeterministic(t *testing.T) {
	a := render(t, "seed-production", "ready")
	b := render(t, "seed-production", "ready")
	if !bytes.Equal(a, b) {
		t.Fatalf("two renders of the same input differ\n%s", clirender.FirstDiff(string(a), string(b)))
	}
}

// TestExamplesAdmitted validates every example against the CRD Crossplane derives from our XRD,
// CEL rules included: what we ship must be admitted.
func TestExamplesAdmitted(t *testing.T) {
	v := validate.Shared(t)
	files, err := filepath.Glob(filepath.Join(root(), "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		obj := map[string]any{}
		if err := yaml.Unmarshal(b, &obj); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if obj["kind"] != "PlatformEnvironment" {
			continue
		}
		for _, e := range v.XR(obj) {
			t.Errorf("%s: %s", filepath.Base(f), e)
		}
	}
}
