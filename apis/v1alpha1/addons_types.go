package v1alpha1

// AddonsSpec are the cluster add-ons installed as Helm releases into the new cluster once its nodes run,
// and the in-cluster test Jobs. Each release is pinned to a chart version the function was tested with
// (see status.outputs.applications.addons); a spec version overrides it.
type AddonsSpec struct {
	// LoadBalancerController is the AWS Load Balancer Controller: it registers the nodes in the ALB's
	// target groups (TargetGroupBinding). Required when an application has a route.
	// +kubebuilder:default={}
	// +optional
	LoadBalancerController AddonRelease `json:"loadBalancerController,omitempty"`

	// MetricsServer feeds the HorizontalPodAutoscalers (and kubectl top).
	// +kubebuilder:default={}
	// +optional
	MetricsServer AddonRelease `json:"metricsServer,omitempty"`

	// FluentBit (aws-for-fluent-bit) ships the containers' logs to the environment's application log
	// group in CloudWatch Logs.
	// +kubebuilder:default={}
	// +optional
	FluentBit AddonRelease `json:"fluentBit,omitempty"`

	// ClusterAutoscaler scales the node group between its minSize and maxSize (spec.cluster.nodeGroup)
	// on pending pods.
	// +kubebuilder:default={}
	// +optional
	ClusterAutoscaler AddonRelease `json:"clusterAutoscaler,omitempty"`

	// ExternalSecrets is the External Secrets Operator: it builds the application secret (database-url,
	// redis-url, jwt-secret) from AWS Secrets Manager and keeps it in sync. Required when an application
	// uses envFromSecrets.
	// +kubebuilder:default={}
	// +optional
	ExternalSecrets AddonRelease `json:"externalSecrets,omitempty"`

	// SmokeTest runs a Job after every rollout that checks the database (pg_isready), the cache (Redis
	// PING over TLS with the AUTH token) and each routed application's health path through its Service;
	// the outcome is in status.outputs.applications.smokeTest.
	// +kubebuilder:default={}
	// +optional
	SmokeTest SmokeTestSpec `json:"smokeTest,omitempty"`

	// LoadTest runs a k6 Job against the environment's API application inside the cluster (its
	// Service, not the public edge), once per loadTest.runId, after a successful smoke test, bounded in
	// time. Off by default: it costs and scales the environment.
	// +kubebuilder:default={}
	// +optional
	LoadTest LoadTestSpec `json:"loadTest,omitempty"`
}

// AddonRelease switches one add-on and pins its chart version.
type AddonRelease struct {
	// Enabled installs the add-on (default true).
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Version of the Helm chart (default: the version this package was tested with). Changing it
	// upgrades the release in place.
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^v?[0-9]+[.][0-9]+[.][0-9]+(-[0-9A-Za-z.-]+)?$`
	// +optional
	Version string `json:"version,omitempty"`
}

// SmokeTestSpec switches the infrastructure check Job.
type SmokeTestSpec struct {
	// Enabled runs the check after every rollout (default true).
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// LoadTestSpec is the k6 load test. Default stages are the seed's: 2m to 100 users, 5m at 100, 2m to
// 200, 5m at 200, 2m down to 0.
type LoadTestSpec struct {
	// Enabled allows the load test (default false). It runs once per runId, never by itself.
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// RunID starts one run: set it, or change it, to run the load test once more (e.g. the date or a
	// change ticket), after the current rollout's smoke test succeeded. Nothing runs while it is empty:
	// loading a production environment is a decision, not a step after every rollout.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +optional
	RunID string `json:"runId,omitempty"`

	// Path on the API application the virtual users GET (default: its health path).
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^/[^\s]*$`
	// +optional
	Path string `json:"path,omitempty"`

	// Stages ramp the virtual users: each stage moves to target users over duration.
	// +kubebuilder:validation:MaxItems=10
	// +listType=atomic
	// +optional
	Stages []LoadTestStage `json:"stages,omitempty"`

	// MaxResponseTimeMilliseconds is the response time every check requires (default 500).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=60000
	// +optional
	MaxResponseTimeMilliseconds *int32 `json:"maxResponseTimeMilliseconds,omitempty"`
}

// LoadTestStage is one k6 stage.
type LoadTestStage struct {
	// Duration of the stage in minutes.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=60
	DurationMinutes int32 `json:"durationMinutes"`
	// Target is the number of virtual users at the end of the stage.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	Target int32 `json:"target"`
}
