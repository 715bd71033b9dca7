package network

import (
	"maps"
	"slices"
	"strings"

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
	// are billed by the hour for nothing, so they are retired. Not in the pass that repoints the private
	// routes to the first zone's gateway, though: a gateway is kept (as observed) until no observed route
	// points at it, by reference or by its ID, so a private subnet never loses its way out while the
	// route moves. Its address goes with it.
	rendered := map[string]bool{}
	for _, zone := range natZones(r) {
		rendered[natPrefix+compose.ZoneSuffix(zone)] = true
	}
	for _, name := range slices.Sorted(maps.Keys(env.Observed)) {
		suffix, ok := strings.CutPrefix(name, natPrefix)
		if !ok {
			suffix, ok = strings.CutPrefix(name, eipPrefix)
		}
		if !ok || rendered[natPrefix+suffix] {
			continue
		}
		if nat := natPrefix + suffix; env.Observed.Exists(nat) && routedThrough(env, nat) {
			res.Wait(component, "keeping "+nat+" until no private route points at it")
			continue
		}
		res.Retire(name)
	}
	return res
}

// routedThrough reports whether an observed route points at the observed NAT gateway nat: its
// natGatewayIdRef names the gateway's managed resource, or its natGatewayId (resolved from the
// reference) is the gateway's ID. Both are read, because a route observed with its new reference still
// holds the old ID until the provider has resolved the reference again and updated the route.
func routedThrough(env *compose.Env, nat string) bool {
	mrName, _ := env.Observed.String(nat, "metadata.name")
	id, _ := env.Observed.ID(nat)
	for name := range env.Observed {
		if !strings.HasPrefix(name, routePrefix) {
			continue
		}
		if ref, ok := env.Observed.String(name, "spec.forProvider.natGatewayIdRef.name"); ok && ref != "" && ref == mrName {
			return true
		}
		if got, ok := env.Observed.String(name, "spec.forProvider.natGatewayId"); ok && got != "" && got == id {
			return true
		}
	}
	return false
}

// Composition resource name prefixes of the NAT gateways and their Elastic IPs.
const (
	natPrefix = "network-nat-"
	eipPrefix = "network-eip-"
	// routePrefix is the prefix of the routes (network-route-private-a-default, ...).
	routePrefix = "network-route-"
)
