// Command docgen writes docs/reference.md, the app teams' field reference, from the XRD in
// apis/definition.yaml: every spec and status field with its type, default, validation (enum, range,
// length, pattern, CEL rule messages) and description. Run it as `make docs` (or `go run ./apis/docgen`)
// after `make generate`; a test in this package fails while the committed reference is stale.
//
// It reads the generated XRD rather than the Go types so that the reference documents exactly what the
// API server enforces, defaults included.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

const (
	// modulePath identifies the repository root: the directory whose go.mod declares it.
	modulePath = "github.com/cloudpartner/platform-environment"

	definitionPath = "apis/definition.yaml"
	referencePath  = "docs/reference.md"
)

func main() {
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
	out, err := generate(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
	path := filepath.Join(root, referencePath)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", path)
}

// generate renders the reference for the XRD under root.
func generate(root string) ([]byte, error) {
	in, err := os.ReadFile(filepath.Join(root, definitionPath))
	if err != nil {
		return nil, err
	}
	x, err := parseXRD(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", definitionPath, err)
	}
	return render(x)
}

// findRoot walks up from the working directory to the repository's go.mod, so that `go run ./apis/docgen`
// from the root and `go test` in this directory (or any other) find the same files.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module "+modulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (a go.mod declaring " + modulePath + ") above the working directory")
		}
		dir = parent
	}
}
