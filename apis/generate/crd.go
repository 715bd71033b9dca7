package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/tools/go/packages"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-tools/pkg/crd"
	crdmarkers "sigs.k8s.io/controller-tools/pkg/crd/markers"
	"sigs.k8s.io/controller-tools/pkg/loader"
	"sigs.k8s.io/controller-tools/pkg/markers"
)

// crdFor runs controller-gen's CRD generator (as a library, so no controller-gen binary has to be built or
// pinned separately) over the Go package pkg and returns the one CRD it defines, plus the package's directory
// so the caller can write the XRD beside the types whatever the working directory is.
//
// It does what `controller-gen crd` does for a single kind, minus the file writing: parse the markers,
// build the schema, reset the top-level metadata schema, and report every marker or parse error.
func crdFor(pkg string) (*extv1.CustomResourceDefinition, string, error) {
	roots, err := loader.LoadRoots(pkg)
	if err != nil {
		return nil, "", fmt.Errorf("cannot load %s: %w", pkg, err)
	}
	if len(roots) != 1 || len(roots[0].GoFiles) == 0 {
		return nil, "", fmt.Errorf("%s must name exactly one Go package with files, found %d packages", pkg, len(roots))
	}

	reg := &markers.Registry{}
	if err := crdmarkers.Register(reg); err != nil {
		return nil, "", err
	}
	parser := &crd.Parser{
		Collector: &markers.Collector{Registry: reg},
		Checker:   &loader.TypeChecker{NodeFilters: []loader.NodeFilter{crd.Generator{}.CheckFilter()}},
	}
	crd.AddKnownTypes(parser)
	for _, root := range roots {
		parser.NeedPackage(root)
	}

	metav1 := crd.FindMetav1(roots)
	if metav1 == nil {
		return nil, "", fmt.Errorf("%s defines no Kubernetes object (it does not import metav1)", pkg)
	}
	kinds := crd.FindKubeKinds(parser, metav1)
	if len(kinds) != 1 {
		return nil, "", fmt.Errorf("%s must define exactly one root kind, found %v", pkg, kinds)
	}
	parser.NeedCRDFor(kinds[0], nil)

	// Marker mistakes (a misspelt marker, a bad argument, an unknown type) are recorded on the packages
	// rather than returned. Type errors are skipped like controller-gen does: its type checker is partial
	// on purpose and reports spurious ones; real ones break `go build` anyway.
	if err := packageErrors(roots); err != nil {
		return nil, "", err
	}

	out, ok := parser.CustomResourceDefinitions[kinds[0]]
	if !ok {
		return nil, "", fmt.Errorf("controller-gen produced no CRD for %s", kinds[0])
	}
	crd.FixTopLevelMetadata(out)
	return &out, filepath.Dir(roots[0].GoFiles[0]), nil
}

// packageErrors joins every non-type error recorded on the roots and their imports.
func packageErrors(roots []*loader.Package) error {
	raw := make([]*packages.Package, len(roots))
	for i, r := range roots {
		raw[i] = r.Package
	}
	var errs []error
	packages.Visit(raw, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			if e.Kind != packages.TypeError {
				errs = append(errs, e)
			}
		}
	})
	return errors.Join(errs...)
}
