package v1alpha1

// ApplicationSpec is one workload of the team, deployed into the environment's EKS cluster: a Deployment
// (non-root, read-only root filesystem, no capabilities), a NodePort Service, its ConfigMap, a
// ServiceAccount with its own IAM role, an optional HPA and PDB, a TargetGroupBinding to the ALB when it
// has a route, and an optional migration Job that runs before each new version rolls out.
//
// +kubebuilder:validation:XValidation:rule="!has(self.autoscaling) || !has(self.autoscaling.minReplicas) || self.autoscaling.minReplicas <= self.autoscaling.maxReplicas",message="spec.applications[].autoscaling.minReplicas must not exceed maxReplicas"
// +kubebuilder:validation:XValidation:rule="!has(self.autoscaling) || has(self.autoscaling.minReplicas) || !has(self.replicas) || self.replicas <= self.autoscaling.maxReplicas",message="spec.applications[].replicas (the autoscaler's minimum when autoscaling.minReplicas is left out) must not exceed autoscaling.maxReplicas"
// +kubebuilder:validation:XValidation:rule="has(self.namespace) == has(oldSelf.namespace)",message="spec.applications[].namespace cannot be added or removed after creation (the application would move from or to the default namespace): every object of the application (and its pod identity association) would be created again in the new namespace and the old ones leaked; add a new application under another name in the new namespace, then remove the old one"
type ApplicationSpec struct {
	// (The namespace has() rule above is a transition rule on the item: spec.applications is a list map keyed by name,
	// so the API server pairs each item with the stored one of the same name; a new name has no oldSelf and is
	// admitted. It catches a namespace added or removed; the field's own self == oldSelf catches a change. One
	// item-level rule comparing the strings too is over the API server's estimated CEL cost budget.)

	// Name of the application: a DNS label (Deployment, Service and target group names derive from it).
	// It cannot change: rename by adding a new application and removing the old one.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=40
	// +kubebuilder:validation:Pattern=`^[a-z]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// Namespace in the new cluster the application runs in (default: the PlatformEnvironment's own
	// namespace name, e.g. cloud-consulting). Applications may share a namespace.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:XValidation:rule="!self.startsWith('kube-') && self != 'default'",message="spec.applications[].namespace must not be default or a kube-* namespace: the application gets a namespace of its own"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.applications[].namespace cannot change: every object of the application (and its pod identity association) would be created again in the new namespace and the old ones leaked; add a new application under another name in the new namespace, then remove the old one"
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Image is the container image with a tag or digest, e.g. registry.example.com/backend:1.4.2 or
	// ...@sha256:<digest>. The mutable tag latest is refused: a rollout must name what it rolls out.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9][-a-zA-Z0-9._/:]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$') && !self.endsWith(':latest')",message="spec.applications[].image must name a tag other than latest or a sha256 digest, e.g. registry.example.com/backend:1.4.2"
	Image string `json:"image"`

	// Command and Args override the image's entrypoint and its arguments.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=4096
	// +listType=atomic
	// +optional
	Command []string `json:"command,omitempty"`
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=4096
	// +listType=atomic
	// +optional
	Args []string `json:"args,omitempty"`

	// Port is the container port the application serves HTTP on; the Service, the probes and the ALB
	// target group use it. Ports below 1024 work without root: the pod allows unprivileged binding.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port int32 `json:"port"`

	// Replicas is the pod count (default 2; with autoscaling, the autoscaler's minimum unless
	// autoscaling.minReplicas says otherwise).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`

	// Resources are the container's requests and limits (default: requests 100m CPU and 128Mi, limit
	// 256Mi of memory, no CPU limit).
	// +optional
	Resources *ResourcesSpec `json:"resources,omitempty"`

	// LivenessProbe restarts a container that stops answering (default: none).
	// +optional
	LivenessProbe *ProbeSpec `json:"livenessProbe,omitempty"`

	// ReadinessProbe keeps a pod out of the Service and the target group until it answers (default: a
	// TCP check of the port).
	// +optional
	ReadinessProbe *ProbeSpec `json:"readinessProbe,omitempty"`

	// Env are plain environment variables, by name.
	// +kubebuilder:validation:MaxProperties=64
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^[A-Za-z_][A-Za-z0-9_]*$') && size(k) <= 128)",message="spec.applications[].env: variable names must be letters, digits and underscores, not starting with a digit"
	// +optional
	Env map[string]string `json:"env,omitempty"`

	// EnvFromSecrets are environment variables, by name, taken from a key of the environment's
	// application secret (the Secret app-secrets in the application's namespace, kept in sync with AWS
	// Secrets Manager): database-url (PostgreSQL, the application's own database role, TLS required),
	// redis-url (rediss:// with the AUTH token) or jwt-secret. The values never pass through the spec.
	// +kubebuilder:validation:MaxProperties=16
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^[A-Za-z_][A-Za-z0-9_]*$') && size(k) <= 128)",message="spec.applications[].envFromSecrets: variable names must be letters, digits and underscores, not starting with a digit"
	// +kubebuilder:validation:XValidation:rule="self.all(k, self[k] in ['database-url', 'redis-url', 'jwt-secret'])",message="spec.applications[].envFromSecrets: values must be database-url, redis-url or jwt-secret (keys of the application secret)"
	// +optional
	EnvFromSecrets map[string]string `json:"envFromSecrets,omitempty"`

	// Config is the application's ConfigMap (<name>-config), exposed to the container as environment
	// variables. A change rolls the pods.
	// +kubebuilder:validation:MaxProperties=128
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^[-._a-zA-Z0-9]+$') && size(k) <= 253)",message="spec.applications[].config: keys must be letters, digits, '-', '_' or '.'"
	// +optional
	Config map[string]string `json:"config,omitempty"`

	// Route exposes the application through the environment's load balancer (needs spec.domain).
	// Without a route the application is reachable inside the cluster only.
	// +optional
	Route *RouteSpec `json:"route,omitempty"`

	// IAM grants the application's pods AWS permissions through a role of their own (EKS Pod Identity).
	// Without it the pods have no AWS credentials.
	// +optional
	IAM *ApplicationIAMSpec `json:"iam,omitempty"`

	// Autoscaling adds a HorizontalPodAutoscaler on CPU (and optionally memory) utilisation; the
	// Deployment then leaves the replica count to it.
	// +optional
	Autoscaling *AutoscalingSpec `json:"autoscaling,omitempty"`

	// DisruptionBudget limits voluntary evictions (node drains, upgrades). Default: at most one pod
	// unavailable when the application runs more than one replica.
	// +optional
	DisruptionBudget *DisruptionBudgetSpec `json:"disruptionBudget,omitempty"`

	// Migration is a step that runs as a Job, to completion, before each new version of the application
	// rolls out (e.g. schema migrations). The Deployment keeps its previous version until it succeeds.
	// +optional
	Migration *MigrationSpec `json:"migration,omitempty"`

	// RunAsUser is the numeric user the containers run as (default 10001). Root is refused.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=2147483647
	// +optional
	RunAsUser *int64 `json:"runAsUser,omitempty"`

	// WritablePaths are directories that get an empty, writable volume (the root filesystem is
	// read-only). /tmp always does.
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:items:MaxLength=256
	// +kubebuilder:validation:items:Pattern=`^/[-._a-zA-Z0-9/]*$`
	// +listType=set
	// +optional
	WritablePaths []string `json:"writablePaths,omitempty"`
}

// ResourcesSpec are a container's requests and limits, as Kubernetes quantities.
//
// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !has(self.requests.cpu) || !has(self.limits.cpu) || quantity(self.limits.cpu).compareTo(quantity(self.requests.cpu)) >= 0",message="spec.applications[].resources.limits.cpu must be at least requests.cpu"
// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !has(self.requests.memory) || !has(self.limits.memory) || quantity(self.limits.memory).compareTo(quantity(self.requests.memory)) >= 0",message="spec.applications[].resources.limits.memory must be at least requests.memory"
type ResourcesSpec struct {
	// Requests are what the scheduler reserves.
	// +optional
	Requests *ResourceQuantities `json:"requests,omitempty"`
	// Limits cap the container.
	// +optional
	Limits *ResourceQuantities `json:"limits,omitempty"`
}

// ResourceQuantities are CPU and memory quantities, e.g. cpu 250m, memory 512Mi.
type ResourceQuantities struct {
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",message="spec.applications[].resources: cpu must be a positive Kubernetes quantity such as 250m or 1"
	// +optional
	CPU string `json:"cpu,omitempty"`
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",message="spec.applications[].resources: memory must be a positive Kubernetes quantity such as 512Mi or 1Gi"
	// +optional
	Memory string `json:"memory,omitempty"`
}

// ProbeSpec is an HTTP GET (when Path is set) or TCP health check of the container.
type ProbeSpec struct {
	// Path is the HTTP path to GET, e.g. /health; a 2xx or 3xx answer passes. Empty: a TCP connect.
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^/[^\s]*$`
	// +optional
	Path string `json:"path,omitempty"`
	// Port to check (default: the application's port).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port *int32 `json:"port,omitempty"`
	// InitialDelaySeconds before the first check (default 0).
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3600
	// +optional
	InitialDelaySeconds *int32 `json:"initialDelaySeconds,omitempty"`
	// PeriodSeconds between checks (default 10).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600
	// +optional
	PeriodSeconds *int32 `json:"periodSeconds,omitempty"`
	// TimeoutSeconds of one check (default 1).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=600
	// +optional
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`
	// FailureThreshold is how many failed checks in a row count (default 3).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +optional
	FailureThreshold *int32 `json:"failureThreshold,omitempty"`
}

// RouteSpec routes requests from the environment's load balancer to the application. Exactly one of
// default and pathPatterns.
//
// +kubebuilder:validation:XValidation:rule="(has(self.default) && self.default) != (has(self.pathPatterns) && size(self.pathPatterns) > 0)",message="spec.applications[].route must set either default: true or pathPatterns, not both"
// +kubebuilder:validation:XValidation:rule="!has(self.priority) || has(self.pathPatterns)",message="spec.applications[].route.priority applies to pathPatterns only; the default route has none"
type RouteSpec struct {
	// Default makes the application receive every request no path pattern matches (the listener's
	// default action). At most one application is the default.
	// +optional
	Default bool `json:"default,omitempty"`

	// PathPatterns route matching requests to the application, e.g. /api/* (ALB path patterns: * and ?
	// wildcards, case sensitive).
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=128
	// +kubebuilder:validation:items:Pattern=`^/[-_.~/*?a-zA-Z0-9]*$`
	// +kubebuilder:validation:XValidation:rule="self.all(p, self.exists_one(q, q == p))",message="spec.applications[].route.pathPatterns must not repeat a pattern"
	// +listType=atomic
	// +optional
	PathPatterns []string `json:"pathPatterns,omitempty"`

	// The function's own listener rule, api.<domain> to the API application, has priority 10
	// (edge.hostRulePriority; a test keeps the two in step): an application's rule there would be refused
	// by AWS (PriorityInUse), and the function refuses it at render time; it is refused at admission. No
	// environment can have rendered 10, so the rule makes no working object invalid.
	// +kubebuilder:validation:XValidation:rule="self != 10",message="spec.applications[].route.priority 10 is taken by the environment's own api.<domain> host rule; choose another priority from 1 to 50000"

	// Priority of the path rule on the listener, 1 to 50000 except 10 (the api.<domain> host rule's),
	// lower first; priorities below 10 are matched before the host rule, on api.<domain> too. Default: an
	// application keeps the priority its rule already has; a new one gets the lowest of 100, 110, 120...
	// that no other rule uses (new applications in name order), so reordering spec.applications changes
	// no priority. Two applications cannot share a priority.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=50000
	// +optional
	Priority *int32 `json:"priority,omitempty"`

	// HealthCheckPath is the path the load balancer's target group checks (default: the readiness
	// probe's path, else /).
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^/[^\s]*$`
	// +optional
	HealthCheckPath string `json:"healthCheckPath,omitempty"`
}

// ApplicationIAMSpec is the policy of the application's own IAM role.
type ApplicationIAMSpec struct {
	// Statements of the role's inline policy. In resources, $(partition), $(region), $(account) and
	// $(secretsPrefix) (the prefix of this environment's Secrets Manager secret names) are replaced, e.g.
	// arn:$(partition):secretsmanager:$(region):$(account):secret:$(secretsPrefix)*.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=20
	// +listType=atomic
	Statements []IAMStatement `json:"statements"`
}

// IAMStatement is one statement of an IAM policy.
//
// +kubebuilder:validation:XValidation:rule="!(self.actions.exists(a, a == '*') && self.resources.exists(r, r == '*'))",message="spec.applications[].iam.statements[]: Action * on Resource * is refused; name the actions and resources"
type IAMStatement struct {
	// Sid names the statement (letters and digits).
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9]*$`
	// +optional
	Sid string `json:"sid,omitempty"`
	// Effect is Allow (default) or Deny.
	// +kubebuilder:validation:Enum=Allow;Deny
	// +kubebuilder:default=Allow
	// +optional
	Effect string `json:"effect,omitempty"`
	// Actions, e.g. bedrock:InvokeModel.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MaxLength=128
	// +kubebuilder:validation:items:Pattern=`^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$`
	// +listType=atomic
	Actions []string `json:"actions"`
	// Resources, ARNs or * (see ApplicationIAMSpec for the variables).
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^(\*|arn:.+)$`
	// +listType=atomic
	Resources []string `json:"resources"`
}

// AutoscalingSpec configures the application's HorizontalPodAutoscaler.
type AutoscalingSpec struct {
	// MinReplicas (default: replicas).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +optional
	MinReplicas *int32 `json:"minReplicas,omitempty"`
	// MaxReplicas is the most pods the autoscaler runs.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	MaxReplicas int32 `json:"maxReplicas"`
	// TargetCPUUtilization is the average CPU use, in percent of the request, the autoscaler aims at
	// (default 70).
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=100
	// +optional
	TargetCPUUtilization *int32 `json:"targetCPUUtilization,omitempty"`
	// TargetMemoryUtilization, in percent of the request, adds a memory target (default: none).
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=100
	// +optional
	TargetMemoryUtilization *int32 `json:"targetMemoryUtilization,omitempty"`
}

// DisruptionBudgetSpec is the application's PodDisruptionBudget: either maxUnavailable or minAvailable,
// a count (e.g. 1) or a percentage (e.g. 50%).
//
// +kubebuilder:validation:XValidation:rule="has(self.maxUnavailable) != has(self.minAvailable)",message="spec.applications[].disruptionBudget must set exactly one of maxUnavailable and minAvailable"
type DisruptionBudgetSpec struct {
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:Pattern=`^([0-9]+|[0-9]{1,3}%)$`
	// +optional
	MaxUnavailable string `json:"maxUnavailable,omitempty"`
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:Pattern=`^([0-9]+|[0-9]{1,3}%)$`
	// +optional
	MinAvailable string `json:"minAvailable,omitempty"`
}

// MigrationSpec is a step that runs to completion before a new version of the application rolls out.
// It runs with the application's environment (config, env, envFromSecrets), so DATABASE_URL connects as
// the application's own database role, which owns the schema it creates.
type MigrationSpec struct {
	// Image of the step (default: the application's image).
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9][-a-zA-Z0-9._/:]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$') && !self.endsWith(':latest')",message="spec.applications[].migration.image must name a tag other than latest or a sha256 digest"
	// +optional
	Image string `json:"image,omitempty"`
	// Command of the step, e.g. ["/app/migrate", "up"].
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=4096
	// +listType=atomic
	Command []string `json:"command"`
	// TimeoutSeconds bounds the step (default 600); a step that runs longer fails.
	// +kubebuilder:validation:Minimum=30
	// +kubebuilder:validation:Maximum=86400
	// +optional
	TimeoutSeconds *int64 `json:"timeoutSeconds,omitempty"`
	// BackoffLimit is how often a failed step is retried (default 2).
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	// +optional
	BackoffLimit *int32 `json:"backoffLimit,omitempty"`
}

// ApplicationsOutputs are the state of the in-cluster releases and applications, filled once observed.
type ApplicationsOutputs struct {
	// Addons are the cluster add-ons' Helm releases.
	// +optional
	Addons []AddonStatus `json:"addons,omitempty"`
	// Applications are the workloads' rollout state, in spec order.
	// +optional
	Applications []ApplicationStatus `json:"applications,omitempty"`
	// SmokeTest is the outcome of the latest infrastructure check, when enabled.
	// +optional
	SmokeTest *TestRunStatus `json:"smokeTest,omitempty"`
	// LoadTest is the outcome of the latest load test, when enabled.
	// +optional
	LoadTest *TestRunStatus `json:"loadTest,omitempty"`
}

// AddonStatus is one add-on release.
type AddonStatus struct {
	// Name of the chart (and of its release).
	Name string `json:"name"`
	// Repository is the chart repository's URL.
	Repository string `json:"repository"`
	// Version of the chart installed.
	Version string `json:"version"`
	// Ready is true when the release is deployed and its workloads run.
	Ready bool `json:"ready"`
}

// ApplicationStatus is one application's rollout.
type ApplicationStatus struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// Image the Deployment runs now (the previous one while a migration of a new version runs).
	// +optional
	Image string `json:"image,omitempty"`
	// Migration is the migration Job's state for the spec's version: Pending, Running, Succeeded or
	// Failed; empty without a migration.
	// +optional
	Migration string `json:"migration,omitempty"`
	// TargetGroupBound is true once the TargetGroupBinding registers the nodes in the ALB target group.
	// +optional
	TargetGroupBound bool `json:"targetGroupBound,omitempty"`
}

// TestRunStatus is the outcome of a test Job.
type TestRunStatus struct {
	// Job is the Job's name in the cluster.
	Job string `json:"job"`
	// Phase is Pending, Running, Succeeded or Failed.
	Phase string `json:"phase"`
	// +optional
	Message string `json:"message,omitempty"`
}
