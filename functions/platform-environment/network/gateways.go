package network

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// natZones returns the zones that get a NAT gateway: all of them, or the first one when the spec asks
// for a single gateway.
func natZones(r v1alpha1.ResolvedNetwork) []string {
	if r.NATGateways == "Single" {
		return r.AvailabilityZones[:1]
	}
	return r.AvailabilityZones
}

// natGateway returns the name of the NAT gateway that serves a zone's private subnet.
func natGateway(r v1alpha1.ResolvedNetwork, zone string) string {
	if r.NATGateways == "Single" {
		zone = r.AvailabilityZones[0]
	}
	return natPrefix + compose.ZoneSuffix(zone)
}

// gateways renders one Elastic IP and NAT gateway per NAT zone, in the zone's public subnet. Neither is
// protected: they are billed by the hour and nothing that stays needs a way out (the database and cache
// subnets never route through them, the load balancer answers through the internet gateway). Deleting
// them frees their interfaces in the protected public subnets.
func gateways(env *compose.Env, r v1alpha1.ResolvedNetwork) compose.Result {
	var res compose.Result
	for _, zone := range natZones(r) {
		eip := eipPrefix + compose.ZoneSuffix(zone)
		res.Add(env.NewAWS(eip, ec2, "EIP").ForProvider(map[string]any{"domain": "vpc"}))
		res.Add(env.NewAWS(natGateway(r, zone), ec2, "NATGateway").ForProvider(map[string]any{
			"connectivityType": "public",
			"allocationIdRef":  env.Ref(eip),
			"subnetIdRef":      env.Ref(compose.Subnet(compose.TierPublic, zone)),
		}))
	}
	// Going from PerZone to Single leaves the other zones' gateways and addresses without a route: they
	// are billed by the hour for nothing, so they are retired (the private routes move to the first zone's
	// gateway in the same pass).
	res.Retire(natPrefix, eipPrefix)
	return res
}

// Composition resource name prefixes of the NAT gateways and their Elastic IPs.
const (
	natPrefix = "network-nat-"
	eipPrefix = "network-eip-"
)
