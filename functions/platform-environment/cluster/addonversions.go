package cluster

import (
	"strconv"
	"strings"
)

// addonDefault is one row of the default add-on versions: the version an unpinned add-on is created at,
// and moves to when spec.cluster.version steps to Minor, with where the version was read and when.
type addonDefault struct {
	Addon, Minor, Version string
	// Source is the page or file the version was read from; Read is the day it was read.
	Source, Read string
}

// Where the versions come from, one source per add-on so that its rows agree with each other:
//   - kube-proxy and CoreDNS: AWS's tables ("the latest version of the Amazon EKS add-on type for each
//     Kubernetes version"), from the newest stored copy of each page (its Japanese edition), which lists
//     1.30 or 1.31 to 1.36;
//   - VPC CNI: AWS's table in the stored copies stops at 1.33 (v1.20.1-eksbuild.3), so the version map
//     awslabs/cdk-eks-blueprints keeps per Kubernetes version (1.26 to 1.35), whose versions are newer;
//   - the EBS CSI driver: no AWS table per Kubernetes version was found; the same cdk-eks-blueprints
//     commit's map;
//   - the Pod Identity agent: no AWS table either; one `aws eks describe-addon-versions` output for 1.34,
//     quoted in a cdk-eks-blueprints pull request (an AWS engineer wrote in aws/containers-roadmap#2684,
//     2025-11-24, that v1.3.10-eksbuild.1 became the default "in all regions", naming no Kubernetes
//     version, so it is not used).
//
// A minor no source lists is left out: the add-on is then unpinned (EKS's default) and
// status.resolved.cluster.addonWarnings names it.
const (
	srcCoreDNS   = "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md (CoreDNS versions table)"
	srcKubeProxy = "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md (kube-proxy versions table)"
	srcBlueprint = "https://github.com/awslabs/cdk-eks-blueprints/blob/0f89ff76dac7c6af6182fe08f79f088a80374c2b/lib/addons/"
	srcVPCCNI    = srcBlueprint + "vpc-cni/index.ts (versionMap)"
	srcEBSCSI    = srcBlueprint + "ebs-csi-driver/index.ts (versionMap)"
	srcAgent     = "https://github.com/awslabs/cdk-eks-blueprints/pull/1224 (2026-02-16: `aws eks describe-addon-versions --addon-name eks-pod-identity-agent --kubernetes-version 1.34`)"
	readOn       = "2026-12-01"
)

// addonDefaults are this release's default add-on versions per Kubernetes minor. A change here moves
// existing environments only at their next spec.cluster.version change (docs/release-notes.md); never
// below the version an add-on runs.
var addonDefaults = []addonDefault{
	{AddonVPCCNI, "1.32", "v1.20.4-eksbuild.2", srcVPCCNI, readOn},
	{AddonVPCCNI, "1.33", "v1.20.4-eksbuild.2", srcVPCCNI, readOn},
	{AddonVPCCNI, "1.34", "v1.20.4-eksbuild.2", srcVPCCNI, readOn},
	{AddonVPCCNI, "1.35", "v1.21.1-eksbuild.1", srcVPCCNI, readOn},

	{AddonKubeProxy, "1.32", "v1.32.13-eksbuild.16", srcKubeProxy, readOn},
	{AddonKubeProxy, "1.33", "v1.33.10-eksbuild.13", srcKubeProxy, readOn},
	{AddonKubeProxy, "1.34", "v1.34.6-eksbuild.13", srcKubeProxy, readOn},
	{AddonKubeProxy, "1.35", "v1.35.3-eksbuild.13", srcKubeProxy, readOn},
	{AddonKubeProxy, "1.36", "v1.36.0-eksbuild.14", srcKubeProxy, readOn},

	{AddonCoreDNS, "1.32", "v1.11.4-eksbuild.40", srcCoreDNS, readOn},
	{AddonCoreDNS, "1.33", "v1.12.4-eksbuild.18", srcCoreDNS, readOn},
	{AddonCoreDNS, "1.34", "v1.13.2-eksbuild.11", srcCoreDNS, readOn},
	{AddonCoreDNS, "1.35", "v1.14.3-eksbuild.3", srcCoreDNS, readOn},
	{AddonCoreDNS, "1.36", "v1.14.3-eksbuild.3", srcCoreDNS, readOn},

	{AddonPodIdentityAgent, "1.34", "v1.3.8-eksbuild.2", srcAgent, readOn},

	{AddonEBSCSIDriver, "1.32", "v1.56.0-eksbuild.1", srcEBSCSI, readOn},
	{AddonEBSCSIDriver, "1.33", "v1.56.0-eksbuild.1", srcEBSCSI, readOn},
	{AddonEBSCSIDriver, "1.34", "v1.56.0-eksbuild.1", srcEBSCSI, readOn},
	{AddonEBSCSIDriver, "1.35", "v1.57.1-eksbuild.1", srcEBSCSI, readOn},
}

// addonOrder is the order add-ons are installed in (and reported in).
var addonOrder = []string{AddonVPCCNI, AddonKubeProxy, AddonCoreDNS, AddonPodIdentityAgent, AddonEBSCSIDriver}

// defaultAddonVersion is the table's version of an add-on for a Kubernetes minor; empty when the table
// lacks the minor.
func defaultAddonVersion(addon, minor string) string {
	for _, d := range addonDefaults {
		if d.Addon == addon && d.Minor == minor {
			return d.Version
		}
	}
	return ""
}

// addonSemver is an EKS add-on version (v1.19.2-eksbuild.1) as numbers: major, minor, patch, build.
type addonSemver [4]int

// parseAddonVersion reads vMAJOR.MINOR.PATCH-eksbuild.N. EKS's add-on versions all have that form (the
// XRD's pattern on spec.cluster.addonVersions); anything else does not compare.
func parseAddonVersion(v string) (addonSemver, bool) {
	var out addonSemver
	rest, ok := strings.CutPrefix(v, "v")
	if !ok {
		return out, false
	}
	semver, build, ok := strings.Cut(rest, "-eksbuild.")
	if !ok {
		return out, false
	}
	parts := strings.Split(semver, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range append(parts, build) {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || (len(p) > 1 && p[0] == '0') {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

// compareAddonVersions orders two add-on versions: by semver, then by eksbuild number (v1.19.2-eksbuild.10
// is newer than v1.19.2-eksbuild.9, which string order gets wrong). ok is false when either does not parse.
func compareAddonVersions(a, b string) (cmp int, ok bool) {
	pa, okA := parseAddonVersion(a)
	pb, okB := parseAddonVersion(b)
	if !okA || !okB {
		return 0, false
	}
	for i := range pa {
		switch {
		case pa[i] < pb[i]:
			return -1, true
		case pa[i] > pb[i]:
			return 1, true
		}
	}
	return 0, true
}
