package network

import (
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
		"LayoutNoFit":    {reason: "/24s of a /20 are 16 blocks; the layout needs 24.", spec: v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/20"}, wantErr: "spec.network.subnetPrefixLength"},
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
