// Package v1alpha1 holds the PlatformEnvironment API: the one object an application team files in its
// namespace to get a complete production AWS environment. These Go types are the single source of truth:
// `make generate` turns their kubebuilder markers into the committed XRD (apis/definition.yaml).
//
// +kubebuilder:object:generate=false
// +groupName=platform.cloudpartner.pro
// +versionName=v1alpha1
package v1alpha1

// Group, Version and Kind of the composite resource.
const (
	Group   = "platform.cloudpartner.pro"
	Version = "v1alpha1"
	Kind    = "PlatformEnvironment"
	// APIVersion is Group/Version.
	APIVersion = Group + "/" + Version
)
