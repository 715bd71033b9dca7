package mrap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// ProviderModules are the Go modules whose package/crds hold the CRDs of the providers we compose, at the versions
// the render goldens are validated against. CRDs are never committed; they come from the Go module cache.
var ProviderModules = []string{
	"github.com/upbound/provider-aws/v2@v2.7.0",
	"github.com/crossplane-contrib/provider-kubernetes@v1.3.0",
	"github.com/crossplane-contrib/provider-helm@v1.3.0",
}

// ProviderCRDDirs returns the package/crds directory of every module in ProviderModules, downloading what the module
// cache lacks. It runs `go mod download` outside this repository's module so it can neither read nor touch go.mod.
func ProviderCRDDirs() ([]string, error) {
	cmd := exec.Command("go", append([]string{"mod", "download", "-json"}, ProviderModules...)...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	dirs := make([]string, 0, len(ProviderModules))
	dec := json.NewDecoder(&stdout)
	for {
		var m struct{ Path, Version, Dir, Error string }
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go mod download: %w (stderr: %s)", err, stderr.String())
		}
		if m.Error != "" {
			return nil, fmt.Errorf("go mod download %s@%s: %s", m.Path, m.Version, m.Error)
		}
		dirs = append(dirs, filepath.Join(m.Dir, "package", "crds"))
	}
	if len(dirs) != len(ProviderModules) {
		return nil, fmt.Errorf("go mod download reported %d of %d modules (exit: %v, stderr: %s)", len(dirs), len(ProviderModules), runErr, stderr.String())
	}
	return dirs, nil
}
