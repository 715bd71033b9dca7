package v1alpha1

// DatabaseSpec is filled in by its domain.
type DatabaseSpec struct{}

// ResolvedDatabase is filled in by its domain.
type ResolvedDatabase struct{}

// DatabaseOutputs is filled in by its domain.
type DatabaseOutputs struct{}
