package v1alpha1

// ApplicationSpec is filled in by its domain.
type ApplicationSpec struct {
	// Name of the application.
	// +kubebuilder:validation:MaxLength=40
	Name string `json:"name"`
}

// ApplicationsOutputs is filled in by its domain.
type ApplicationsOutputs struct{}
