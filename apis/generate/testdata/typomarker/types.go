// Package typomarker is a root type with a misspelt marker, for TestCRDForReportsMarkerErrors.
//
// +groupName=example.org
package typomarker

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Thing is namespaced.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced
type Thing struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec ThingSpec `json:"spec"`
}

// ThingSpec is the spec.
type ThingSpec struct {
	// +kubebuilder:validation:Maxlength=10
	Name string `json:"name"`
}
