package main

import (
	"errors"
	"fmt"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// xrd is the part of a Crossplane v2 CompositeResourceDefinition the reference documents. The schema is
// decoded into the API server's own type, so every schema keyword a CRD may use is understood.
type xrd struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Group                 string                                 `json:"group"`
		Names                 apiextv1.CustomResourceDefinitionNames `json:"names"`
		Scope                 string                                 `json:"scope"`
		DefaultCompositionRef *struct {
			Name string `json:"name"`
		} `json:"defaultCompositionRef"`
		Versions []version `json:"versions"`
	} `json:"spec"`
}

type version struct {
	Name                     string                                    `json:"name"`
	Served                   bool                                      `json:"served"`
	Referenceable            bool                                      `json:"referenceable"`
	Deprecated               bool                                      `json:"deprecated"`
	DeprecationWarning       *string                                   `json:"deprecationWarning"`
	AdditionalPrinterColumns []apiextv1.CustomResourceColumnDefinition `json:"additionalPrinterColumns"`
	Schema                   struct {
		OpenAPIV3Schema *apiextv1.JSONSchemaProps `json:"openAPIV3Schema"`
	} `json:"schema"`
}

// parseXRD decodes the XRD and checks that it is one this generator can document.
func parseXRD(in []byte) (*xrd, error) {
	x := &xrd{}
	if err := yaml.Unmarshal(in, x); err != nil {
		return nil, err
	}
	if x.Kind != "CompositeResourceDefinition" {
		return nil, fmt.Errorf("kind %q is not a CompositeResourceDefinition", x.Kind)
	}
	if x.Spec.Names.Kind == "" {
		return nil, errors.New("spec.names.kind is empty")
	}
	if len(x.Spec.Versions) == 0 {
		return nil, errors.New("spec.versions is empty")
	}
	for _, v := range x.Spec.Versions {
		if v.Schema.OpenAPIV3Schema == nil {
			return nil, fmt.Errorf("version %s has no schema.openAPIV3Schema", v.Name)
		}
	}
	return x, nil
}
