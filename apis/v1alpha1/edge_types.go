package v1alpha1

// EdgeSpec is the HTTPS entry of the environment: an internet-facing Application Load Balancer in the
// public subnets with an ACM certificate for spec.domain (apex, *.domain and api.domain, validated through
// Route 53), HTTP redirected to HTTPS, one target group per application with a route, and a WAF web ACL.
// The edge exists only when spec.domain is set: without a domain there is no certificate to serve HTTPS with.
type EdgeSpec struct {
	// SSLPolicy is the HTTPS listener's TLS policy. Only TLS 1.3 policies that refuse TLS 1.0 and 1.1 are
	// accepted (the seed's ELBSecurityPolicy-TLS-1-2-2017-01 has no TLS 1.3 and is superseded). The -Res-
	// and 1-3 policies are stricter (FSBP ELB.17), the PQ policies add hybrid post-quantum key exchange,
	// the FIPS policies use FIPS-validated cryptography.
	// +kubebuilder:validation:Enum=ELBSecurityPolicy-TLS13-1-2-2021-06;ELBSecurityPolicy-TLS13-1-2-Res-2021-06;ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06;ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06;ELBSecurityPolicy-TLS13-1-3-2021-06;ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04;ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04;ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04;ELBSecurityPolicy-TLS13-1-2-PQ-2025-09;ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09;ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09;ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09;ELBSecurityPolicy-TLS13-1-3-PQ-2025-09;ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09;ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09;ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09
	// +kubebuilder:default=ELBSecurityPolicy-TLS13-1-2-2021-06
	// +optional
	SSLPolicy string `json:"sslPolicy,omitempty"`

	// APIApplication names the application that serves every path of api.<domain> (a host-header rule
	// ahead of the path rules), so that https://api.<domain>/health reaches its health endpoint. Default:
	// the application whose route includes the path pattern /api/* (the seed's backend), if any.
	// +kubebuilder:validation:MaxLength=40
	// +optional
	APIApplication string `json:"apiApplication,omitempty"`

	// AccessLogRetentionDays keeps the load balancer's access logs in S3 this long (default: 365 prod,
	// 90 staging, 30 dev).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3653
	// +optional
	AccessLogRetentionDays *int32 `json:"accessLogRetentionDays,omitempty"`

	// WAF is the web ACL in front of the load balancer.
	// +kubebuilder:default={}
	// +optional
	WAF WAFSpec `json:"waf,omitempty"`
}

// WAFSpec configures the regional WAF web ACL associated with the load balancer: the AWS managed rule
// groups for common exploits (Core rule set), known bad inputs and Amazon IP reputation, and a per-IP
// rate limit. Every rule publishes CloudWatch metrics and sampled requests.
type WAFSpec struct {
	// Enabled turns the web ACL on (default true).
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// RateLimit is the most requests one client IP may send in any 5-minute window before it is blocked.
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=2000000000
	// +kubebuilder:default=2000
	// +optional
	RateLimit *int64 `json:"rateLimit,omitempty"`
}

// ResolvedEdge is the edge as the function resolved it. It is absent when spec.domain is not set.
type ResolvedEdge struct {
	SSLPolicy              string `json:"sslPolicy"`
	AccessLogRetentionDays int32  `json:"accessLogRetentionDays"`
	// APIApplication is the application api.<domain> is routed to; empty when none.
	// +optional
	APIApplication string `json:"apiApplication,omitempty"`
	WAF            bool   `json:"waf"`
	// +optional
	WAFRateLimit int64 `json:"wafRateLimit,omitempty"`
}

// EdgeOutputs are the edge's identifiers, filled once observed.
type EdgeOutputs struct {
	// LoadBalancerDNSName is the ALB's DNS name (the alias target of the domain's records).
	// +optional
	LoadBalancerDNSName string `json:"loadBalancerDnsName,omitempty"`
	// LoadBalancerARN of the ALB.
	// +optional
	LoadBalancerARN string `json:"loadBalancerArn,omitempty"`
	// CertificateARN of the ACM certificate.
	// +optional
	CertificateARN string `json:"certificateArn,omitempty"`
	// CertificateStatus is ACM's status of the certificate: PENDING_VALIDATION until the validation
	// records resolve (which needs the zone's delegation), then ISSUED.
	// +optional
	CertificateStatus string `json:"certificateStatus,omitempty"`
	// TargetGroupARNs by application name.
	// +optional
	TargetGroupARNs map[string]string `json:"targetGroupArns,omitempty"`
	// WebACLARN of the WAF web ACL.
	// +optional
	WebACLARN string `json:"webAclArn,omitempty"`
	// URL of the environment: https://<domain>.
	// +optional
	URL string `json:"url,omitempty"`
}
