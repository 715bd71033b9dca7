package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-tools/pkg/crd"
	crdmarkers "sigs.k8s.io/controller-tools/pkg/crd/markers"
	"sigs.k8s.io/controller-tools/pkg/deepcopy"
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
	// The deepcopy markers (+kubebuilder:object:root, :generate) are legitimate in the types too.
	if err := (deepcopy.Generator{}).RegisterMarkers(reg); err != nil {
		return nil, "", err
	}

	parser := &crd.Parser{
		Collector: &markers.Collector{Registry: reg},
		Checker:   &loader.TypeChecker{NodeFilters: []loader.NodeFilter{crd.Generator{}.CheckFilter()}},
		// Money is a JSON number (status.outputs.cost, spec.budget): float64 fields become type: number.
		AllowDangerousTypes: true,
	}
	crd.AddKnownTypes(parser)
	for _, root := range roots {
		parser.NeedPackage(root)
	}

	metav1 := crd.FindMetav1(roots)
	if metav1 == nil {
		return nil, "", fmt.Errorf("%s defines no Kubernetes object (it does not import metav1)", pkg)
	}
	kinds := crd.FindKubeKinds(parser, metav1) // type-checks the roots, which parses their comments
	if len(kinds) == 1 {
		parser.NeedCRDFor(kinds[0], nil)
	}

	// controller-gen records a marker it cannot parse (a bad argument, an unknown type) on the package
	// instead of returning it, and skips a marker it does not know at all: report both.
	if err := errors.Join(unknownMarkers(roots, reg), packageErrors(roots)); err != nil {
		return nil, "", err
	}
	if len(kinds) != 1 {
		return nil, "", fmt.Errorf("%s must define exactly one root kind, found %v", pkg, kinds)
	}

	out, ok := parser.CustomResourceDefinitions[kinds[0]]
	if !ok {
		return nil, "", fmt.Errorf("controller-gen produced no CRD for %s", kinds[0])
	}
	crd.FixTopLevelMetadata(out)
	return &out, filepath.Dir(roots[0].GoFiles[0]), nil
}

// unknownMarkers reports marker comments that no generator knows. controller-gen skips them without a
// word, so a typo such as +kubebuilder:validation:Maxlength=18 would silently drop the validation.
func unknownMarkers(roots []*loader.Package, reg *markers.Registry) error {
	var errs []error
	for _, root := range roots {
		for _, file := range root.Syntax {
			for _, group := range file.Comments {
				for _, c := range group.List {
					text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
					if !strings.HasPrefix(text, "+") || strings.HasPrefix(text, "+k8s:") {
						continue
					}
					if reg.Lookup(text, markers.DescribesField) != nil || reg.Lookup(text, markers.DescribesType) != nil ||
						reg.Lookup(text, markers.DescribesPackage) != nil {
						continue
					}
					pos := "?"
					if root.Fset != nil {
						pos = root.Fset.Position(c.Pos()).String()
					}
					errs = append(errs, fmt.Errorf("%s: unknown marker %s (misspelt? controller-gen would ignore it)", pos, text))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// packageErrors joins every non-type error recorded on the roots and their imports. Type errors are
// skipped like controller-gen does: its type checker is partial on purpose and reports spurious ones;
// real ones break `go build` anyway.
func packageErrors(roots []*loader.Package) error {
	raw := make([]*packages.Package, len(roots))
	for i, r := range roots {
		raw[i] = r.Package
	}
	var errs []error
	seen := map[string]bool{} // the collector can record one marker error twice
	packages.Visit(raw, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			if e.Kind != packages.TypeError && !seen[e.Error()] {
				seen[e.Error()] = true
				errs = append(errs, e)
			}
		}
	})
	return errors.Join(errs...)
}
