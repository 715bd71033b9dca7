package v1alpha1

// CacheSpec is filled in by its domain.
type CacheSpec struct{}

// ResolvedCache is filled in by its domain.
type ResolvedCache struct{}

// CacheOutputs is filled in by its domain.
type CacheOutputs struct{}
