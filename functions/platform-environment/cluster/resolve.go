package cluster

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// SupportedVersions are the Kubernetes minor versions EKS runs (standard or extended support) that this
// function accepts, oldest first. Keep in step with the XRD's enum on spec.cluster.version.
var SupportedVersions = []string{"1.32", "1.33", "1.34", "1.35", "1.36"}

// DefaultVersion is in EKS standard support until 27 March 2027 (1.34's ends on 2 December 2026).
const DefaultVersion = "1.35"

// Add-on names as EKS knows them, in the order they are installed.
const (
	AddonVPCCNI           = "vpc-cni"
	AddonKubeProxy        = "kube-proxy"
	AddonCoreDNS          = "coredns"
	AddonPodIdentityAgent = "eks-pod-identity-agent"
	AddonEBSCSIDriver     = "aws-ebs-csi-driver"
)

// sizes are a profile's node group defaults.
type sizes struct{ min, desired, max, disk int32 }

var profileSizes = map[string]sizes{
	"prod":    {min: 2, desired: 3, max: 10, disk: 50}, // the seed's
	"staging": {min: 2, desired: 2, max: 6, disk: 50},
	"dev":     {min: 1, desired: 2, max: 3, disk: 30},
}

var profileLogRetention = map[string]int32{"prod": 365, "staging": 90, "dev": 30}

// profileSupportType is the upgrade policy's default support type. prod: EXTENDED, so that EKS never
// upgrades a production control plane on its own schedule (extended support costs about six times the
// control-plane price, only for as long as the version is behind). staging and dev: STANDARD, the cheap
// one; EKS upgrades them when standard support ends, and the function follows (see PlanVersions).
var profileSupportType = map[string]string{"prod": "EXTENDED", "staging": "STANDARD", "dev": "STANDARD"}

var (
	principalRE    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$`)
	instanceTypeRE = regexp.MustCompile(`^([a-z][a-z0-9-]*[0-9][a-z0-9-]*)\.([a-z0-9]+)$`)
	addonVersionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
	// Kubernetes label keys: an optional DNS-subdomain prefix and a name of 63 characters at most.
	labelNameRE  = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$`)
	labelValueRE = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$`)
)

// Resolve applies the profile's defaults to the cluster spec and checks what the XRD cannot: the rules
// that depend on the profile (prod needs a restricted public endpoint) and on several fields at once. It
// checks the XRD's rules again, because not every path to the function (crossplane render, an older
// XRD) validates.
func Resolve(spec v1alpha1.ClusterSpec, env *compose.Env) (v1alpha1.ResolvedCluster, error) {
	r := v1alpha1.ResolvedCluster{
		Name:                 env.ClusterName(),
		Version:              spec.Version,
		ProviderPrincipalARN: spec.ProviderPrincipalARN,
	}
	if r.Version == "" {
		r.Version = DefaultVersion
	}
	if !supported(r.Version) {
		return r, compose.Invalid("spec.cluster.version", "use one of "+strings.Join(SupportedVersions, ", "),
			"%q is not a Kubernetes version EKS supports", r.Version)
	}

	r.SupportType = profileSupportType[env.Profile]
	if spec.UpgradePolicy != nil && spec.UpgradePolicy.SupportType != "" {
		r.SupportType = spec.UpgradePolicy.SupportType
	}
	if r.SupportType != "STANDARD" && r.SupportType != "EXTENDED" {
		return r, compose.Invalid("spec.cluster.upgradePolicy.supportType", "use STANDARD or EXTENDED", "%q is not an EKS support type", r.SupportType)
	}

	cidrs, err := publicCIDRs(spec.EndpointPublicAccessCIDRs, env.Profile)
	if err != nil {
		return r, err
	}
	r.EndpointPublicAccessCIDRs = cidrs

	if r.ProviderPrincipalARN == "" {
		return r, compose.Invalid("spec.cluster.providerPrincipalArn",
			"set the ARN of the IAM role provider-aws runs as, e.g. arn:aws:iam::123456789012:role/crossplane-provider-aws",
			"is required: without an access entry for it, the kubeconfig the provider writes cannot reach the cluster")
	}
	if !principalRE.MatchString(r.ProviderPrincipalARN) {
		return r, compose.Invalid("spec.cluster.providerPrincipalArn", "use an IAM role or user ARN such as arn:aws:iam::123456789012:role/name",
			"%q is not an IAM role or user ARN", r.ProviderPrincipalARN)
	}
	seen := map[string]bool{}
	for i, a := range spec.AdminPrincipalARNs {
		field := fmt.Sprintf("spec.cluster.adminPrincipalArns[%d]", i)
		if !principalRE.MatchString(a) {
			return r, compose.Invalid(field, "use an IAM role or user ARN such as arn:aws:iam::123456789012:role/name", "%q is not an IAM role or user ARN", a)
		}
		if seen[a] {
			return r, compose.Invalid(field, "list each principal once", "%q is listed twice", a)
		}
		seen[a] = true
		r.AdminPrincipalARNs = append(r.AdminPrincipalARNs, a)
	}

	r.LogRetentionDays = profileLogRetention[env.Profile]
	if spec.LogRetentionDays != nil {
		r.LogRetentionDays = *spec.LogRetentionDays
	}

	ng, err := resolveNodeGroup(spec.NodeGroup, env.Profile)
	if err != nil {
		return r, err
	}
	r.NodeGroup = ng

	pins := []struct{ field, addon, version string }{
		{"vpcCni", AddonVPCCNI, spec.AddonVersions.VPCCNI},
		{"kubeProxy", AddonKubeProxy, spec.AddonVersions.KubeProxy},
		{"coredns", AddonCoreDNS, spec.AddonVersions.CoreDNS},
		{"eksPodIdentityAgent", AddonPodIdentityAgent, spec.AddonVersions.PodIdentityAgent},
		{"awsEbsCsiDriver", AddonEBSCSIDriver, spec.AddonVersions.EBSCSIDriver},
	}
	for _, p := range pins {
		if p.version == "" {
			continue
		}
		if !addonVersionRE.MatchString(p.version) {
			return r, compose.Invalid("spec.cluster.addonVersions."+p.field, "use an EKS add-on version such as v1.20.4-eksbuild.2 (aws eks describe-addon-versions)",
				"%q is not an EKS add-on version", p.version)
		}
		if r.AddonVersions == nil {
			r.AddonVersions = map[string]string{}
		}
		r.AddonVersions[p.addon] = p.version
	}
	for _, p := range pins {
		if p.version != "" {
			continue
		}
		if v := defaultAddonVersion(p.addon, r.Version); v != "" {
			if r.DefaultAddonVersions == nil {
				r.DefaultAddonVersions = map[string]string{}
			}
			r.DefaultAddonVersions[p.addon] = v
			continue
		}
		r.AddonWarnings = append(r.AddonWarnings, fmt.Sprintf(
			"%s: this release has no default version for Kubernetes %s, so a new add-on gets EKS's default and an existing one keeps its version; to choose one, set spec.cluster.addonVersions.%s",
			p.addon, r.Version, p.field))
	}
	return r, nil
}

func supported(v string) bool {
	for _, s := range SupportedVersions {
		if s == v {
			return true
		}
	}
	return false
}

// publicCIDRs checks the public endpoint's allow-list. The prod profile must name who may reach the
// public endpoint, and "everyone" is not an answer. (Security Hub's EKS.1 fails any public endpoint, listed
// CIDRs or not; docs/security.md lists it as an exception.)
func publicCIDRs(cidrs []string, profile string) ([]string, error) {
	const field = "spec.cluster.endpointPublicAccessCidrs"
	if profile == "prod" && len(cidrs) == 0 {
		return nil, compose.Invalid(field,
			"list the egress CIDRs of the control plane that runs Crossplane and of the operators, e.g. [203.0.113.10/32]",
			"is required for the prod profile: the applications are deployed through the public endpoint, which must be restricted")
	}
	var out []string
	for i, c := range cidrs {
		f := fmt.Sprintf("%s[%d]", field, i)
		p, err := netip.ParsePrefix(c)
		if err != nil || !p.Addr().Is4() {
			return nil, compose.Invalid(f, "use an IPv4 CIDR such as 203.0.113.0/24", "%q is not an IPv4 CIDR", c)
		}
		if p.Masked() != p {
			return nil, compose.Invalid(f, "use "+p.Masked().String(), "%q has host bits set", c)
		}
		if p.Bits() == 0 && profile == "prod" {
			return nil, compose.Invalid(f, "list only the CIDRs that need the API, e.g. 203.0.113.10/32",
				"%q opens the public endpoint to the whole internet, which the prod profile does not allow", c)
		}
		out = append(out, c)
	}
	return out, nil
}

// resolveNodeGroup fills the profile's sizes and checks min ≤ desired ≤ max. A desired size the spec
// leaves out is clamped into the spec's bounds, so that setting only maxSize: 2 works.
func resolveNodeGroup(spec v1alpha1.NodeGroupSpec, profile string) (v1alpha1.ResolvedNodeGroup, error) {
	const field = "spec.cluster.nodeGroup"
	d := profileSizes[profile]
	r := v1alpha1.ResolvedNodeGroup{
		InstanceTypes:            spec.InstanceTypes,
		MinSize:                  pick(spec.MinSize, d.min),
		MaxSize:                  pick(spec.MaxSize, d.max),
		DesiredSize:              pick(spec.DesiredSize, d.desired),
		DiskSizeGiB:              pick(spec.DiskSizeGiB, d.disk),
		MetadataHopLimit:         pick(spec.MetadataHopLimit, 1),
		MaxUnavailablePercentage: pick(spec.MaxUnavailablePercentage, 33),
		Labels:                   spec.Labels,
	}
	if len(r.InstanceTypes) == 0 {
		r.InstanceTypes = []string{"t3.medium"}
	}
	if r.MaxSize < 1 {
		return r, compose.Invalid(field+".maxSize", "use 1 or more", "%d leaves the cluster without nodes", r.MaxSize)
	}
	if r.MinSize > r.MaxSize {
		return r, compose.Invalid(field+".minSize", fmt.Sprintf("lower minSize or raise maxSize (now %d)", r.MaxSize),
			"%d exceeds spec.cluster.nodeGroup.maxSize %d", r.MinSize, r.MaxSize)
	}
	if spec.DesiredSize == nil {
		r.DesiredSize = max(r.MinSize, min(r.DesiredSize, r.MaxSize))
	}
	if r.DesiredSize < r.MinSize || r.DesiredSize > r.MaxSize {
		return r, compose.Invalid(field+".desiredSize", fmt.Sprintf("use a value from minSize %d to maxSize %d", r.MinSize, r.MaxSize),
			"%d is outside the node group's bounds", r.DesiredSize)
	}
	if r.DiskSizeGiB < 20 {
		return r, compose.Invalid(field+".diskSizeGiB", "use 20 or more", "%d GiB is smaller than the AL2023 node image", r.DiskSizeGiB)
	}
	if r.MetadataHopLimit < 1 || r.MetadataHopLimit > 2 {
		return r, compose.Invalid(field+".metadataHopLimit", "use 1 (recommended) or 2", "%d is not a hop limit this function allows", r.MetadataHopLimit)
	}
	ami, err := amiType(r.InstanceTypes)
	if err != nil {
		return r, err
	}
	r.AMIType = ami
	keys := make([]string, 0, len(r.Labels))
	for k := range r.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := checkLabel(k, r.Labels[k]); err != nil {
			return r, err
		}
	}
	return r, nil
}

func pick(v *int32, def int32) int32 {
	if v != nil {
		return *v
	}
	return def
}

// amiType picks the AL2023 image for the instance types' CPU architecture. AWS's Graviton families carry
// a "g" after the generation digit (m7g, c7gn, t4g); a node group cannot mix architectures.
func amiType(types []string) (string, error) {
	const field = "spec.cluster.nodeGroup.instanceTypes"
	arch := ""
	for i, t := range types {
		m := instanceTypeRE.FindStringSubmatch(t)
		if m == nil {
			return "", compose.Invalid(fmt.Sprintf("%s[%d]", field, i), "use an EC2 instance type such as t3.medium", "%q is not an instance type", t)
		}
		a := "x86_64"
		if graviton(m[1]) {
			a = "arm64"
		}
		if arch != "" && a != arch {
			return "", compose.Invalid(fmt.Sprintf("%s[%d]", field, i), "use instance types of one CPU architecture",
				"%q is %s but %q is %s", t, a, types[0], arch)
		}
		arch = a
	}
	if arch == "arm64" {
		return "AL2023_ARM_64_STANDARD", nil
	}
	return "AL2023_x86_64_STANDARD", nil
}

// graviton reports whether an instance family (m7g, c6gd, t4g, x2gd, im4gn) is an AWS Graviton one:
// after the first generation digit, the attributes contain a "g".
func graviton(family string) bool {
	i := strings.IndexAny(family, "0123456789")
	if i < 0 {
		return false
	}
	j := i
	for j < len(family) && family[j] >= '0' && family[j] <= '9' {
		j++
	}
	return strings.Contains(family[j:], "g")
}

// checkLabel checks a Kubernetes label key and value.
func checkLabel(k, v string) error {
	field := "spec.cluster.nodeGroup.labels[" + strconv.Quote(k) + "]"
	name := k
	if i := strings.LastIndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if len(prefix) == 0 || len(prefix) > 253 || !regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`).MatchString(prefix) {
			return compose.Invalid(field, "use a DNS subdomain as the key's prefix, e.g. example.com/role", "the key's prefix %q is not a DNS subdomain", prefix)
		}
		if prefix == "kubernetes.io" || strings.HasSuffix(prefix, ".kubernetes.io") || prefix == "k8s.io" || strings.HasSuffix(prefix, ".k8s.io") {
			return compose.Invalid(field, "use your own prefix", "the prefix %q is reserved for Kubernetes (and EKS rejects it on node groups)", prefix)
		}
	}
	if !labelNameRE.MatchString(name) {
		return compose.Invalid(field, "use up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit", "%q is not a label name", name)
	}
	if !labelValueRE.MatchString(v) {
		return compose.Invalid(field, "use up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit", "%q is not a label value", v)
	}
	return nil
}
