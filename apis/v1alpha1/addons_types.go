package v1alpha1

// AddonsSpec is filled in by its domain.
type AddonsSpec struct{}
