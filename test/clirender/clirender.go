// Package clirender is what the tests that render through the real crossplane CLI share: the CLI and function
// binaries `make test` built (or a fresh build of the function), scripts/render.sh (the path `make render` takes)
// and the reading of a rendered YAML stream. The tests in test/golden, apis/docgen, test/upgrade, test/bench and
// the function's fuzz oracle read renders; one reading keeps them agreeing on what a document is.
package clirender

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
)

// Root is the repository's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// CLI returns the crossplane CLI: CROSSPLANE (set by `make test`), else bin/crossplane.
func CLI(t testing.TB) string {
	t.Helper()
	cli := os.Getenv("CROSSPLANE")
	if cli == "" {
		cli = filepath.Join(Root(), "bin", "crossplane")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("crossplane CLI not found at %s: run `make tools` (or `make test`, which builds it)", cli)
	}
	return cli
}

var (
	buildOnce sync.Once
	fnBin     string
	buildErr  error
)

// Binaries returns the crossplane CLI and the function binary: FUNCTION_BIN (set by `make test`), else one fresh
// build of the function per test binary.
func Binaries(t testing.TB) (cli, fn string) {
	t.Helper()
	cli = CLI(t)
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
		cmd := exec.Command("go", "build", "-o", fnBin, "./functions/platform-environment")
		cmd.Dir = Root()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("cannot build the function: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return cli, fnBin
}

// Render runs scripts/render.sh on an XR file and an observed-resources file ("" for the first reconcile) and
// returns its output. It may run concurrently with other renders: errors are returned, not reported.
func Render(cli, fn, xr, observed string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(Root(), "scripts", "render.sh"), cli, fn, xr, observed) //nolint:gosec // the repository's script.
	cmd.Dir = Root()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("render %s (observed %q): %v\n%s", filepath.Base(xr), observed, err, stderr.String())
	}
	return out, nil
}

// Documents splits a YAML stream (a render, an observed-resources file) into its objects, in order; empty
// documents are skipped. A render's first object is the XR.
func Documents(b []byte) ([]map[string]any, error) {
	var out []map[string]any
	for _, doc := range strings.Split(string(b), "\n---\n") {
		doc = strings.TrimPrefix(strings.TrimSpace(doc), "---")
		if strings.TrimSpace(doc) == "" {
			continue
		}
		obj := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			return nil, fmt.Errorf("cannot parse a document: %v\n%s", err, doc)
		}
		out = append(out, obj)
	}
	return out, nil
}

// CompositionName is an object's crossplane.io/composition-resource-name annotation, or "" (the XR has none).
func CompositionName(obj map[string]any) string {
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	s, _ := ann["crossplane.io/composition-resource-name"].(string)
	return s
}

// Composed reads a YAML file of objects and returns those with a composition resource name, by that name. A file
// without any is a test failure: every caller reads a render or observed state of a whole environment.
func Composed(t testing.TB, path string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // the repository's own files.
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Documents(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]map[string]any{}
	for _, obj := range docs {
		if n := CompositionName(obj); n != "" {
			out[n] = obj
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no composed resource", path)
	}
	return out
}

// FirstDiff shows the first line where a golden and a fresh render differ: enough to see what moved.
func FirstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}
