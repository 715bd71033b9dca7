// Package golden renders every example at every lifecycle stage with the real crossplane CLI (v2.2.1)
// and our function, compares the output byte for byte with the committed goldens and validates every
// rendered object against the providers' real CRDs.
package golden

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/test/validate"
)

// Examples and stages. "empty" is the first reconcile (nothing observed); the others read
// test/observed/<example>/<stage>.yaml, written by TestObservedStages in the function's package.
var (
	examples = []string{"seed-production", "dev", "prod"}
	stages   = []string{"empty", "network", "cluster", "ready"}
)

func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

var (
	buildOnce sync.Once
	fnBin     string
	buildErr  error
)

// binaries returns the crossplane CLI and function binary, from CROSSPLANE and FUNCTION_BIN (set by
// `make test`), else bin/crossplane and a fresh build of the function.
func binaries(t *testing.T) (string, string) {
	t.Helper()
	cli := os.Getenv("CROSSPLANE")
	if cli == "" {
		cli = filepath.Join(root(), "bin", "crossplane")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("crossplane CLI not found at %s: run `make tools` (or `make test`, which builds it)", cli)
	}
	buildOnce.Do(func() {
		if fnBin = os.Getenv("FUNCTION_BIN"); fnBin != "" {
			return
		}
		dir, err := os.MkdirTemp("", "function-bin")
		if err != nil {
			buildErr = err
			return
		}
		fnBin = filepath.Join(dir, "function")
		out, err := exec.Command("go", "build", "-o", fnBin, "./functions/platform-environment").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("cannot build the function: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return cli, fnBin
}

// render runs scripts/render.sh, the same path `make render` takes.
func render(t *testing.T, example, stage string) []byte {
	t.Helper()
	cli, fn := binaries(t)
	observed := ""
	if stage != "empty" {
		observed = filepath.Join(root(), "test", "observed", example, stage+".yaml")
	}
	cmd := exec.Command(filepath.Join(root(), "scripts", "render.sh"), cli, fn,
		filepath.Join(root(), "examples", example+".yaml"), observed)
	cmd.Dir = root()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("render %s/%s: %v\n%s", example, stage, err, stderr.String())
	}
	return out
}

// documents splits a render into objects; the first is the XR.
func documents(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, doc := range strings.Split(string(b), "\n---\n") {
		doc = strings.TrimPrefix(strings.TrimSpace(doc), "---")
		if strings.TrimSpace(doc) == "" {
			continue
		}
		obj := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("cannot parse rendered document: %v\n%s", err, doc)
		}
		out = append(out, obj)
	}
	return out
}

func compositionName(obj map[string]any) string {
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	s, _ := ann["crossplane.io/composition-resource-name"].(string)
	return s
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
						t.Errorf("%s differs from a fresh render: run `make golden` and review the diff\n%s", path, firstDiff(string(want), string(got)))
					}
				}

				docs := documents(t, got)
				if len(docs) < 2 {
					t.Fatalf("render produced %d documents; want the XR and its composed resources", len(docs))
				}
				desired := map[string]bool{}
				for _, obj := range docs[1:] {
					desired[compositionName(obj)] = true
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
						if n := compositionName(obj); !desired[n] {
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
		t.Fatalf("two renders of the same input differ\n%s", firstDiff(string(a), string(b)))
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

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}
