package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/crossplane/crossplane-runtime/v2/pkg/xcrd"
	xpv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/version"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	apiservercel "k8s.io/apiserver/pkg/cel"
	"k8s.io/apiserver/pkg/cel/environment"
	"sigs.k8s.io/yaml"
)

// installErrors is what the API server answers when the CRD is created: its create-time validation,
// which includes the structural-schema, defaulting and CEL compile and cost checks.
func installErrors(crd *apiextensions.CustomResourceDefinition) field.ErrorList {
	return validation.ValidateCustomResourceDefinition(context.Background(), crd)
}

// ruleReport is one x-kubernetes-validations rule: where it sits, its estimated worst-case cost per
// evaluation, and what is wrong with it, if anything.
type ruleReport struct {
	Path string
	Rule string
	Cost uint64
	Err  error
}

// compileRules compiles every rule of the CRD's schema in the Kubernetes CEL environment at the 1.35
// level, with the CEL type the API server gives each rule's self and oldSelf.
func compileRules(crd *apiextensions.CustomResourceDefinition) ([]ruleReport, error) {
	root, err := schemaOf(crd)
	if err != nil {
		return nil, err
	}
	s, err := structuralschema.NewStructural(root)
	if err != nil {
		return nil, fmt.Errorf("schema is not structural: %w", err)
	}
	if errs := structuralschema.ValidateStructural(field.NewPath("openAPIV3Schema"), s); len(errs) > 0 {
		return nil, fmt.Errorf("schema is not structural: %w", errs.ToAggregate())
	}

	envSet := environment.MustBaseEnvSet(version.MajorMinor(1, 35))
	var reports []ruleReport
	walk(s, model.SchemaDeclType(s, true), field.NewPath("openAPIV3Schema"), func(path *field.Path, node *structuralschema.Structural, dt *apiservercel.DeclType) {
		results, err := cel.Compile(node, dt, celconfig.PerCallLimit, envSet, cel.NewExpressionsEnvLoader())
		if err != nil {
			reports = append(reports, ruleReport{Path: path.String(), Err: err})
			return
		}
		for i, r := range results {
			rep := ruleReport{Path: path.String(), Rule: node.XValidations[i].Rule, Cost: r.MaxCost}
			switch {
			case r.Error != nil:
				rep.Err = fmt.Errorf("does not compile: %w", r.Error)
			case r.MessageExpressionError != nil:
				rep.Err = fmt.Errorf("messageExpression does not compile: %w", r.MessageExpressionError)
			case r.MaxCost > validation.StaticEstimatedCostLimit:
				rep.Err = fmt.Errorf("estimated cost %d exceeds budget %d: bound the input with maxLength/maxItems",
					r.MaxCost, validation.StaticEstimatedCostLimit)
			}
			reports = append(reports, rep)
		}
	})
	return reports, nil
}

// xrCRD reads the committed XRD, derives the XR's CRD with crossplane-runtime and returns it defaulted
// and converted to the API server's internal form, as the API server would validate it.
func xrCRD(t *testing.T) *apiextensions.CustomResourceDefinition {
	t.Helper()
	b, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	// Crossplane serves v1 and v2 XRDs from one schema and reconciles them as v1, which is also the
	// type xcrd takes.
	xrd := &xpv1.CompositeResourceDefinition{}
	if err := yaml.Unmarshal(b, xrd); err != nil {
		t.Fatal(err)
	}
	// The CRD is owned by the XRD; the API server insists the owner reference carries the UID it would
	// have assigned the XRD.
	xrd.SetUID("00000000-0000-0000-0000-000000000001")
	v1crd, err := xcrd.ForCompositeResource(xrd)
	if err != nil {
		t.Fatalf("xcrd.ForCompositeResource: %v", err)
	}
	extv1.SetObjectDefaults_CustomResourceDefinition(v1crd)
	crd := &apiextensions.CustomResourceDefinition{}
	if err := extv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(v1crd, crd, nil); err != nil {
		t.Fatal(err)
	}
	if len(crd.Spec.Versions) != 1 {
		t.Fatalf("want one version, got %d", len(crd.Spec.Versions))
	}
	return crd
}

// schemaOf returns the internal CRD's one schema. The internal form keeps a schema shared by every
// version in spec.validation, and only differing ones per version.
func schemaOf(crd *apiextensions.CustomResourceDefinition) (*apiextensions.JSONSchemaProps, error) {
	switch {
	case crd.Spec.Validation != nil && crd.Spec.Validation.OpenAPIV3Schema != nil:
		return crd.Spec.Validation.OpenAPIV3Schema, nil
	case len(crd.Spec.Versions) == 1 && crd.Spec.Versions[0].Schema != nil && crd.Spec.Versions[0].Schema.OpenAPIV3Schema != nil:
		return crd.Spec.Versions[0].Schema.OpenAPIV3Schema, nil
	}
	return nil, fmt.Errorf("the CRD has no schema")
}

// walk calls visit for every schema node that carries rules, with the CEL type the API server gives
// that node's self. It follows the same path as cel.NewValidator: properties, items, additionalProperties.
func walk(s *structuralschema.Structural, dt *apiservercel.DeclType, path *field.Path, visit func(*field.Path, *structuralschema.Structural, *apiservercel.DeclType)) {
	if s == nil || dt == nil {
		return
	}
	if len(s.XValidations) > 0 {
		visit(path, s, dt)
	}
	if s.Items != nil {
		walk(s.Items, dt.ElemType, path.Child("items"), visit)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Structural != nil {
		walk(s.AdditionalProperties.Structural, dt.ElemType, path.Child("additionalProperties"), visit)
	}
	// Sorted, so that -v output reads the same on every run.
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		p := s.Properties[k]
		var ft *apiservercel.DeclType
		if esc, ok := apiservercel.Escape(k); ok {
			if f, ok := dt.Fields[esc]; ok {
				ft = f.Type
			}
		} else {
			ft = model.SchemaDeclType(&p, p.XEmbeddedResource)
		}
		walk(&p, ft, path.Child("properties").Key(k), visit)
	}
}
