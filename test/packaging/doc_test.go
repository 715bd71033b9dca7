// Package packaging tests what platform teams install: the Function and Configuration packages (reproducible builds,
// their contents, the ManagedResourceActivationPolicy and dependsOn against the render goldens), the install and
// tenancy examples, and the Argo CD health check (run with gopher-lua, the interpreter Argo CD embeds).
package packaging

import (
	"os"
	"path/filepath"
	"testing"
)

// root returns the repository root (the directory holding go.mod), two levels above this package.
func root(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	r := filepath.Clean(filepath.Join(wd, "..", ".."))
	if _, err := os.Stat(filepath.Join(r, "go.mod")); err != nil {
		t.Fatalf("repository root not found from %s: %v", wd, err)
	}
	return r
}
