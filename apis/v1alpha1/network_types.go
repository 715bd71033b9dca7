package v1alpha1

// NetworkSpec describes the VPC. Subnets are cut from the VPC CIDR unless listed explicitly.
//
// +kubebuilder:validation:XValidation:rule="!has(self.publicSubnetCidrs) || !has(self.availabilityZones) || size(self.publicSubnetCidrs) == size(self.availabilityZones)",message="spec.network.publicSubnetCidrs: list one CIDR per availability zone"
// +kubebuilder:validation:XValidation:rule="!has(self.privateSubnetCidrs) || !has(self.availabilityZones) || size(self.privateSubnetCidrs) == size(self.availabilityZones)",message="spec.network.privateSubnetCidrs: list one CIDR per availability zone"
// +kubebuilder:validation:XValidation:rule="!has(self.databaseSubnetCidrs) || !has(self.availabilityZones) || size(self.databaseSubnetCidrs) == size(self.availabilityZones)",message="spec.network.databaseSubnetCidrs: list one CIDR per availability zone"
// +kubebuilder:validation:XValidation:rule="has(self.availabilityZones) == has(oldSelf.availabilityZones)",message="spec.network.availabilityZones cannot be added or removed after creation (the zones were resolved from the region then; the subnets cannot move); create a new environment instead"
// +kubebuilder:validation:XValidation:rule="has(self.publicSubnetCidrs) == has(oldSelf.publicSubnetCidrs) && has(self.privateSubnetCidrs) == has(oldSelf.privateSubnetCidrs) && has(self.databaseSubnetCidrs) == has(oldSelf.databaseSubnetCidrs) && has(self.subnetPrefixLength) == has(oldSelf.subnetPrefixLength)",message="spec.network: publicSubnetCidrs, privateSubnetCidrs, databaseSubnetCidrs and subnetPrefixLength cannot be added or removed after creation (AWS cannot change a subnet's CIDR); put them back as they were"
type NetworkSpec struct {
	// VPCCIDR is the VPC's IPv4 block, /16 to /24... in practice /16 to /20 so that the subnets fit.
	// It cannot change after creation.
	// +kubebuilder:default="10.0.0.0/16"
	// +kubebuilder:validation:MaxLength=18
	// +kubebuilder:validation:XValidation:rule="isCIDR(self) && cidr(self).ip().family() == 4 && cidr(self).prefixLength() >= 16 && cidr(self).prefixLength() <= 24",message="spec.network.vpcCidr must be an IPv4 CIDR with a prefix length from /16 to /24, e.g. 10.0.0.0/16"
	// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || cidr(self) == cidr(self).masked()",message="spec.network.vpcCidr must have no host bits set (e.g. 10.0.0.0/16, not 10.0.0.1/16)"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.network.vpcCidr is immutable: AWS cannot change a VPC's primary CIDR; create a new environment instead"
	// +optional
	VPCCIDR string `json:"vpcCidr,omitempty"`

	// AvailabilityZones are the zone names to spread over, at least two (default: <region>a, b and c).
	// They cannot change after creation.
	// +kubebuilder:validation:MinItems=2
	// +kubebuilder:validation:MaxItems=6
	// +kubebuilder:validation:items:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.all(z, self.exists_one(y, y == z))",message="spec.network.availabilityZones must not repeat a zone"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.network.availabilityZones is immutable: subnets cannot move between zones; create a new environment instead"
	// +listType=atomic
	// +optional
	AvailabilityZones []string `json:"availabilityZones,omitempty"`

	// SubnetPrefixLength is the size of the computed subnets (default /24). Ignored for tiers whose CIDRs
	// are listed explicitly. The tiers start at blocks 1, 11 and 21 of the VPC where those fit; otherwise
	// the VPC is split into three equal stretches, one per tier (e.g. /20s in a /16: blocks 0, 5 and 10).
	// +kubebuilder:validation:Minimum=17
	// +kubebuilder:validation:Maximum=28
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.network.subnetPrefixLength is immutable: AWS cannot change a subnet's CIDR; create a new environment instead"
	// +optional
	SubnetPrefixLength *int32 `json:"subnetPrefixLength,omitempty"`

	// PublicSubnetCIDRs hold the ALB and the NAT gateways, one per zone (default: blocks 1, 2, 3... of
	// the VPC, e.g. 10.0.1.0/24).
	// +kubebuilder:validation:MaxItems=6
	// +kubebuilder:validation:items:MaxLength=18
	// +kubebuilder:validation:XValidation:rule="self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)",message="spec.network.publicSubnetCidrs: every entry must be an IPv4 CIDR such as 10.0.1.0/24"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.network.publicSubnetCidrs is immutable: AWS cannot change a subnet's CIDR; create a new environment instead"
	// +listType=atomic
	// +optional
	PublicSubnetCIDRs []string `json:"publicSubnetCidrs,omitempty"`

	// PrivateSubnetCIDRs hold the EKS nodes, one per zone (default: blocks 11, 12, 13...).
	// +kubebuilder:validation:MaxItems=6
	// +kubebuilder:validation:items:MaxLength=18
	// +kubebuilder:validation:XValidation:rule="self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)",message="spec.network.privateSubnetCidrs: every entry must be an IPv4 CIDR such as 10.0.11.0/24"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.network.privateSubnetCidrs is immutable: AWS cannot change a subnet's CIDR; create a new environment instead"
	// +listType=atomic
	// +optional
	PrivateSubnetCIDRs []string `json:"privateSubnetCidrs,omitempty"`

	// DatabaseSubnetCIDRs hold RDS and ElastiCache, with no route out of the VPC (default: blocks 21, 22, 23...).
	// +kubebuilder:validation:MaxItems=6
	// +kubebuilder:validation:items:MaxLength=18
	// +kubebuilder:validation:XValidation:rule="self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)",message="spec.network.databaseSubnetCidrs: every entry must be an IPv4 CIDR such as 10.0.21.0/24"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.network.databaseSubnetCidrs is immutable: AWS cannot change a subnet's CIDR; create a new environment instead"
	// +listType=atomic
	// +optional
	DatabaseSubnetCIDRs []string `json:"databaseSubnetCidrs,omitempty"`

	// NATGateways is PerZone (one EIP + NAT gateway per zone, the seed's HighlyAvailable) or Single (one
	// for all zones: cheaper, one zone's failure cuts egress). Default: PerZone, Single for dev.
	// +kubebuilder:validation:Enum=PerZone;Single
	// +optional
	NATGateways string `json:"natGateways,omitempty"`

	// FlowLogRetentionDays keeps VPC flow logs this long (default: 365 prod, 90 staging, 30 dev).
	// +kubebuilder:validation:Enum=1;3;5;7;14;30;60;90;120;150;180;365;400;545;731;1096;1827;2192;2557;2922;3288;3653
	// +optional
	FlowLogRetentionDays *int32 `json:"flowLogRetentionDays,omitempty"`
}

// ResolvedNetwork is the network as the function resolved it.
type ResolvedNetwork struct {
	VPCCIDR              string   `json:"vpcCidr"`
	AvailabilityZones    []string `json:"availabilityZones"`
	PublicSubnetCIDRs    []string `json:"publicSubnetCidrs"`
	PrivateSubnetCIDRs   []string `json:"privateSubnetCidrs"`
	DatabaseSubnetCIDRs  []string `json:"databaseSubnetCidrs"`
	NATGateways          string   `json:"natGateways"`
	FlowLogRetentionDays int32    `json:"flowLogRetentionDays"`
}

// NetworkOutputs are the network's identifiers, filled once observed.
type NetworkOutputs struct {
	// +optional
	VPCID string `json:"vpcId,omitempty"`
	// +optional
	PublicSubnetIDs []string `json:"publicSubnetIds,omitempty"`
	// +optional
	PrivateSubnetIDs []string `json:"privateSubnetIds,omitempty"`
	// +optional
	DatabaseSubnetIDs []string `json:"databaseSubnetIds,omitempty"`
	// SecurityGroupIDs by role: alb, nodes, database, cache.
	// +optional
	SecurityGroupIDs map[string]string `json:"securityGroupIds,omitempty"`
}
