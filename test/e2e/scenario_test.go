//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Helpers shared by scenarios. A new scenario usually reads: example → createXR → settle/walk → act → assert,
// with the comparisons of golden_test.go and the fake provider's cloud inventory (fakeprovider_test.go).

// example is one file of examples/ with its render goldens and observed states.
type example struct {
	name        string
	file        string
	goldenDir   string
	observedDir string
}

func exampleNamed(t *testing.T, name string) example {
	t.Helper()
	p := env.paths()
	ex := example{
		name:        name,
		file:        filepath.Join(p.examplesDir, name+".yaml"),
		goldenDir:   filepath.Join(p.goldenDir, name),
		observedDir: filepath.Join(p.observedDir, name),
	}
	if !exists(ex.file) {
		t.Fatalf("example %s does not exist", ex.file)
	}
	return ex
}

// stages returns the example's golden files: the first stage (nothing observed) and the last (everything Ready).
func (ex example) stages(t *testing.T) (first, last *golden) {
	t.Helper()
	files, err := goldenStages(ex.goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	first, err = readGolden(stageFile(files, firstStageNames, 0))
	if err != nil {
		t.Fatal(err)
	}
	last, err = readGolden(stageFile(files, readyStageNames, len(files)-1))
	if err != nil {
		t.Fatal(err)
	}
	return first, last
}

// Golden stage names by convention; without one of them, file name order decides.
var (
	firstStageNames = []string{"empty", "initial", "first"}
	readyStageNames = []string{"ready"}
)

func stageFile(files, names []string, fallback int) string {
	for _, n := range names {
		for _, f := range files {
			if strings.TrimSuffix(filepath.Base(f), ".yaml") == n {
				return f
			}
		}
	}
	return files[fallback]
}

// timed runs a scenario step and records its duration in the run's summary.
func timed(t *testing.T, name string, f func()) {
	t.Helper()
	start := time.Now()
	f()
	env.timings.add("scenario: "+name, time.Since(start))
}

// deleteAndWait deletes the XR and waits until it and every resource it composed are gone from the API server.
func (x *xr) deleteAndWait(ctx context.Context, composed map[string]*unstructured.Unstructured, timeout time.Duration) error {
	return x.deleteAndWaitWith(ctx, composed, timeout, nil)
}

// deleteAndWaitWith is deleteAndWait with during run alongside the wait once the deletion is requested, given
// the number of composed resources still there (every 250 ms until it returns true or an error); its error fails
// the wait.
func (x *xr) deleteAndWaitWith(ctx context.Context, composed map[string]*unstructured.Unstructured, timeout time.Duration, during func(left int) (bool, error)) error {
	if err := x.delete(ctx); err != nil {
		return err
	}
	var duringErr error
	var left []string
	err := poll(ctx, timeout, 250*time.Millisecond, func() (bool, error) {
		left = left[:0]
		if u, err := x.get(ctx); err != nil {
			return false, err
		} else if u != nil {
			left = append(left, x.String())
		}
		for _, rn := range sortedKeys(composed) {
			o := composed[rn]
			u, err := x.cp.kube.get(ctx, o.GroupVersionKind(), o.GetNamespace(), o.GetName())
			if err != nil {
				return false, err
			}
			if u != nil {
				why := ""
				if l := u.GetLabels()[labelInUse]; l == "true" {
					why = " (in use)"
				}
				if u.GetDeletionTimestamp() != nil {
					why += fmt.Sprintf(" (deleting, finalizers %v)", u.GetFinalizers())
				}
				left = append(left, fmt.Sprintf("%s %s%s", u.GetKind(), u.GetName(), why))
			}
		}
		if during != nil && len(left) > 0 {
			done, err := during(len(left))
			if err != nil {
				duringErr = err
				return false, err
			}
			if done {
				during = nil
			}
		}
		return len(left) == 0, nil
	})
	if duringErr != nil {
		return fmt.Errorf("deleting %s: %w", x, duringErr)
	}
	if err != nil {
		return fmt.Errorf("deleting %s: %w; still there: %s", x, err, strings.Join(left, ", "))
	}
	return nil
}

// usage is one composed Usage: the resource used and the resource using it.
type usage struct{ name, of, by string } // of and by as "Kind/name"

// usagesOf returns the Usages among composed resources.
func usagesOf(composed map[string]*unstructured.Unstructured) []usage {
	var out []usage
	for _, rn := range sortedKeys(composed) {
		u := composed[rn]
		if u.GetKind() != "Usage" {
			continue
		}
		ref := func(side string) string {
			kind, _, _ := unstructured.NestedString(u.Object, "spec", side, "kind")
			name, _, _ := unstructured.NestedString(u.Object, "spec", side, "resourceRef", "name")
			return kind + "/" + name
		}
		out = append(out, usage{name: u.GetName(), of: ref("of"), by: ref("by")})
	}
	return out
}

// ctxFor returns a context that ends with the test's deadline.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	if d, ok := t.Deadline(); ok {
		ctx, cancel = context.WithDeadline(context.Background(), d.Add(-10*time.Second))
	}
	t.Cleanup(cancel)
	return ctx
}
