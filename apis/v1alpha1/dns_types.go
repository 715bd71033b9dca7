package v1alpha1

// DNSSpec is the Route 53 side of spec.domain: the public hosted zone (created, or an existing one used
// as is), A alias records for the apex and api.<domain> to the load balancer, www as a CNAME of the apex,
// the certificate's validation records and an HTTPS health check of the API with an alarm. Like the edge,
// it exists only when spec.domain is set.
//
// +kubebuilder:validation:XValidation:rule="has(self.zoneId) == has(oldSelf.zoneId) && (!has(self.zoneId) || self.zoneId == oldSelf.zoneId)",message="spec.dns.zoneId is immutable: switching between a created and an existing hosted zone (or between zones) would orphan records; create a new environment instead"
type DNSSpec struct {
	// ZoneID is the ID of an existing public hosted zone for spec.domain (e.g. Z0123456789ABCDEFGHIJ). The
	// zone is only observed: the environment adds its records to it but never changes or deletes the zone.
	// Left out, the environment creates the zone, and its name servers (status.outputs.dns) must then be
	// delegated from the parent domain.
	// +kubebuilder:validation:Pattern=`^Z[A-Z0-9]{1,31}$`
	// +optional
	ZoneID string `json:"zoneId,omitempty"`

	// HealthCheck is the Route 53 HTTPS health check of https://api.<domain><path>.
	// +kubebuilder:default={}
	// +optional
	HealthCheck HealthCheckSpec `json:"healthCheck,omitempty"`
}

// HealthCheckSpec configures the Route 53 health check and its alarm. Route 53 publishes health-check
// metrics in us-east-1 only, so the alarm (and the SNS topic it notifies) live there.
//
// Route 53 cannot change a health check's request interval (Terraform request_interval is ForceNew): the interval
// changes only through a health check that is off (the check and its alarm are retired, then created again).
// +kubebuilder:validation:XValidation:rule="(has(oldSelf.enabled) && !oldSelf.enabled) || (has(self.enabled) && !self.enabled) || (has(self.requestIntervalSeconds) ? self.requestIntervalSeconds : 30) == (has(oldSelf.requestIntervalSeconds) ? oldSelf.requestIntervalSeconds : 30)",message="spec.dns.healthCheck.requestIntervalSeconds cannot change while the health check is on: Route 53 cannot change a health check's interval in place; set spec.dns.healthCheck.enabled to false and apply (the check and its alarm are removed), then turn it on again with the new interval"
type HealthCheckSpec struct {
	// Enabled turns the health check and its alarm on (default true).
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Path is the checked path on api.<domain>.
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^/[A-Za-z0-9._~/?=&%-]*$`
	// +kubebuilder:default="/health"
	// +optional
	Path string `json:"path,omitempty"`

	// FailureThreshold is the number of consecutive failed checks that make the endpoint unhealthy.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	// +kubebuilder:default=3
	// +optional
	FailureThreshold *int32 `json:"failureThreshold,omitempty"`

	// RequestIntervalSeconds between two checks from one checker: 30 (standard) or 10 (fast, billed extra).
	// +kubebuilder:validation:Enum=10;30
	// +kubebuilder:default=30
	// +optional
	RequestIntervalSeconds *int32 `json:"requestIntervalSeconds,omitempty"`
}

// DNSOutputs are the zone's identifiers and what its owner must do, filled once observed.
type DNSOutputs struct {
	// ZoneID of the hosted zone.
	// +optional
	ZoneID string `json:"zoneId,omitempty"`
	// NameServers of a created zone.
	// +optional
	NameServers []string `json:"nameServers,omitempty"`
	// Delegation is the step the owner of the parent domain must take for a created zone: until the
	// parent delegates the domain to these name servers, neither the records nor the certificate's
	// validation resolve.
	// +optional
	Delegation string `json:"delegation,omitempty"`
	// HealthCheckID of the Route 53 health check.
	// +optional
	HealthCheckID string `json:"healthCheckId,omitempty"`
}
