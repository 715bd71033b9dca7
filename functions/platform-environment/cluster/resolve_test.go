package cluster

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func i32(v int32) *int32 { return &v }

// noDefaultWarning is the warning for an unpinned add-on the table has no version of at a minor.
func noDefaultWarning(addon, minor, field string) string {
	return addon + ": this release has no default version for Kubernetes " + minor +
		", so a new add-on gets EKS's default and an existing one keeps its version; to choose one, set spec.cluster.addonVersions." + field
}

func TestResolve(t *testing.T) {
	cases := map[string]struct {
		reason  string
		profile string
		spec    func(s *v1alpha1.ClusterSpec)
		want    func(r *v1alpha1.ResolvedCluster)
	}{
		"Seed": {
			reason:  "The seed: 1.35, t3.medium, 2/3/10 nodes, 50 GiB, a year of control-plane logs.",
			profile: "prod",
			want:    func(*v1alpha1.ResolvedCluster) {},
		},
		"DevDefaults": {
			reason:  "dev is smaller: 1/2/3 nodes, 30 GiB disks, 30 days of logs; dev may leave the public endpoint off.",
			profile: "dev",
			spec:    func(s *v1alpha1.ClusterSpec) { s.EndpointPublicAccessCIDRs = nil; s.Version = "" },
			want: func(r *v1alpha1.ResolvedCluster) {
				r.EndpointPublicAccessCIDRs = nil
				r.NodeGroup.MinSize, r.NodeGroup.DesiredSize, r.NodeGroup.MaxSize, r.NodeGroup.DiskSizeGiB = 1, 2, 3, 30
				r.LogRetentionDays = 30
				r.SupportType = "STANDARD"
			},
		},
		"StagingDefaults": {
			reason:  "staging mirrors prod at a smaller size.",
			profile: "staging",
			want: func(r *v1alpha1.ResolvedCluster) {
				r.NodeGroup.MinSize, r.NodeGroup.DesiredSize, r.NodeGroup.MaxSize = 2, 2, 6
				r.LogRetentionDays = 90
				r.SupportType = "STANDARD"
			},
		},
		"SupportTypeSet": {
			reason:  "A prod environment may choose STANDARD (EKS upgrades it when standard support ends).",
			profile: "prod",
			spec:    func(s *v1alpha1.ClusterSpec) { s.UpgradePolicy = &v1alpha1.UpgradePolicySpec{SupportType: "STANDARD"} },
			want:    func(r *v1alpha1.ResolvedCluster) { r.SupportType = "STANDARD" },
		},
		"DesiredClampedToMax": {
			reason:  "Only maxSize set below the default desired size: the default desired size follows it.",
			profile: "prod",
			spec:    func(s *v1alpha1.ClusterSpec) { s.NodeGroup.MaxSize = i32(2) },
			want:    func(r *v1alpha1.ResolvedCluster) { r.NodeGroup.MaxSize, r.NodeGroup.DesiredSize = 2, 2 },
		},
		"Graviton": {
			reason:  "Graviton instance types get the ARM AL2023 image.",
			profile: "prod",
			spec:    func(s *v1alpha1.ClusterSpec) { s.NodeGroup.InstanceTypes = []string{"m7g.large", "c7gn.xlarge"} },
			want: func(r *v1alpha1.ResolvedCluster) {
				r.NodeGroup.InstanceTypes = []string{"m7g.large", "c7gn.xlarge"}
				r.NodeGroup.AMIType = "AL2023_ARM_64_STANDARD"
			},
		},
		"PinnedAddons": {
			reason:  "Pinned add-on versions are published by EKS add-on name.",
			profile: "prod",
			spec: func(s *v1alpha1.ClusterSpec) {
				s.AddonVersions = v1alpha1.AddonVersions{VPCCNI: "v1.20.4-eksbuild.2", EBSCSIDriver: "v1.48.0-eksbuild.1"}
			},
			want: func(r *v1alpha1.ResolvedCluster) {
				r.AddonVersions = map[string]string{AddonVPCCNI: "v1.20.4-eksbuild.2", AddonEBSCSIDriver: "v1.48.0-eksbuild.1"}
				delete(r.DefaultAddonVersions, AddonVPCCNI)
				delete(r.DefaultAddonVersions, AddonEBSCSIDriver)
			},
		},
		"PinnedAgent": {
			reason:  "A pin replaces the table, so a pinned add-on the table lacks draws no warning.",
			profile: "prod",
			spec:    func(s *v1alpha1.ClusterSpec) { s.AddonVersions.PodIdentityAgent = "v1.3.10-eksbuild.1" },
			want: func(r *v1alpha1.ResolvedCluster) {
				r.AddonVersions = map[string]string{AddonPodIdentityAgent: "v1.3.10-eksbuild.1"}
				r.AddonWarnings = nil
			},
		},
		"MinorTheTableLacks": {
			reason:  "1.36: the table knows kube-proxy and CoreDNS only; the warnings name the others and the field that pins each.",
			profile: "prod",
			spec:    func(s *v1alpha1.ClusterSpec) { s.Version = "1.36" },
			want: func(r *v1alpha1.ResolvedCluster) {
				r.Version = "1.36"
				r.DefaultAddonVersions = map[string]string{AddonKubeProxy: "v1.36.0-eksbuild.14", AddonCoreDNS: "v1.14.3-eksbuild.3"}
				r.AddonWarnings = []string{
					noDefaultWarning(AddonVPCCNI, "1.36", "vpcCni"),
					noDefaultWarning(AddonPodIdentityAgent, "1.36", "eksPodIdentityAgent"),
					noDefaultWarning(AddonEBSCSIDriver, "1.36", "awsEbsCsiDriver"),
				}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := seedSpec()
			spec.NodeGroup.Labels = map[string]string{"cloudpartner.pro/node-group": "main-nodes"}
			if tc.spec != nil {
				tc.spec(&spec)
			}
			env := ct.Env(tc.profile, nil)
			got, err := Resolve(spec, env)
			if err != nil {
				t.Fatalf("%s\nResolve: %v", tc.reason, err)
			}
			want := v1alpha1.ResolvedCluster{
				Name:                      env.ClusterName(),
				Version:                   "1.35",
				SupportType:               "EXTENDED",
				EndpointPublicAccessCIDRs: []string{"198.51.100.0/24", "203.0.113.10/32"},
				AdminPrincipalARNs:        []string{testAdmin},
				ProviderPrincipalARN:      testProvider,
				LogRetentionDays:          365,
				NodeGroup: v1alpha1.ResolvedNodeGroup{
					InstanceTypes: []string{"t3.medium"}, AMIType: "AL2023_x86_64_STANDARD",
					MinSize: 2, DesiredSize: 3, MaxSize: 10, DiskSizeGiB: 50, MetadataHopLimit: 1, MaxUnavailablePercentage: 33,
					Labels: map[string]string{"cloudpartner.pro/node-group": "main-nodes"},
				},
				DefaultAddonVersions: map[string]string{
					AddonVPCCNI: "v1.21.1-eksbuild.1", AddonKubeProxy: "v1.35.3-eksbuild.13", AddonCoreDNS: "v1.14.3-eksbuild.3",
					AddonEBSCSIDriver: "v1.57.1-eksbuild.1",
				},
				AddonWarnings: []string{noDefaultWarning(AddonPodIdentityAgent, "1.35", "eksPodIdentityAgent")},
			}
			tc.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s\nResolve (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func TestResolveRejects(t *testing.T) {
	cases := map[string]struct {
		reason  string
		profile string
		spec    func(s *v1alpha1.ClusterSpec)
		// field the error must start with, and a word of the problem.
		field, says string
	}{
		"MinAboveMax": {
			reason: "min > max.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.NodeGroup.MinSize, s.NodeGroup.MaxSize = i32(5), i32(3) },
			field: "spec.cluster.nodeGroup.minSize", says: "exceeds",
		},
		"DesiredAboveMax": {
			reason: "An explicit desired size outside the bounds is an error, not clamped.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.NodeGroup.DesiredSize = i32(11) },
			field: "spec.cluster.nodeGroup.desiredSize", says: "outside",
		},
		"ProdWithoutPublicCIDRs": {
			reason: "prod must name who reaches the public endpoint.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.EndpointPublicAccessCIDRs = nil },
			field: "spec.cluster.endpointPublicAccessCidrs", says: "prod",
		},
		"ProdOpenToTheInternet": {
			reason: "prod must not open the endpoint to 0.0.0.0/0.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.EndpointPublicAccessCIDRs = []string{"203.0.113.0/24", "0.0.0.0/0"} },
			field: "spec.cluster.endpointPublicAccessCidrs[1]", says: "whole internet",
		},
		"HostBits": {
			reason: "CIDRs with host bits are ambiguous.", profile: "dev",
			spec:  func(s *v1alpha1.ClusterSpec) { s.EndpointPublicAccessCIDRs = []string{"203.0.113.7/24"} },
			field: "spec.cluster.endpointPublicAccessCidrs[0]", says: "host bits",
		},
		"IPv6CIDR": {
			reason: "The public endpoint allow-list is IPv4.", profile: "dev",
			spec:  func(s *v1alpha1.ClusterSpec) { s.EndpointPublicAccessCIDRs = []string{"2001:db8::/32"} },
			field: "spec.cluster.endpointPublicAccessCidrs[0]", says: "IPv4",
		},
		"UnsupportedVersion": {
			reason: "The seed's 1.28 is out of support.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.Version = "1.28" },
			field: "spec.cluster.version", says: "supports",
		},
		"NoProviderPrincipal": {
			reason: "Without the provider's access entry nothing reaches the cluster.", profile: "dev",
			spec:  func(s *v1alpha1.ClusterSpec) { s.ProviderPrincipalARN = "" },
			field: "spec.cluster.providerPrincipalArn", says: "required",
		},
		"BadAdmin": {
			reason: "Admins are IAM roles or users.", profile: "prod",
			spec: func(s *v1alpha1.ClusterSpec) {
				s.AdminPrincipalARNs = []string{testAdmin, "arn:aws:sts::123456789012:assumed-role/x/y"}
			},
			field: "spec.cluster.adminPrincipalArns[1]", says: "not an IAM role",
		},
		"RepeatedAdmin": {
			reason: "Each admin once.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.AdminPrincipalARNs = []string{testAdmin, testAdmin} },
			field: "spec.cluster.adminPrincipalArns[1]", says: "twice",
		},
		"MixedArchitectures": {
			reason: "A node group has one AMI type.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.NodeGroup.InstanceTypes = []string{"t3.medium", "t4g.medium"} },
			field: "spec.cluster.nodeGroup.instanceTypes[1]", says: "architecture",
		},
		"ReservedLabel": {
			reason: "EKS rejects kubernetes.io labels on node groups.", profile: "prod",
			spec: func(s *v1alpha1.ClusterSpec) {
				s.NodeGroup.Labels = map[string]string{"node-role.kubernetes.io/worker": "x"}
			},
			field: `spec.cluster.nodeGroup.labels["node-role.kubernetes.io/worker"]`, says: "reserved",
		},
		"BadAddonVersion": {
			reason: "Add-on versions look like v1.2.3-eksbuild.N.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.AddonVersions.CoreDNS = "latest" },
			field: "spec.cluster.addonVersions.coredns", says: "not an EKS add-on version",
		},
		"TinyDisk": {
			reason: "The node image needs 20 GiB.", profile: "prod",
			spec:  func(s *v1alpha1.ClusterSpec) { s.NodeGroup.DiskSizeGiB = i32(8) },
			field: "spec.cluster.nodeGroup.diskSizeGiB", says: "smaller",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := seedSpec()
			tc.spec(&spec)
			_, err := Resolve(spec, ct.Env(tc.profile, nil))
			if err == nil {
				t.Fatalf("%s\nResolve: no error", tc.reason)
			}
			if !strings.HasPrefix(err.Error(), tc.field+": ") || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%s\nResolve: %q\nwant it to start with %q and say %q", tc.reason, err, tc.field, tc.says)
			}
		})
	}
}

func TestGraviton(t *testing.T) {
	for family, want := range map[string]bool{"t3": false, "m7g": true, "c7gn": true, "x2gd": true, "im4gn": true, "m5d": false, "g5": false, "inf2": false, "r8g": true} {
		if got := graviton(family); got != want {
			t.Errorf("graviton(%q) = %v, want %v", family, got, want)
		}
	}
}
