package admission

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/crossplane/crossplane-runtime/v2/pkg/xcrd"
	xpv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/apis"
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

var xr struct {
	once sync.Once
	s    *Schema
	err  error
}

// XR returns the schema of the PlatformEnvironment's CRD as Crossplane derives it from the embedded XRD
// (xcrd.ForCompositeResource). Unlike test/validate, it does not first validate the XRD against Crossplane's own XRD
// CRD (that CRD lives in the module cache, which a binary cannot rely on); the XRD is generated and set its scope
// explicitly, and test/validate checks it on every test run.
func XR() (*Schema, error) {
	xr.once.Do(func() { xr.s, xr.err = xrSchema(apis.Definition) })
	return xr.s, xr.err
}

func xrSchema(definition []byte) (*Schema, error) {
	d := &xpv1.CompositeResourceDefinition{}
	if err := yaml.Unmarshal(definition, d); err != nil {
		return nil, fmt.Errorf("cannot decode the embedded XRD: %w", err)
	}
	crd, err := xcrd.ForCompositeResource(d)
	if err != nil {
		return nil, fmt.Errorf("cannot derive the XR's CRD from the embedded XRD: %w", err)
	}
	return NewSchema(crd, v1alpha1.Version)
}

// XRUpdate validates obj as an update of old (nil: a create) against the XR's CRD, as the API server does on
// `kubectl apply` or Argo CD's sync: schema, defaults, CEL rules with old as oldSelf, ratcheting. It returns the
// problems sorted; nil means admitted. Neither object is modified.
func XRUpdate(old, obj map[string]any) ([]string, error) {
	s, err := XR()
	if err != nil {
		return nil, err
	}
	o, err := JSONCopy(obj)
	if err != nil {
		return nil, err
	}
	var p map[string]any
	if old != nil {
		if p, err = JSONCopy(old); err != nil {
			return nil, err
		}
		// The live object's status and Crossplane's spec.crossplane are the server's; an update sends neither as
		// the user wrote it, and its metadata.resourceVersion names the live object.
		delete(p, "status")
	}
	problems := s.Validate(o, p)
	sort.Strings(problems)
	return problems, nil
}

// JSONCopy returns a deep copy of obj shaped as decoded JSON (integers as int64, other numbers as float64), which is
// what the schema machinery expects: Go ints make runtime.DeepCopyJSON panic, and typed values (structs, []string)
// are not understood at all.
func JSONCopy(obj map[string]any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := utiljson.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = map[string]any{}
	}
	return out, nil
}
