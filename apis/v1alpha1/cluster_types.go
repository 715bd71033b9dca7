package v1alpha1

// ClusterSpec describes the EKS control plane, its managed node group and its EKS add-ons. Everything left
// out takes the profile's defaults (see status.resolved.cluster).
//
// +kubebuilder:validation:XValidation:rule="has(self.providerPrincipalArn) == has(oldSelf.providerPrincipalArn)",message="spec.cluster.providerPrincipalArn cannot be added or removed after creation: an access entry's principal cannot change; put it back as it was"
type ClusterSpec struct {
	// EKS cannot downgrade a control plane: a lower version (or a left-out one, re-defaulted below the old
	// one) can never apply. The function refuses a version below the observed cluster's too; this refuses
	// the edit itself at admission. Minors are compared as numbers.
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[0-9]+[.][0-9]+$') || !oldSelf.matches('^[0-9]+[.][0-9]+$') || int(self.split('.')[1]) >= int(oldSelf.split('.')[1])",message="spec.cluster.version cannot go down: EKS cannot downgrade a cluster; keep the old version or raise it"

	// Version is the Kubernetes minor version of the control plane (default 1.35, in EKS standard support
	// until March 2027). Raising it upgrades the control plane one minor version at a time, then the node
	// group, then the add-ons. EKS cannot downgrade.
	// +kubebuilder:validation:Enum="1.32";"1.33";"1.34";"1.35";"1.36"
	// +kubebuilder:default="1.35"
	// +optional
	Version string `json:"version,omitempty"`

	// EndpointPublicAccessCIDRs are the IPv4 blocks that may reach the cluster's public API endpoint, e.g.
	// the egress addresses of the control plane that runs Crossplane (it deploys the applications through
	// that endpoint) and of the operators. Empty: the public endpoint is off and the API is reachable from
	// inside the VPC only. The prod profile requires a non-empty list without 0.0.0.0/0.
	// +kubebuilder:validation:MaxItems=40
	// +kubebuilder:validation:items:MaxLength=18
	// +kubebuilder:validation:XValidation:rule="self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)",message="spec.cluster.endpointPublicAccessCidrs: every entry must be an IPv4 CIDR such as 203.0.113.0/24"
	// +listType=atomic
	// +optional
	EndpointPublicAccessCIDRs []string `json:"endpointPublicAccessCidrs,omitempty"`

	// AdminPrincipalARNs are IAM roles or users that get cluster-admin through an EKS access entry
	// (AmazonEKSClusterAdminPolicy), e.g. the operators' SSO role.
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$`
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.exists_one(b, b == a))",message="spec.cluster.adminPrincipalArns must not repeat a principal"
	// +listType=atomic
	// +optional
	AdminPrincipalARNs []string `json:"adminPrincipalArns,omitempty"`

	// ProviderPrincipalARN is the IAM role (or user) provider-aws runs as. It gets an access entry with
	// cluster-admin so that the kubeconfig the provider writes (ClusterAuth) lets the in-cluster releases
	// reach the API. The cluster creator gets no implicit admin rights: every admin is listed. Required;
	// it cannot change after creation (an access entry's principal is immutable).
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.cluster.providerPrincipalArn is immutable: an access entry's principal cannot change; create a new environment or replace the entry by hand"
	// +optional
	ProviderPrincipalARN string `json:"providerPrincipalArn,omitempty"`

	// NodeGroup is the managed node group the workloads run on.
	// +kubebuilder:default={}
	// +optional
	NodeGroup NodeGroupSpec `json:"nodeGroup,omitempty"`

	// AddonVersions pins the EKS add-ons' versions (e.g. v1.20.4-eksbuild.2). An add-on left out gets
	// EKS's default version for the cluster's Kubernetes version when it is created and then stays there;
	// pin versions to upgrade add-ons, which happens after the node group reached the cluster's version.
	// +optional
	AddonVersions AddonVersions `json:"addonVersions,omitempty"`

	// UpgradePolicy chooses what happens when the cluster's Kubernetes version leaves EKS standard support.
	// +optional
	UpgradePolicy *UpgradePolicySpec `json:"upgradePolicy,omitempty"`

	// LogRetentionDays keeps the control-plane logs (/aws/eks/<cluster>/cluster) this long
	// (default: 365 prod, 90 staging, 30 dev).
	// +kubebuilder:validation:Enum=1;3;5;7;14;30;60;90;120;150;180;365;400;545;731;1096;1827;2192;2557;2922;3288;3653
	// +optional
	LogRetentionDays *int32 `json:"logRetentionDays,omitempty"`
}

// UpgradePolicySpec is the cluster's EKS upgrade policy.
type UpgradePolicySpec struct {
	// SupportType is STANDARD or EXTENDED (default: EXTENDED prod, STANDARD staging and dev). STANDARD:
	// when the version's standard support ends, EKS upgrades the control plane to the next version by itself
	// (the function then accepts the version AWS runs and asks, in status, to raise spec.cluster.version).
	// EXTENDED: the version stays for up to 12 more months of extended support, at about six times the
	// control-plane price for that time. EKS refuses STANDARD for a version already in extended support.
	// +kubebuilder:validation:Enum=STANDARD;EXTENDED
	// +optional
	SupportType string `json:"supportType,omitempty"`
}

// NodeGroupSpec describes the managed node group.
//
// +kubebuilder:validation:XValidation:rule="!has(self.minSize) || !has(self.maxSize) || self.minSize <= self.maxSize",message="spec.cluster.nodeGroup.minSize must not exceed spec.cluster.nodeGroup.maxSize"
// +kubebuilder:validation:XValidation:rule="!has(self.desiredSize) || !has(self.minSize) || self.minSize <= self.desiredSize",message="spec.cluster.nodeGroup.desiredSize must be at least spec.cluster.nodeGroup.minSize"
// +kubebuilder:validation:XValidation:rule="!has(self.desiredSize) || !has(self.maxSize) || self.desiredSize <= self.maxSize",message="spec.cluster.nodeGroup.desiredSize must not exceed spec.cluster.nodeGroup.maxSize"
type NodeGroupSpec struct {
	// InstanceTypes of the nodes, all of one CPU architecture (default [t3.medium]).
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:Pattern=`^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9]+$`
	// +kubebuilder:validation:items:MaxLength=32
	// +listType=atomic
	// +optional
	InstanceTypes []string `json:"instanceTypes,omitempty"`

	// MinSize and MaxSize bound the node count (default: 2-10 prod, 2-6 staging, 1-3 dev); the cluster
	// autoscaler moves between them.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=450
	// +optional
	MinSize *int32 `json:"minSize,omitempty"`
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=450
	// +optional
	MaxSize *int32 `json:"maxSize,omitempty"`

	// DesiredSize is the node count at creation only (default: 3 prod, 2 staging and dev); afterwards the
	// cluster autoscaler owns it, so changing it here has no effect.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=450
	// +optional
	DesiredSize *int32 `json:"desiredSize,omitempty"`

	// DiskSizeGiB is the size of each node's encrypted gp3 root volume (default: 50, 30 for dev).
	// +kubebuilder:validation:Minimum=20
	// +kubebuilder:validation:Maximum=16384
	// +optional
	DiskSizeGiB *int32 `json:"diskSizeGiB,omitempty"`

	// Labels are Kubernetes labels on every node.
	// +kubebuilder:validation:MaxProperties=20
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// MetadataHopLimit is the IMDSv2 response hop limit (default 1): 1 keeps pods that are not on the
	// host network away from the node's instance metadata and its role's credentials; workloads get their
	// own roles through EKS Pod Identity instead. Use 2 only for workloads that must read instance metadata.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=2
	// +optional
	MetadataHopLimit *int32 `json:"metadataHopLimit,omitempty"`

	// MaxUnavailablePercentage of nodes may be replaced at once during node group updates (default 33).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +optional
	MaxUnavailablePercentage *int32 `json:"maxUnavailablePercentage,omitempty"`
}

// AddonVersions pins EKS add-on versions.
type AddonVersions struct {
	// +kubebuilder:validation:Pattern=`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	VPCCNI string `json:"vpcCni,omitempty"`
	// +kubebuilder:validation:Pattern=`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	KubeProxy string `json:"kubeProxy,omitempty"`
	// +kubebuilder:validation:Pattern=`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	CoreDNS string `json:"coredns,omitempty"`
	// +kubebuilder:validation:Pattern=`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	EBSCSIDriver string `json:"awsEbsCsiDriver,omitempty"`
	// +kubebuilder:validation:Pattern=`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	PodIdentityAgent string `json:"eksPodIdentityAgent,omitempty"`
}

// ResolvedCluster is the cluster as the function resolved it.
type ResolvedCluster struct {
	// Name is the EKS cluster's AWS name.
	Name string `json:"name"`
	// Version is the target Kubernetes version.
	Version string `json:"version"`
	// SupportType is the upgrade policy's support type, STANDARD or EXTENDED.
	SupportType               string            `json:"supportType"`
	EndpointPublicAccessCIDRs []string          `json:"endpointPublicAccessCidrs,omitempty"`
	AdminPrincipalARNs        []string          `json:"adminPrincipalArns,omitempty"`
	ProviderPrincipalARN      string            `json:"providerPrincipalArn"`
	LogRetentionDays          int32             `json:"logRetentionDays"`
	NodeGroup                 ResolvedNodeGroup `json:"nodeGroup"`
	// AddonVersions are the pinned add-on versions by EKS add-on name; add-ons not listed are unpinned.
	// +optional
	AddonVersions map[string]string `json:"addonVersions,omitempty"`
	// DefaultAddonVersions are this release's versions, for the target Kubernetes version, of the add-ons
	// the spec does not pin: a new add-on is created at its version; an existing one moves to it only when
	// spec.cluster.version steps (once the node group runs the new version), never below what it runs.
	// +optional
	DefaultAddonVersions map[string]string `json:"defaultAddonVersions,omitempty"`
	// AddonWarnings name the unpinned add-ons this release has no default version for at the target
	// Kubernetes version: they are created at EKS's default and existing ones keep their version.
	// +optional
	AddonWarnings []string `json:"addonWarnings,omitempty"`
}

// ResolvedNodeGroup is the node group as the function resolved it.
type ResolvedNodeGroup struct {
	InstanceTypes []string `json:"instanceTypes"`
	// AMIType follows the instance types' CPU architecture (AL2023).
	AMIType                  string            `json:"amiType"`
	MinSize                  int32             `json:"minSize"`
	DesiredSize              int32             `json:"desiredSize"`
	MaxSize                  int32             `json:"maxSize"`
	DiskSizeGiB              int32             `json:"diskSizeGiB"`
	MetadataHopLimit         int32             `json:"metadataHopLimit"`
	MaxUnavailablePercentage int32             `json:"maxUnavailablePercentage"`
	Labels                   map[string]string `json:"labels,omitempty"`
}

// ClusterOutputs are the cluster's identifiers and endpoints, filled once observed.
type ClusterOutputs struct {
	// Name of the EKS cluster.
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	ARN string `json:"arn,omitempty"`
	// Endpoint is the API server's URL.
	// +optional
	Endpoint string `json:"endpoint,omitempty"`
	// Version is the control plane's observed Kubernetes version; NodeGroupVersion the node group's.
	// +optional
	Version string `json:"version,omitempty"`
	// +optional
	NodeGroupVersion string `json:"nodeGroupVersion,omitempty"`
	// OIDCIssuer is the cluster's service-account token issuer URL; OIDCProviderARN the IAM OIDC provider
	// that trusts it (for IAM roles for service accounts).
	// +optional
	OIDCIssuer string `json:"oidcIssuer,omitempty"`
	// +optional
	OIDCProviderARN string `json:"oidcProviderArn,omitempty"`
	// ClusterSecurityGroupID is the security group EKS created for the control plane and the nodes.
	// +optional
	ClusterSecurityGroupID string `json:"clusterSecurityGroupId,omitempty"`
	// KubeconfigSecret is the Secret (in the environment's namespace) the kubeconfig is written to.
	// +optional
	KubeconfigSecret string `json:"kubeconfigSecret,omitempty"`
	// NodeRoleARN is the nodes' IAM role.
	// +optional
	NodeRoleARN string `json:"nodeRoleArn,omitempty"`
	// Upgrade says which step of a version upgrade is in progress, when one is.
	// +optional
	Upgrade string `json:"upgrade,omitempty"`
}
