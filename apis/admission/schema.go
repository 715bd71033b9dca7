// Package admission validates objects as kube-apiserver does against a CRD's schema: decoding, defaulting, the
// OpenAPI schema, list types, CEL rules including transition rules (oldSelf) and validation ratcheting. test/validate
// uses it for every CRD; the plan CLI (cmd/penv) for the XR, from the XRD embedded in the binary (XR).
package admission

import (
	"context"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	metavalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/common"
)

// Schema is one served version of a CRD, compiled the way kube-apiserver compiles it to serve the resource.
type Schema struct {
	gvk        schema.GroupVersionKind
	namespaced bool
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator // nil when the schema has no x-kubernetes-validations.
}

// NewSchema compiles one served version of a CRD.
func NewSchema(crd *extv1.CustomResourceDefinition, version string) (*Schema, error) {
	var v *extv1.CustomResourceDefinitionVersion
	served := make([]string, 0, len(crd.Spec.Versions))
	for i := range crd.Spec.Versions {
		if crd.Spec.Versions[i].Served {
			served = append(served, crd.Spec.Versions[i].Name)
		}
		if crd.Spec.Versions[i].Name == version {
			v = &crd.Spec.Versions[i]
		}
	}
	if v == nil || !v.Served {
		return nil, fmt.Errorf("CRD %s serves versions %v, not %q", crd.Name, served, version)
	}
	if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
		return nil, fmt.Errorf("CRD %s version %s has no schema", crd.Name, version)
	}

	internal := &apiextensions.CustomResourceValidation{}
	if err := extv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v.Schema, internal, nil); err != nil {
		return nil, fmt.Errorf("cannot convert the schema of CRD %s version %s: %w", crd.Name, version, err)
	}
	ss, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("CRD %s version %s has no structural schema: %w", crd.Name, version, err)
	}
	// As kube-apiserver does: defaults are copied, not owned, and defaults inside metadata are dropped.
	ss = ss.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(ss); err != nil {
		return nil, fmt.Errorf("cannot prune the defaults of CRD %s version %s: %w", crd.Name, version, err)
	}
	sv, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("cannot build the schema validator of CRD %s version %s: %w", crd.Name, version, err)
	}
	return &Schema{
		gvk:        schema.GroupVersionKind{Group: crd.Spec.Group, Version: version, Kind: crd.Spec.Names.Kind},
		namespaced: crd.Spec.Scope == extv1.NamespaceScoped,
		structural: ss,
		validator:  sv,
		// The rules are compiled here, once per CRD version; kube-apiserver uses the same per-call cost limit.
		cel: cel.NewValidator(ss, true, celconfig.PerCallLimit),
	}, nil
}

// Structural is the CRD version's structural schema (for tests that walk it).
func (s *Schema) Structural() *structuralschema.Structural { return s.structural }

// Namespaced reports whether the CRD is namespaced.
func (s *Schema) Namespaced() bool { return s.namespaced }

// placeholder values for metadata that only the API server or Crossplane fill in. Rendered objects have no
// resourceVersion, no namespace (Crossplane puts composed resources in the XR's namespace) and `crossplane render` writes a controller
// reference to an XR without a uid; neither is a fault of the object.
const (
	placeholderNamespace = "default"
	placeholderUID       = "00000000-0000-0000-0000-000000000000"
	// An update names the resourceVersion it replaces; rendered objects have none.
	placeholderResourceVersion = "1"
)

// Validate runs what kube-apiserver runs on a create (old == nil) or an update of a custom resource with
// fieldValidation=Strict, which is what server-side apply does: decoding (unknown fields are errors, nulls of
// non-nullable fields are dropped, metadata is coerced), defaulting, then validation of metadata, the OpenAPI schema,
// embedded resources, list types, and — only when nothing blocking was found, like the API server — the CEL rules.
// On update, validation ratchets as the API server's (CRDValidationRatcheting, GA): an unchanged part that was
// already invalid is not an error. obj and old must be private JSON-shaped copies; they are modified.
func (s *Schema) Validate(obj, old map[string]any) []string {
	var problems []string
	add := func(errs ...*field.Error) {
		for _, e := range errs {
			problems = append(problems, FieldError(e))
		}
	}

	meta, unknown, err := s.decode(obj)
	if err != nil {
		add(err)
		return problems
	}
	for _, p := range unknown {
		problems = append(problems, p+": unknown field (not in the "+s.gvk.Kind+" "+s.gvk.Version+" schema)")
	}
	structuraldefaulting.Default(obj, s.structural)

	var oldMeta *metav1.ObjectMeta
	if old != nil {
		// The stored object went through the same decoding and defaulting when it was written.
		if oldMeta, _, err = s.decode(old); err != nil {
			return append(problems, "<object>: the old object cannot be decoded: "+FieldError(err))
		}
		structuraldefaulting.Default(old, s.structural)
	}

	var errs field.ErrorList
	errs = append(errs, s.validateMeta(meta, oldMeta)...)
	var celOpts []cel.Option
	if old == nil {
		errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, s.validator)...)
	} else {
		correlated := common.NewCorrelatedObject(obj, old, &model.Structural{Structural: s.structural})
		errs = append(errs, apiservervalidation.ValidateCustomResourceUpdate(nil, obj, old, s.validator, apiservervalidation.WithRatcheting(correlated))...)
		celOpts = append(celOpts, cel.WithRatcheting(correlated))
	}
	errs = append(errs, schemaobjectmeta.Validate(nil, obj, s.structural, false)...)
	if old == nil || len(listtype.ValidateListSetsAndMaps(nil, s.structural, old)) == 0 {
		errs = append(errs, listtype.ValidateListSetsAndMaps(nil, s.structural, obj)...)
	}
	if s.cel != nil {
		if blocking(errs) {
			problems = append(problems, "<object>: the CEL rules (x-kubernetes-validations) were not checked because of the other errors (the API server skips them too)")
		} else {
			var oldObj any
			if old != nil {
				oldObj = old
			}
			celErrs, _ := s.cel.Validate(context.Background(), nil, s.structural, obj, oldObj, celconfig.RuntimeCELCostBudget, celOpts...)
			errs = append(errs, celErrs...)
		}
	}
	add(errs...)
	return problems
}

// decode does what kube-apiserver's decoder does to a custom resource before validation.
func (s *Schema) decode(obj map[string]any) (*metav1.ObjectMeta, []string, *field.Error) {
	meta, found, unknown, err := schemaobjectmeta.GetObjectMetaWithOptions(obj, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return nil, nil, field.Invalid(field.NewPath("metadata"), nil, err.Error())
	}
	if !found {
		meta = &metav1.ObjectMeta{}
	}
	unknown = append(unknown, pruning.PruneWithOptions(obj, s.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, s.structural)
	ferr, paths := schemaobjectmeta.CoerceWithOptions(nil, obj, s.structural, false, schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if ferr != nil {
		return nil, nil, ferr
	}
	unknown = append(unknown, paths...)
	if found {
		if err := schemaobjectmeta.SetObjectMeta(obj, meta); err != nil {
			return nil, nil, field.Invalid(field.NewPath("metadata"), nil, err.Error())
		}
	}
	return meta, unknown, nil
}

// validateMeta validates metadata as kube-apiserver does (name a DNS subdomain of at most 253 characters, labels,
// annotations, owner references, finalizers), with placeholders for what the control plane fills in.
func (s *Schema) validateMeta(meta, old *metav1.ObjectMeta) field.ErrorList {
	path := field.NewPath("metadata")
	m := withPlaceholders(meta, s.namespaced)
	errs := metavalidation.ValidateObjectMetaAccessor(m, s.namespaced, metavalidation.NameIsDNSSubdomain, path)
	if old != nil {
		errs = append(errs, metavalidation.ValidateObjectMetaAccessorUpdate(m, withPlaceholders(old, s.namespaced), path)...)
	}
	return errs
}

func withPlaceholders(meta *metav1.ObjectMeta, namespaced bool) *metav1.ObjectMeta {
	m := meta.DeepCopy()
	if namespaced && m.Namespace == "" {
		m.Namespace = placeholderNamespace
	}
	if m.ResourceVersion == "" {
		m.ResourceVersion = placeholderResourceVersion
	}
	for i := range m.OwnerReferences {
		if m.OwnerReferences[i].UID == "" {
			m.OwnerReferences[i].UID = placeholderUID
		}
	}
	return m
}

// blocking reports errors after which kube-apiserver does not evaluate CEL rules (hasBlockingErr in its
// customresource strategy).
func blocking(errs field.ErrorList) bool {
	for _, e := range errs {
		switch e.Type { //nolint:exhaustive // the API server's list.
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		}
	}
	return false
}

// FieldError formats a field error as "<path>: <message>", "<object>: <message>" without a path.
func FieldError(e *field.Error) string {
	if e.Field == "" || e.Field == "<nil>" {
		return "<object>: " + e.ErrorBody()
	}
	return e.Error()
}
