package compose

// Composition resource names that more than one domain uses. A domain refers to another domain's
// resources only through these names (by Ref, or by reading observed state), never by importing it.
const (
	VPC = "network-vpc"

	// Security groups of the four tiers.
	SecurityGroupALB      = "network-sg-alb"
	SecurityGroupNodes    = "network-sg-nodes"
	SecurityGroupDatabase = "network-sg-database"
	SecurityGroupCache    = "network-sg-cache"
)

// Subnet tiers.
const (
	TierPublic   = "public"
	TierPrivate  = "private"
	TierDatabase = "database"
)

// Subnet returns the composition resource name of the tier's subnet in a zone. Zones are named by their
// last letter (us-east-1a → a): zones are immutable, so names never shift.
func Subnet(tier, zone string) string { return "network-subnet-" + tier + "-" + ZoneSuffix(zone) }

// Subnets returns the tier's subnet names across the environment's zones.
func (e *Env) Subnets(tier string) []string {
	out := make([]string, len(e.Zones))
	for i, z := range e.Zones {
		out[i] = Subnet(tier, z)
	}
	return out
}

// ZoneSuffix returns the zone's letter (us-east-1a → a).
func ZoneSuffix(zone string) string {
	if zone == "" {
		return ""
	}
	return zone[len(zone)-1:]
}

// Resources of the cluster, data, edge and observability domains that other domains refer to.
const (
	// Cluster is the EKS cluster; ClusterAuth writes the kubeconfig connection secret (named after its
	// metadata.name, in the XR's namespace) that the in-cluster ProviderConfigs use.
	Cluster     = "cluster-eks"
	ClusterAuth = "cluster-auth"
	// NodeGroup is the managed node group.
	NodeGroup = "nodes-group"
	// Database is the RDS instance; CacheReplicationGroup the ElastiCache replication group.
	Database              = "database-instance"
	CacheReplicationGroup = "cache-replication-group"
	// LoadBalancer is the ALB; its HTTPS listener is LoadBalancerHTTPS.
	LoadBalancer      = "edge-lb"
	LoadBalancerHTTPS = "edge-listener-https"
	// AlarmTopic is the SNS topic alarms notify.
	AlarmTopic = "observability-alarm-topic"
	// ApplicationLogGroup receives the containers' logs from Fluent Bit.
	ApplicationLogGroup = "observability-logs-application"
)

// Resources of the edge and DNS domains that other domains read. They exist only when spec.domain is set:
// without a domain there is no certificate, so no HTTPS entry, no zone and no target groups.
const (
	// Certificate is the ACM certificate of the domain (apex, *.domain, api.domain); the dns domain reads
	// its observed domainValidationOptions to write the validation records.
	Certificate = "edge-certificate"
	// HostedZone is the Route 53 zone of spec.domain (created, or an existing one observed only). Records
	// of other domains (e.g. SES DKIM) refer to it with zoneIdRef.
	HostedZone = "dns-zone"
)

// TargetGroup returns the composition resource name of an application's ALB target group.
func TargetGroup(app string) string { return "edge-tg-" + app }

// ClusterName returns the EKS cluster's AWS name. Several domains need it (log group names, tags, the
// load balancer controller's values), so it is derived here, once.
func (e *Env) ClusterName() string { return e.AWSName(RuleEKS, "eks") }

// ApplicationLogGroupName is the log group Fluent Bit ships container logs to; the EKS control plane
// logs to /aws/eks/<cluster>/cluster (AWS's fixed name).
func (e *Env) ApplicationLogGroupName() string { return "/aws/eks/" + e.ClusterName() + "/application" }

// EmailIdentity returns the composition resource name of the SES domain identity in a region (the
// email domain sends from the primary region and, optionally, a fallback region).
func EmailIdentity(region string) string { return EmailRegionPrefix(region) + "identity" }

// EmailRegionPrefix starts the composition resource names of the email domain's resources in a region.
func EmailRegionPrefix(region string) string { return "email-" + region + "-" }
