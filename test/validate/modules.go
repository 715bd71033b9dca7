package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

// A module whose files hold CRDs. CRDs are never committed to this repository: they are read from the Go module
// cache, at the exact versions the package depends on at run time.
type module struct {
	Path    string
	Version string
	// CRDs is the directory inside the module that holds one CRD per file, named <group>_<plural>.yaml.
	CRDs string
}

// The modules whose CRDs the composition uses. Versions are pinned: the Go module proxy refuses version lists.
var (
	providerAWS        = module{Path: "github.com/upbound/provider-aws/v2", Version: "v2.7.0", CRDs: "package/crds"}
	providerKubernetes = module{Path: "github.com/crossplane-contrib/provider-kubernetes", Version: "v1.3.0", CRDs: "package/crds"}
	providerHelm       = module{Path: "github.com/crossplane-contrib/provider-helm", Version: "v1.3.0", CRDs: "package/crds"}
	// Crossplane core ships the Usage CRDs (protection.crossplane.io) of the version the control plane runs.
	crossplaneCore = module{Path: "github.com/crossplane/crossplane/v2", Version: "v2.4.0", CRDs: "cluster/crds"}
)

var allModules = []module{providerAWS, providerKubernetes, providerHelm, crossplaneCore}

func (m module) String() string { return m.Path + "@" + m.Version }

var located struct {
	sync.Once
	dirs map[module]string
	err  error
}

// moduleDirs returns the directories of allModules, located once per process.
func moduleDirs() (map[module]string, error) {
	located.Do(func() { located.dirs, located.err = downloadModules(allModules) })
	return located.dirs, located.err
}

// downloadModules returns each module's directory in the module cache, downloading what is missing. One `go mod
// download` command answers for all of them (~0.1 s when the cache is warm). It runs outside any module, so that
// it neither reads nor touches this repository's go.mod.
func downloadModules(mods []module) (map[module]string, error) {
	args := []string{"mod", "download", "-json"}
	for _, m := range mods {
		args = append(args, m.String())
	}
	// An empty directory: a go.mod in a shared one (say /tmp) would make the command resolve in that module.
	dir, err := os.MkdirTemp("", "validate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir) //nolint:errcheck // best effort.
	cmd := exec.Command(goCommand(), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	// `go mod download -json` prints one JSON object per module, with an Error field for those that failed; it exits
	// non-zero when any failed. Read the objects first: they say which module failed and why.
	dirs := make(map[module]string, len(mods))
	var errs []error
	dec := json.NewDecoder(&stdout)
	for {
		var r struct{ Path, Version, Dir, Error string }
		if err := dec.Decode(&r); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("cannot parse the output of go %v: %w (stderr: %s)", args, err, stderr.String())
		}
		m := module{Path: r.Path, Version: r.Version}
		for _, want := range mods {
			if want.Path == m.Path && want.Version == m.Version {
				m = want
			}
		}
		if r.Error != "" {
			errs = append(errs, fmt.Errorf("cannot download %s: %s", m, r.Error))
			continue
		}
		dirs[m] = r.Dir
	}
	for _, m := range mods {
		if _, ok := dirs[m]; !ok && len(errs) == 0 {
			errs = append(errs, fmt.Errorf("go mod download did not report %s (exit: %v, stderr: %s)", m, runErr, stderr.String()))
		}
	}
	return dirs, errors.Join(errs...)
}

// goCommand finds the go command on PATH, or else the one of the toolchain that built the test binary.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) { //nolint:staticcheck // only a fallback.
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
