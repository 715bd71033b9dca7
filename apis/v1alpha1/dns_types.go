package v1alpha1

// DNSSpec is filled in by its domain.
type DNSSpec struct{}

// DNSOutputs is filled in by its domain.
type DNSOutputs struct{}
