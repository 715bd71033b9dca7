package network

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/ptr"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

func TestResolve(t *testing.T) {
	seed := v1alpha1.ResolvedNetwork{
		VPCCIDR:              "10.0.0.0/16",
		AvailabilityZones:    []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		PublicSubnetCIDRs:    []string{"10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"},
		PrivateSubnetCIDRs:   []string{"10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"},
		DatabaseSubnetCIDRs:  []string{"10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"},
		NATGateways:          "PerZone",
		FlowLogRetentionDays: 365,
	}
	cases := map[string]struct {
		reason  string
		spec    v1alpha1.NetworkSpec
		profile string
		want    v1alpha1.ResolvedNetwork
		wantErr string // the field path the error must start with
	}{
		"SeedFromDefaults": {
			reason:  "An empty spec in us-east-1 resolves to exactly the seed's layout.",
			profile: "prod",
			want:    seed,
		},
		"SeedExplicit": {
			reason:  "The seed's explicit subnets are taken as they are.",
			profile: "prod",
			spec: v1alpha1.NetworkSpec{
				VPCCIDR:             "10.0.0.0/16",
				AvailabilityZones:   seed.AvailabilityZones,
				PublicSubnetCIDRs:   seed.PublicSubnetCIDRs,
				PrivateSubnetCIDRs:  seed.PrivateSubnetCIDRs,
				DatabaseSubnetCIDRs: seed.DatabaseSubnetCIDRs,
			},
			want: seed,
		},
		"DevProfile": {
			reason:  "dev gets one NAT gateway and 30 days of flow logs; two zones cut two subnets per tier.",
			profile: "dev",
			spec:    v1alpha1.NetworkSpec{VPCCIDR: "10.20.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"}},
			want: v1alpha1.ResolvedNetwork{
				VPCCIDR:              "10.20.0.0/16",
				AvailabilityZones:    []string{"us-east-1a", "us-east-1b"},
				PublicSubnetCIDRs:    []string{"10.20.1.0/24", "10.20.2.0/24"},
				PrivateSubnetCIDRs:   []string{"10.20.11.0/24", "10.20.12.0/24"},
				DatabaseSubnetCIDRs:  []string{"10.20.21.0/24", "10.20.22.0/24"},
				NATGateways:          "Single",
				FlowLogRetentionDays: 30,
			},
		},
		"SmallVPCLongerPrefix": {
			reason:  "A /20 VPC fits the layout in /25 subnets.",
			profile: "staging",
			spec:    v1alpha1.NetworkSpec{VPCCIDR: "172.16.16.0/20", SubnetPrefixLength: ptr.To[int32](25)},
			want: v1alpha1.ResolvedNetwork{
				VPCCIDR:              "172.16.16.0/20",
				AvailabilityZones:    []string{"us-east-1a", "us-east-1b", "us-east-1c"},
				PublicSubnetCIDRs:    []string{"172.16.16.128/25", "172.16.17.0/25", "172.16.17.128/25"},
				PrivateSubnetCIDRs:   []string{"172.16.21.128/25", "172.16.22.0/25", "172.16.22.128/25"},
				DatabaseSubnetCIDRs:  []string{"172.16.26.128/25", "172.16.27.0/25", "172.16.27.128/25"},
				NATGateways:          "PerZone",
				FlowLogRetentionDays: 90,
			},
		},
		"MalformedVPC":   {reason: "Not a CIDR.", spec: v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/33"}, wantErr: "spec.network.vpcCidr"},
		"HostBits":       {reason: "Host bits set.", spec: v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.1/16"}, wantErr: "spec.network.vpcCidr"},
		"VPCTooLarge":    {reason: "AWS VPCs are /16 to /28.", spec: v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/8"}, wantErr: "spec.network.vpcCidr"},
		"LayoutNoFit":    {reason: "/24s of a /22 are 4 blocks; three zones need 9.", spec: v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/22"}, wantErr: "spec.network.subnetPrefixLength"},
		"OneZone":        {reason: "Multi-AZ needs two zones.", spec: v1alpha1.NetworkSpec{AvailabilityZones: []string{"us-east-1a"}}, wantErr: "spec.network.availabilityZones"},
		"ZoneElsewhere":  {reason: "Zones must be the region's.", spec: v1alpha1.NetworkSpec{AvailabilityZones: []string{"us-east-1a", "eu-west-1b"}}, wantErr: "spec.network.availabilityZones[1]"},
		"ZoneTwice":      {reason: "Zones are distinct.", spec: v1alpha1.NetworkSpec{AvailabilityZones: []string{"us-east-1a", "us-east-1a"}}, wantErr: "spec.network.availabilityZones[1]"},
		"SubnetOutside":  {reason: "Subnets live in the VPC.", spec: v1alpha1.NetworkSpec{PublicSubnetCIDRs: []string{"10.0.1.0/24", "10.0.2.0/24", "10.1.3.0/24"}}, wantErr: "spec.network.publicSubnetCidrs[2]"},
		"SubnetsOverlap": {reason: "A private subnet on a public one.", spec: v1alpha1.NetworkSpec{PrivateSubnetCIDRs: []string{"10.0.1.0/25", "10.0.12.0/24", "10.0.13.0/24"}}, wantErr: "spec.network.privateSubnetCidrs[0]"},
		"CountMismatch":  {reason: "One subnet per zone.", spec: v1alpha1.NetworkSpec{DatabaseSubnetCIDRs: []string{"10.0.21.0/24"}}, wantErr: "spec.network.databaseSubnetCidrs"},
		"SubnetTooSmall": {reason: "AWS subnets are /28 at the smallest.", spec: v1alpha1.NetworkSpec{PublicSubnetCIDRs: []string{"10.0.1.0/29", "10.0.2.0/24", "10.0.3.0/24"}}, wantErr: "spec.network.publicSubnetCidrs[0]"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Resolve(tc.spec, "us-east-1", tc.profile)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr+":") {
					t.Fatalf("%s\nResolve error = %v, want one naming %s", tc.reason, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s\nResolve: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// legacyLayout is the layout before packing (as of 5ae2d66): tiers at the fixed blocks 1, 11 and 21,
// refused when the VPC had fewer than 21 + zones blocks. It is the reference that packing must not move.
func legacyLayout(vpc string, prefix, zones int) (public, private, database []string, ok bool) {
	p := netip.MustParsePrefix(vpc)
	if prefix < p.Bits() || 1<<(prefix-p.Bits()) < 21+zones {
		return nil, nil, nil, false
	}
	tier := func(offset int) []string {
		var out []string
		base := p.Addr().As4()
		v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
		for i := 0; i < zones; i++ {
			a := v + uint32(offset+i)<<(32-prefix)
			out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), prefix).String())
		}
		return out
	}
	return tier(1), tier(11), tier(21), true
}

// TestLayoutUnchangedWhereItFit walks every VPC size AWS allows (/16-/24), every prefix length the API
// admits (/17-/28) and 2-6 zones: wherever the fixed offsets rendered before, the CIDRs are the same
// (a subnet's CIDR can never change, so packing must not touch a running environment); wherever three
// tiers fit at all, the layout now renders, with every subnet inside the VPC and none overlapping.
func TestLayoutUnchangedWhereItFit(t *testing.T) {
	zoneNames := []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}
	var kept, packed, refused int
	for bits := 16; bits <= 24; bits++ {
		vpc := netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), bits).String()
		for prefix := 17; prefix <= 28; prefix++ {
			for zones := 2; zones <= 6; zones++ {
				spec := v1alpha1.NetworkSpec{VPCCIDR: vpc, AvailabilityZones: zoneNames[:zones], SubnetPrefixLength: ptr.To(int32(prefix))}
				got, err := Resolve(spec, "us-east-1", "prod")
				pub, priv, db, ok := legacyLayout(vpc, prefix, zones)
				fits := prefix >= bits && 1<<(prefix-bits) >= 3*zones
				switch {
				case ok:
					kept++
					if err != nil {
						t.Errorf("%s /%d %d zones rendered before; now: %v", vpc, prefix, zones, err)
						continue
					}
					if diff := cmp.Diff([][]string{pub, priv, db}, [][]string{got.PublicSubnetCIDRs, got.PrivateSubnetCIDRs, got.DatabaseSubnetCIDRs}); diff != "" {
						t.Errorf("%s /%d %d zones: the CIDRs moved (-before +now):\n%s", vpc, prefix, zones, diff)
					}
				case fits:
					packed++
					if err != nil {
						t.Errorf("%s /%d %d zones fits three tiers but is refused: %v", vpc, prefix, zones, err)
					}
				default:
					refused++
					if err == nil || !strings.HasPrefix(err.Error(), "spec.network.subnetPrefixLength:") {
						t.Errorf("%s /%d %d zones cannot fit; error = %v, want one naming spec.network.subnetPrefixLength", vpc, prefix, zones, err)
					}
				}
			}
		}
	}
	t.Logf("%d layouts kept, %d packed, %d refused", kept, packed, refused)
}

func TestPackedLayout(t *testing.T) {
	cases := map[string]struct {
		reason            string
		vpc               string
		prefix            int32
		zones             []string
		pub, priv, db     []string
		wantErrContains   []string
		wantErrNotContain string
	}{
		"Slash20InSlash16ThreeZones": {
			reason: "/20 subnets in a /16 over three zones are 9 of 16 blocks: the tiers start at blocks 0, 5 and 10.",
			vpc:    "10.0.0.0/16", prefix: 20, zones: []string{"us-east-1a", "us-east-1b", "us-east-1c"},
			pub:  []string{"10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"},
			priv: []string{"10.0.80.0/20", "10.0.96.0/20", "10.0.112.0/20"},
			db:   []string{"10.0.160.0/20", "10.0.176.0/20", "10.0.192.0/20"},
		},
		"Slash16TooFew": {
			reason: "/19 subnets in a /16 are 8 blocks; three zones need 9. A /16 is AWS's largest VPC, so the message must not suggest a larger one.",
			vpc:    "10.0.0.0/16", prefix: 19, zones: []string{"us-east-1a", "us-east-1b", "us-east-1c"},
			wantErrContains:   []string{"holds 8 /19 blocks but 3 zones need 9", "subnetPrefixLength of 20 or more"},
			wantErrNotContain: "vpcCidr",
		},
		"Slash24Smallest": {
			reason: "A /24 VPC cannot hold three tiers of six /28s (18 of 16 blocks): no prefix fits, a larger VPC does.",
			vpc:    "10.0.0.0/24", prefix: 28, zones: []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"},
			wantErrContains:   []string{"holds 16 /28 blocks but 6 zones need 18", "a larger spec.network.vpcCidr (down to a /16)"},
			wantErrNotContain: "subnetPrefixLength of",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Resolve(v1alpha1.NetworkSpec{VPCCIDR: tc.vpc, AvailabilityZones: tc.zones, SubnetPrefixLength: ptr.To(tc.prefix)}, "us-east-1", "prod")
			if len(tc.wantErrContains) > 0 {
				if err == nil {
					t.Fatalf("%s\nResolve succeeded, want an error", tc.reason)
				}
				for _, w := range tc.wantErrContains {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s\nerror %q does not say %q", tc.reason, err, w)
					}
				}
				if strings.Contains(err.Error(), tc.wantErrNotContain) {
					t.Errorf("%s\nerror %q says %q", tc.reason, err, tc.wantErrNotContain)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s\nResolve: %v", tc.reason, err)
			}
			if diff := cmp.Diff([][]string{tc.pub, tc.priv, tc.db}, [][]string{got.PublicSubnetCIDRs, got.PrivateSubnetCIDRs, got.DatabaseSubnetCIDRs}); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
