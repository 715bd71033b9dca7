package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// PlatformEnvironment is a complete production AWS environment for one application team: network, EKS,
// PostgreSQL, Redis, HTTPS edge, DNS, e-mail, observability and the team's applications inside the cluster.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,categories={crossplane,platform},shortName=penv
// +kubebuilder:printcolumn:name="PROFILE",type=string,JSONPath=".spec.profile"
// +kubebuilder:printcolumn:name="REGION",type=string,JSONPath=".spec.region"
type PlatformEnvironment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PlatformEnvironmentSpec   `json:"spec"`
	Status PlatformEnvironmentStatus `json:"status,omitempty"`
}

// spec.domain names the hosted zone, the certificate and its validation records, every record and the SES
// identities (the zone's name and the identity are ForceNew or the external name; the provider would create
// new ones and leak the old); removing it retires the whole edge. Adding it to an environment without one
// only creates. A spec-level rule: a field-level one cannot see the field removed.
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.domain) || (has(self.domain) && self.domain == oldSelf.domain)",message="spec.domain cannot be changed or removed once set: the hosted zone, the certificate, the records and the SES identities are the domain's and cannot move to another; keep it, and file a new environment for the other domain"

// PlatformEnvironmentSpec is what an application team asks for. Fields left out take static defaults
// (markers below) or profile-dependent defaults that the function resolves and publishes in
// status.resolved.
//
// +kubebuilder:validation:XValidation:rule="!has(self.network) || !has(self.network.availabilityZones) || self.network.availabilityZones.all(z, z.startsWith(self.region) && z.size() == self.region.size() + 1)",message="spec.network.availabilityZones: every zone must be in spec.region (the region name followed by one letter, e.g. us-east-1a)"
type PlatformEnvironmentSpec struct {
	// Profile selects the defaults for everything the spec leaves out: dev is small and tears down
	// completely, staging mirrors prod at a smaller size, prod is highly available and protected.
	// +kubebuilder:validation:Enum=dev;staging;prod
	// +kubebuilder:default=prod
	// +optional
	Profile string `json:"profile,omitempty"`

	// Region is the AWS region of the environment, e.g. us-east-1. It cannot change after creation.
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.region is immutable: an environment cannot move between regions; create a new environment instead"
	Region string `json:"region"`

	// ProviderConfigRef names the provider-aws ProviderConfig that holds this team's AWS credentials.
	// A ProviderConfig is namespaced: it is the team's own, in the environment's namespace.
	// It cannot change after creation: every managed resource would move to the other ProviderConfig
	// (possibly another AWS account), be created again there and leave the old ones running unmanaged.
	// +kubebuilder:default={kind: ProviderConfig, name: default}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.providerConfigRef is immutable: every managed resource would be created again through the other ProviderConfig (possibly in another AWS account) and the old ones left running; keep it, and file a new environment for the other ProviderConfig"
	// +optional
	ProviderConfigRef ProviderConfigReference `json:"providerConfigRef,omitempty"`

	// DeletionProtection keeps stateful resources (database, cache, KMS keys, buckets, log groups, the
	// hosted zone) in AWS when the environment is deleted, and turns on AWS deletion protection where AWS
	// has it. Defaults to true for the prod profile and false otherwise (see status.resolved).
	// +optional
	DeletionProtection *bool `json:"deletionProtection,omitempty"`

	// Tags are added to every AWS resource that takes tags, besides environment, component and managed-by.
	// +kubebuilder:validation:MaxProperties=40
	// +optional
	Tags map[string]string `json:"tags,omitempty"`

	// Domain is the environment's DNS domain (e.g. cloudpartner.pro): the ALB's certificate, the Route 53
	// records, the SES identity and the applications' URLs hang off it.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?[.])+[a-zA-Z]{2,63}$')",message="spec.domain must be a DNS domain such as example.com (letters, digits and hyphens in dot-separated labels)"
	// +optional
	Domain string `json:"domain,omitempty"`

	// Network is the VPC over several availability zones.
	// +kubebuilder:default={}
	// +optional
	Network NetworkSpec `json:"network,omitempty"`

	// Cluster is the EKS control plane, its node group and add-ons.
	// +kubebuilder:default={}
	// +optional
	Cluster ClusterSpec `json:"cluster,omitempty"`

	// Database is the RDS PostgreSQL instance.
	// +kubebuilder:default={}
	// +optional
	Database DatabaseSpec `json:"database,omitempty"`

	// Cache is the ElastiCache Redis replication group.
	// +kubebuilder:default={}
	// +optional
	Cache CacheSpec `json:"cache,omitempty"`

	// Edge is the HTTPS entry: ALB, certificate and WAF.
	// +kubebuilder:default={}
	// +optional
	Edge EdgeSpec `json:"edge,omitempty"`

	// DNS is the Route 53 hosted zone, records and health check.
	// +kubebuilder:default={}
	// +optional
	DNS DNSSpec `json:"dns,omitempty"`

	// Email is the SES sending identity.
	// +kubebuilder:default={}
	// +optional
	Email EmailSpec `json:"email,omitempty"`

	// Observability is alarms, dashboard, log groups and the audit trail.
	// +kubebuilder:default={}
	// +optional
	Observability ObservabilitySpec `json:"observability,omitempty"`

	// Addons are the cluster add-ons installed as Helm releases inside the new cluster.
	// +kubebuilder:default={}
	// +optional
	Addons AddonsSpec `json:"addons,omitempty"`

	// Applications are the team's workloads, deployed into the new cluster.
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:XValidation:rule="self.filter(a, has(a.route) && has(a.route.default) && a.route.default).size() <= 1",message="spec.applications: at most one application may have route.default: true (the load balancer has one default action)"
	// +kubebuilder:validation:XValidation:rule="self.all(a, !has(a.route) || !has(a.route.pathPatterns) || a.route.pathPatterns.all(p, self.filter(b, has(b.route) && has(b.route.pathPatterns) && p in b.route.pathPatterns).size() == 1))",message="spec.applications: two applications cannot route the same path pattern; give each pattern to one application"
	// +kubebuilder:validation:XValidation:rule="self.all(a, !has(a.route) || !has(a.route.priority) || self.filter(b, has(b.route) && has(b.route.priority) && b.route.priority == a.route.priority).size() == 1)",message="spec.applications: two applications cannot share a route.priority"
	// +listType=map
	// +listMapKey=name
	// +optional
	Applications []ApplicationSpec `json:"applications,omitempty"`

	// Budget is the monthly cost guardrail (see status.outputs.cost and status.budget).
	// +optional
	Budget BudgetSpec `json:"budget,omitempty"`
}

// ProviderConfigReference names a provider-aws ProviderConfig (kind and name; no namespace: namespaced
// managed resources use the ProviderConfig in their own namespace, or a ClusterProviderConfig).
type ProviderConfigReference struct {
	// Kind is ProviderConfig (namespaced, the team's own) or ClusterProviderConfig (shared).
	// +kubebuilder:validation:Enum=ProviderConfig;ClusterProviderConfig
	// +kubebuilder:default=ProviderConfig
	Kind string `json:"kind"`

	// Name of the ProviderConfig.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:default=default
	Name string `json:"name"`
}

// PlatformEnvironmentStatus is what the environment publishes: the defaults it resolved, the outputs
// other systems need and per-component readiness. Crossplane adds conditions; the function adds Applied.
type PlatformEnvironmentStatus struct {
	// Resolved holds the values the function derived from the profile for what the spec left out.
	// +optional
	Resolved *ResolvedSpec `json:"resolved,omitempty"`

	// Outputs are the identifiers and endpoints of the environment.
	// +optional
	Outputs *Outputs `json:"outputs,omitempty"`

	// Components reports the readiness of each component, in the order they are built.
	// +listType=map
	// +listMapKey=name
	// +optional
	Components []ComponentStatus `json:"components,omitempty"`

	// Budget is what the budget guardrail accepted last.
	// +optional
	Budget *BudgetStatus `json:"budget,omitempty"`
}

// ResolvedSpec is the profile-dependent part of the spec as the function resolved it.
type ResolvedSpec struct {
	// DeletionProtection in force.
	DeletionProtection bool `json:"deletionProtection"`
	// Network as resolved.
	// +optional
	Network *ResolvedNetwork `json:"network,omitempty"`
	// +optional
	Cluster *ResolvedCluster `json:"cluster,omitempty"`
	// +optional
	Database *ResolvedDatabase `json:"database,omitempty"`
	// +optional
	Cache *ResolvedCache `json:"cache,omitempty"`
	// +optional
	Edge *ResolvedEdge `json:"edge,omitempty"`
	// +optional
	Observability *ResolvedObservability `json:"observability,omitempty"`
}

// Outputs are the identifiers and endpoints of the environment, filled as resources are observed.
type Outputs struct {
	// Network outputs.
	// +optional
	Network *NetworkOutputs `json:"network,omitempty"`
	// +optional
	Cluster *ClusterOutputs `json:"cluster,omitempty"`
	// +optional
	Database *DatabaseOutputs `json:"database,omitempty"`
	// +optional
	Cache *CacheOutputs `json:"cache,omitempty"`
	// +optional
	Edge *EdgeOutputs `json:"edge,omitempty"`
	// +optional
	DNS *DNSOutputs `json:"dns,omitempty"`
	// +optional
	Email *EmailOutputs `json:"email,omitempty"`
	// +optional
	Observability *ObservabilityOutputs `json:"observability,omitempty"`
	// +optional
	Applications *ApplicationsOutputs `json:"applications,omitempty"`
	// Cost is the estimated monthly cost of the environment.
	// +optional
	Cost *CostOutputs `json:"cost,omitempty"`
}

// ComponentStatus is the readiness of one component.
type ComponentStatus struct {
	// Name of the component, e.g. network.
	Name string `json:"name"`
	// Ready is true when every resource of the component is observed ready.
	Ready bool `json:"ready"`
	// Resources counts the component's composed resources; ReadyResources how many are ready.
	Resources      int `json:"resources"`
	ReadyResources int `json:"readyResources"`
	// Message says what the component waits for, when it is not ready, and, ready or not, an update of one of
	// its resources that a provider refuses (it needs a replacement), a replacement's step, or a pending update.
	// +optional
	Message string `json:"message,omitempty"`
}
