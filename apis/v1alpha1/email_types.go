package v1alpha1

// EmailSpec is filled in by its domain.
type EmailSpec struct{}

// EmailOutputs is filled in by its domain.
type EmailOutputs struct{}
