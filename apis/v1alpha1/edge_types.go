package v1alpha1

// EdgeSpec is filled in by its domain.
type EdgeSpec struct{}

// ResolvedEdge is filled in by its domain.
type ResolvedEdge struct{}

// EdgeOutputs is filled in by its domain.
type EdgeOutputs struct{}
