// Command gen writes the ManagedResourceActivationPolicy of the Configuration package from the render goldens:
//
//	go run ./package/mrap/gen -goldens test/golden -o package/configuration/managedresourceactivationpolicy.yaml
//
// `make mrap` runs it. test/packaging fails when the committed file differs from what this writes.
package main

import (
	"bytes"
	"flag"
	"log"
	"os"

	"github.com/cloudpartner/platform-environment/package/mrap"
)

func main() {
	goldens := flag.String("goldens", "test/golden", "directory of render goldens (YAML streams)")
	out := flag.String("o", "package/configuration/managedresourceactivationpolicy.yaml", "file to write")
	flag.Parse()

	gks, err := mrap.ComposedKinds(*goldens)
	if err != nil {
		log.Fatal(err)
	}
	dirs, err := mrap.ProviderCRDDirs()
	if err != nil {
		log.Fatal(err)
	}
	names, err := mrap.MRDNames(mrap.NewCRDIndex(dirs...), gks)
	if err != nil {
		log.Fatal(err)
	}
	var b bytes.Buffer
	if err := mrap.Write(&b, names); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil { //nolint:gosec // a committed, world-readable file.
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d managed-resource kinds", *out, len(names))
}
