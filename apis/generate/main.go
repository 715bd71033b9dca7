// Command generate writes apis/definition.yaml, the PlatformEnvironment XRD, from the Go types and their
// kubebuilder markers in apis/v1alpha1. Run it as `make generate` (or `go run ./apis/generate`) after
// changing the types; a test in this package fails while the committed file is stale.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

const (
	// typesPackage holds the root type PlatformEnvironment. An import path, not a relative one, so that
	// the generator and its tests find it from any working directory inside the module.
	typesPackage = "github.com/cloudpartner/platform-environment/apis/v1alpha1"

	// compositionName is compositions/platform-environment.yaml's metadata.name: XRs that select no
	// composition get this one.
	compositionName = "platform-environment"
)

func main() {
	out, path, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", path)
}

// generate returns the XRD's bytes and the path they belong at: definition.yaml in the parent of the
// types package, i.e. apis/definition.yaml.
func generate() ([]byte, string, error) {
	crd, dir, err := crdFor(typesPackage)
	if err != nil {
		return nil, "", err
	}
	xrd, err := xrdFor(crd, compositionName)
	if err != nil {
		return nil, "", err
	}
	out, err := marshal(xrd)
	if err != nil {
		return nil, "", err
	}
	return out, filepath.Join(filepath.Dir(dir), "definition.yaml"), nil
}
