package network

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Block offsets of the computed tiers: the seed cuts public subnets from blocks 1-3, private from 11-13
// and database from 21-23 of its /16 in /24s. Gaps leave room to grow each tier without renumbering.
// Where the VPC holds too few blocks for these offsets (fewer than 21 + zones), the tiers are packed
// instead (see offsets); every layout that fit the fixed offsets keeps them, so no existing subnet moves.
const (
	publicOffset   = 1
	privateOffset  = 11
	databaseOffset = 21
	// tierSpan is how many zones a tier can hold before it would run into the next tier.
	tierSpan = 10
	// tierCount is the number of computed tiers: public, private, database.
	tierCount = 3
)

const defaultSubnetPrefix = 24

// Resolve applies the profile's defaults to the network spec and checks the layout: every subnet a valid
// IPv4 block inside the VPC, none overlapping another, one per zone and tier, zones in the region.
// The XRD rejects most of this at admission; the function checks again because not every path to it
// (crossplane render, an older XRD) validates.
func Resolve(spec v1alpha1.NetworkSpec, region, profile string) (v1alpha1.ResolvedNetwork, error) {
	r := v1alpha1.ResolvedNetwork{
		VPCCIDR:              spec.VPCCIDR,
		AvailabilityZones:    spec.AvailabilityZones,
		NATGateways:          spec.NATGateways,
		FlowLogRetentionDays: 0,
	}
	if r.VPCCIDR == "" {
		r.VPCCIDR = "10.0.0.0/16"
	}
	vpc, err := netip.ParsePrefix(r.VPCCIDR)
	if err != nil || !vpc.Addr().Is4() {
		return r, compose.Invalid("spec.network.vpcCidr", "use an IPv4 CIDR such as 10.0.0.0/16", "%q is not an IPv4 CIDR", r.VPCCIDR)
	}
	if vpc.Masked() != vpc {
		return r, compose.Invalid("spec.network.vpcCidr", fmt.Sprintf("use %s", vpc.Masked()), "%q has host bits set", r.VPCCIDR)
	}
	if vpc.Bits() < 16 || vpc.Bits() > 24 {
		return r, compose.Invalid("spec.network.vpcCidr", "use a prefix length from /16 to /24 (AWS VPC limits)", "/%d is outside AWS's VPC sizes", vpc.Bits())
	}

	if len(r.AvailabilityZones) == 0 {
		r.AvailabilityZones = []string{region + "a", region + "b", region + "c"}
	}
	if err := checkZones(r.AvailabilityZones, region); err != nil {
		return r, err
	}

	prefix := defaultSubnetPrefix
	if spec.SubnetPrefixLength != nil {
		prefix = int(*spec.SubnetPrefixLength)
	}
	n := len(r.AvailabilityZones)
	var offs [tierCount]int
	if len(spec.PublicSubnetCIDRs) == 0 || len(spec.PrivateSubnetCIDRs) == 0 || len(spec.DatabaseSubnetCIDRs) == 0 {
		if offs, err = offsets(vpc, prefix, n); err != nil {
			return r, err
		}
	}
	tiers := []struct {
		field    string
		explicit []string
		offset   int
		into     *[]string
	}{
		{"spec.network.publicSubnetCidrs", spec.PublicSubnetCIDRs, offs[0], &r.PublicSubnetCIDRs},
		{"spec.network.privateSubnetCidrs", spec.PrivateSubnetCIDRs, offs[1], &r.PrivateSubnetCIDRs},
		{"spec.network.databaseSubnetCidrs", spec.DatabaseSubnetCIDRs, offs[2], &r.DatabaseSubnetCIDRs},
	}
	type placed struct {
		field string
		p     netip.Prefix
	}
	var all []placed
	for _, t := range tiers {
		var cidrs []string
		if len(t.explicit) > 0 {
			if len(t.explicit) != n {
				return r, compose.Invalid(t.field, "list one CIDR per availability zone, in zone order", "has %d entries for %d zones", len(t.explicit), n)
			}
			cidrs = t.explicit
		} else {
			cidrs = cut(vpc, prefix, t.offset, n)
		}
		for i, c := range cidrs {
			field := fmt.Sprintf("%s[%d]", t.field, i)
			p, err := netip.ParsePrefix(c)
			if err != nil || !p.Addr().Is4() {
				return r, compose.Invalid(field, "use an IPv4 CIDR such as 10.0.1.0/24", "%q is not an IPv4 CIDR", c)
			}
			if p.Masked() != p {
				return r, compose.Invalid(field, fmt.Sprintf("use %s", p.Masked()), "%q has host bits set", c)
			}
			if p.Bits() > 28 {
				return r, compose.Invalid(field, "use /28 or larger (AWS's smallest subnet)", "%q is smaller than AWS allows", c)
			}
			if !vpc.Contains(p.Addr()) || p.Bits() < vpc.Bits() {
				return r, compose.Invalid(field, fmt.Sprintf("pick a block inside spec.network.vpcCidr %s", vpc), "%q does not fit in the VPC", c)
			}
			for _, o := range all {
				if o.p.Overlaps(p) {
					return r, compose.Invalid(field, "give every subnet its own block", "%q overlaps %s (%s)", c, o.field, o.p)
				}
			}
			all = append(all, placed{field, p})
		}
		*t.into = cidrs
	}

	if r.NATGateways == "" {
		r.NATGateways = "PerZone"
		if profile == "dev" {
			// One NAT gateway for all zones: dev trades zone-failure egress for a third of the cost.
			r.NATGateways = "Single"
		}
	}
	if spec.FlowLogRetentionDays != nil {
		r.FlowLogRetentionDays = *spec.FlowLogRetentionDays
	} else {
		r.FlowLogRetentionDays = map[string]int32{"dev": 30, "staging": 90}[profile]
		if r.FlowLogRetentionDays == 0 {
			r.FlowLogRetentionDays = 365
		}
	}
	return r, nil
}

// checkZones requires at least two distinct zones, all in the region.
func checkZones(zones []string, region string) error {
	const field = "spec.network.availabilityZones"
	if len(zones) < 2 {
		return compose.Invalid(field, "list at least two zones, e.g. "+region+"a and "+region+"b", "has %d zone(s); RDS Multi-AZ, EKS and the ALB need two or more", len(zones))
	}
	seen := map[string]bool{}
	for i, z := range zones {
		if !strings.HasPrefix(z, region) || len(z) != len(region)+1 || z[len(z)-1] < 'a' || z[len(z)-1] > 'z' {
			return compose.Invalid(fmt.Sprintf("%s[%d]", field, i), "use zones of spec.region, e.g. "+region+"a", "%q is not a zone of region %s", z, region)
		}
		if seen[z] {
			return compose.Invalid(fmt.Sprintf("%s[%d]", field, i), "list each zone once", "%q is listed twice", z)
		}
		seen[z] = true
	}
	return nil
}

// offsets returns the first block of each computed tier (public, private, database) for n zones of
// /prefix subnets in the VPC. The seed's fixed offsets 1, 11 and 21 are kept wherever they fit, because
// a subnet's CIDR can never change: every environment that rendered with them must render the same CIDRs.
// Where they do not fit (e.g. /20 subnets in a /16: 16 blocks), the VPC is split into three equal
// stretches and each tier starts at the beginning of its own, which keeps room to grow every tier and
// fits whenever three tiers of n blocks fit at all.
func offsets(vpc netip.Prefix, prefix, n int) ([tierCount]int, error) {
	const field = "spec.network.subnetPrefixLength"
	if prefix < vpc.Bits() {
		return [tierCount]int{}, compose.Invalid(field, "use a prefix length longer than the VPC's", "/%d subnets cannot be cut from a /%d VPC", prefix, vpc.Bits())
	}
	blocks := 1 << (prefix - vpc.Bits())
	if n <= tierSpan && blocks >= databaseOffset+n {
		return [tierCount]int{publicOffset, privateOffset, databaseOffset}, nil
	}
	if stride := blocks / tierCount; stride >= n {
		return [tierCount]int{0, stride, 2 * stride}, nil
	}
	return [tierCount]int{}, compose.Invalid(field, fixFor(vpc, n),
		"a /%d VPC holds %d /%d blocks but %d zones need %d (one subnet per zone in each of the public, private and database tiers)",
		vpc.Bits(), blocks, prefix, n, tierCount*n)
}

// fixFor names the changes that would make n zones fit: the longest prefix that does, a larger VPC
// only where one is possible (AWS's largest is a /16), and explicit subnets.
func fixFor(vpc netip.Prefix, n int) string {
	var fixes []string
	for p := vpc.Bits(); p <= 28; p++ {
		if 1<<(p-vpc.Bits()) >= tierCount*n {
			fixes = append(fixes, fmt.Sprintf("a spec.network.subnetPrefixLength of %d or more", p))
			break
		}
	}
	if vpc.Bits() > 16 {
		fixes = append(fixes, "a larger spec.network.vpcCidr (down to a /16)")
	}
	fixes = append(fixes, "fewer spec.network.availabilityZones", "the subnets listed explicitly")
	return "use " + strings.Join(fixes[:len(fixes)-1], ", ") + " or " + fixes[len(fixes)-1]
}

// cut returns n subnets of the given prefix length from the VPC, starting at block offset; offsets
// has checked that they fit.
func cut(vpc netip.Prefix, prefix, offset, n int) []string {
	base := vpc.Addr().As4()
	v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	size := uint32(1) << (32 - prefix)
	out := make([]string, n)
	for i := 0; i < n; i++ {
		a := v + uint32(offset+i)*size
		addr := netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		out[i] = netip.PrefixFrom(addr, prefix).String()
	}
	return out
}
