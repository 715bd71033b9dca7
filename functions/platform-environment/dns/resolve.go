package dns

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// Defaults of the health check (the XRD sets the same; the function does not rely on admission).
const (
	defaultHealthPath       = "/health"
	defaultFailureThreshold = 3
	defaultRequestInterval  = 30
)

// Resolved is the DNS spec with its defaults applied.
type Resolved struct {
	// ZoneID of an existing zone; empty to create one.
	ZoneID string
	// HealthCheck turns the health check and its alarm on.
	HealthCheck      bool
	HealthPath       string
	FailureThreshold int32
	RequestInterval  int32
}

// Resolve applies the defaults. Field values are checked at admission (the XRD's patterns and ranges).
func Resolve(spec v1alpha1.DNSSpec) Resolved {
	r := Resolved{
		ZoneID:           spec.ZoneID,
		HealthCheck:      spec.HealthCheck.Enabled == nil || *spec.HealthCheck.Enabled,
		HealthPath:       spec.HealthCheck.Path,
		FailureThreshold: defaultFailureThreshold,
		RequestInterval:  defaultRequestInterval,
	}
	if r.HealthPath == "" {
		r.HealthPath = defaultHealthPath
	}
	if spec.HealthCheck.FailureThreshold != nil {
		r.FailureThreshold = *spec.HealthCheck.FailureThreshold
	}
	if spec.HealthCheck.RequestIntervalSeconds != nil {
		r.RequestInterval = *spec.HealthCheck.RequestIntervalSeconds
	}
	return r
}
