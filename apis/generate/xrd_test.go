package main

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/crossplane/crossplane-runtime/v2/pkg/test"
	xpv2 "github.com/crossplane/crossplane/apis/v2/apiextensions/v2"
	"github.com/google/go-cmp/cmp"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestXRDFor(t *testing.T) {
	names := extv1.CustomResourceDefinitionNames{
		Kind: "Thing", ListKind: "ThingList", Plural: "things", Singular: "thing",
		ShortNames: []string{"th"}, Categories: []string{"platform"},
	}
	columns := []extv1.CustomResourceColumnDefinition{{Name: "SIZE", Type: "string", JSONPath: ".spec.size"}}
	spec := extv1.JSONSchemaProps{Type: "object", Properties: map[string]extv1.JSONSchemaProps{"size": {Type: "string"}}}
	status := extv1.JSONSchemaProps{Type: "object"}
	crd := func(scope extv1.ResourceScope, versions ...string) *extv1.CustomResourceDefinition {
		c := &extv1.CustomResourceDefinition{
			ObjectMeta: metav1.ObjectMeta{Name: "things.example.org"},
			Spec:       extv1.CustomResourceDefinitionSpec{Group: "example.org", Names: names, Scope: scope},
		}
		for _, v := range versions {
			c.Spec.Versions = append(c.Spec.Versions, extv1.CustomResourceDefinitionVersion{
				Name: v, Served: true, Storage: true, AdditionalPrinterColumns: columns,
				Schema: &extv1.CustomResourceValidation{OpenAPIV3Schema: &extv1.JSONSchemaProps{
					Type: "object", Description: "A Thing.", Required: []string{"spec"},
					Properties: map[string]extv1.JSONSchemaProps{
						"apiVersion": {Type: "string"}, "kind": {Type: "string"}, "metadata": {Type: "object"},
						"spec": spec, "status": status,
					},
				}},
			})
		}
		return c
	}
	schema, _ := json.Marshal(extv1.JSONSchemaProps{
		Type: "object", Description: "A Thing.", Required: []string{"spec"},
		Properties: map[string]extv1.JSONSchemaProps{"spec": spec, "status": status},
	})

	type want struct {
		xrd *definition
		err error
	}
	cases := map[string]struct {
		reason string
		crd    *extv1.CustomResourceDefinition
		want   want
	}{
		"Namespaced": {
			reason: "Group, names and printer columns carry over; the schema keeps only spec and status.",
			crd:    crd(extv1.NamespaceScoped, "v1alpha1"),
			want: want{xrd: &definition{
				APIVersion: "apiextensions.crossplane.io/v2",
				Kind:       "CompositeResourceDefinition",
				Metadata:   metadata{Name: "things.example.org"},
				Spec: xpv2.CompositeResourceDefinitionSpec{
					Group:                 "example.org",
					Names:                 names,
					Scope:                 xpv2.CompositeResourceScopeNamespaced,
					DefaultCompositionRef: &xpv2.CompositionReference{Name: "thing"},
					Versions: []xpv2.CompositeResourceDefinitionVersion{{
						Name: "v1alpha1", Served: true, Referenceable: true,
						Schema:                   &xpv2.CompositeResourceValidation{OpenAPIV3Schema: runtime.RawExtension{Raw: schema}},
						AdditionalPrinterColumns: columns,
					}},
				},
			}},
		},
		"ClusterScoped": {
			reason: "A cluster-scoped root type is a mistake in the markers, not something to convert.",
			crd:    crd(extv1.ClusterScoped, "v1alpha1"),
			want:   want{err: errors.New("things.example.org is Cluster: mark the root type +kubebuilder:resource:scope=Namespaced")},
		},
		"TwoVersions": {
			reason: "Several versions would need a conversion strategy the generator does not write.",
			crd:    crd(extv1.NamespaceScoped, "v1alpha1", "v1beta1"),
			want:   want{err: errors.New("things.example.org has 2 versions, want exactly one")},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := xrdFor(tc.crd, "thing")
			if diff := cmp.Diff(tc.want.err, err, test.EquateErrors()); diff != "" {
				t.Errorf("%s\nxrdFor(...): -want err, +got err:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.xrd, got); diff != "" {
				t.Errorf("%s\nxrdFor(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
