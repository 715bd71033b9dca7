package v1alpha1

// ObservabilitySpec is filled in by its domain.
type ObservabilitySpec struct{}

// ResolvedObservability is filled in by its domain.
type ResolvedObservability struct{}

// ObservabilityOutputs is filled in by its domain.
type ObservabilityOutputs struct{}
