package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	xpv2 "github.com/crossplane/crossplane/apis/v2/apiextensions/v2"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiserver/pkg/cel/environment"
	"sigs.k8s.io/yaml"
)

// committed is the XRD as committed, relative to this package's directory (where go test runs).
const committed = "../definition.yaml"

// TestDefinitionIsV2XRD checks the committed file is an apiextensions.crossplane.io/v2 XRD that
// Crossplane's own type accepts field for field, with what the composition and the package rely on.
func TestDefinitionIsV2XRD(t *testing.T) {
	b, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	xrd := &xpv2.CompositeResourceDefinition{}
	// Strict: a field the v2 type does not have would be pruned (silently dropped) by the API server.
	if err := yaml.UnmarshalStrict(b, xrd); err != nil {
		t.Fatalf("%s is not a v2 CompositeResourceDefinition: %v", committed, err)
	}

	type summary struct {
		APIVersion, Kind, Name, Scope, Kind_, Composition string
		Versions                                          []string
	}
	want := summary{
		APIVersion:  "apiextensions.crossplane.io/v2",
		Kind:        "CompositeResourceDefinition",
		Name:        "platformenvironments.platform.cloudpartner.pro",
		Scope:       "Namespaced",
		Kind_:       "PlatformEnvironment",
		Composition: compositionName,
		Versions:    []string{"v1alpha1 served referenceable"},
	}
	got := summary{
		APIVersion: xrd.APIVersion,
		Kind:       xrd.Kind,
		Name:       xrd.Name,
		Scope:      string(xrd.Spec.Scope),
		Kind_:      xrd.Spec.Names.Kind,
	}
	if r := xrd.Spec.DefaultCompositionRef; r != nil {
		got.Composition = r.Name
	}
	for _, v := range xrd.Spec.Versions {
		s := v.Name
		if v.Served {
			s += " served"
		}
		if v.Referenceable {
			s += " referenceable"
		}
		got.Versions = append(got.Versions, s)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: -want +got:\n%s", committed, diff)
	}
}

// TestXRCRDInstalls derives the XR's CRD from the committed XRD exactly as Crossplane does
// (crossplane-runtime's xcrd.ForCompositeResource) and runs the API server's own create-time validation
// over it: structural schema, defaults that survive pruning and pass the schema, every CEL rule compiled
// and its estimated cost within the per-rule and per-CRD limits. A bad marker fails here rather than
// when the package is installed.
func TestXRCRDInstalls(t *testing.T) {
	// The API server compiles new CEL rules at its compatibility version (one minor behind the binary, so
	// a cluster can roll back): 1.34 for v1.35, whose validation code this is.
	t.Logf("CEL compatibility version of the v1.35 API server: %s", environment.DefaultCompatibilityVersion())
	for _, e := range installErrors(xrCRD(t)) {
		t.Error(e)
	}
}

// TestValidationRulesCompile compiles every x-kubernetes-validations rule on its own in the Kubernetes
// CEL environment at the 1.35 level, naming the rule that fails. `go test -v` lists each rule's estimated
// cost, so an expensive rule is visible long before it nears the limit.
func TestValidationRulesCompile(t *testing.T) {
	reports, err := compileRules(xrCRD(t))
	if err != nil {
		t.Fatal(err)
	}
	// The types carry rules; finding none means the walk, not the types, is broken.
	if len(reports) == 0 {
		t.Fatal("found no x-kubernetes-validations rules in the schema")
	}
	for _, r := range reports {
		if r.Err != nil {
			t.Errorf("%s rule %q: %v", r.Path, r.Rule, r.Err)
			continue
		}
		t.Logf("%s cost %d: %s", r.Path, r.Cost, r.Rule)
	}
}

// TestChecksCatchBadMarkers proves the two checks above have teeth: each case breaks the committed
// schema the way a bad marker would, and at least one check must report it with the expected words.
func TestChecksCatchBadMarkers(t *testing.T) {
	cases := map[string]struct {
		reason string
		break_ func(spec *apiextensions.JSONSchemaProps)
		want   string
	}{
		"RuleDoesNotCompile": {
			reason: "A rule naming a field that does not exist is a compile error.",
			break_: func(spec *apiextensions.JSONSchemaProps) {
				spec.XValidations = append(spec.XValidations, apiextensions.ValidationRule{Rule: "self.noSuchField == 1"})
			},
			want: "undefined field 'noSuchField'",
		},
		"RuleTooExpensive": {
			reason: "A nested loop over an unbounded list of unbounded strings exceeds the cost limit.",
			break_: func(spec *apiextensions.JSONSchemaProps) {
				spec.Properties["blobs"] = apiextensions.JSONSchemaProps{
					Type:         "array",
					Items:        &apiextensions.JSONSchemaPropsOrArray{Schema: &apiextensions.JSONSchemaProps{Type: "string"}},
					XValidations: apiextensions.ValidationRules{{Rule: "self.all(a, self.all(b, a.contains(b)))"}},
				}
			},
			want: "exceeds budget",
		},
		"NotStructural": {
			reason: "Every property needs a type for the schema to be structural.",
			break_: func(spec *apiextensions.JSONSchemaProps) {
				spec.Properties["untyped"] = apiextensions.JSONSchemaProps{Description: "no type"}
			},
			want: "must not be empty for specified object fields",
		},
		"DefaultOutsideEnum": {
			reason: "A default the field's own enum rejects fails at install time.",
			break_: func(spec *apiextensions.JSONSchemaProps) {
				p := spec.Properties["profile"]
				var qa apiextensions.JSON = "qa"
				p.Default = &qa
				spec.Properties["profile"] = p
			},
			want: "Unsupported value: \"qa\"",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			crd := xrCRD(t)
			root, err := schemaOf(crd)
			if err != nil {
				t.Fatal(err)
			}
			spec := root.Properties["spec"]
			tc.break_(&spec)
			root.Properties["spec"] = spec

			var found []string
			for _, e := range installErrors(crd) {
				found = append(found, e.Error())
			}
			reports, err := compileRules(crd)
			if err != nil {
				found = append(found, err.Error())
			}
			for _, r := range reports {
				if r.Err != nil {
					found = append(found, r.Err.Error())
				}
			}
			if !slices.ContainsFunc(found, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Errorf("%s\nwant an error containing %q, got %q", tc.reason, tc.want, found)
			}
		})
	}
}
