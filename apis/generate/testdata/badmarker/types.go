// Package badmarker is a root type whose marker has a bad argument, for TestCRDForReportsMarkerErrors.
//
// +groupName=example.org
package badmarker

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Thing has a MaxLength that is not a number.
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
	// +kubebuilder:validation:MaxLength=ten
	Name string `json:"name"`
}
