package v1alpha1

// ClusterSpec is filled in by its domain.
type ClusterSpec struct{}

// ResolvedCluster is filled in by its domain.
type ResolvedCluster struct{}

// ClusterOutputs is filled in by its domain.
type ClusterOutputs struct{}
