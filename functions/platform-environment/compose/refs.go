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
