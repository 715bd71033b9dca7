package cluster

import (
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Workload roles of the add-ons that call AWS.
const (
	vpcCNIRole    = "addons-vpc-cni-role"
	ebsCSIRole    = "addons-ebs-csi-role"
	ebsCSIAccount = "ebs-csi-controller-sa"
)

// addonName returns an add-on's composition resource name.
func addonName(addon string) string {
	switch addon {
	case AddonEBSCSIDriver:
		return "addons-ebs-csi"
	case AddonPodIdentityAgent:
		return compose.PodIdentityAgent
	default:
		return "addons-" + addon
	}
}

// addons renders the EKS add-ons and the roles of those that call AWS.
//
//   - vpc-cni and kube-proxy come before the nodes (the cluster is created without EKS's unmanaged
//     copies, and nodes are not Ready without them); vpc-cni assumes its own role through the cluster's
//     OIDC provider (IRSA) instead of the nodes' role, so pods cannot borrow its network rights.
//   - coredns and the Pod Identity agent need nodes to run on and wait for the node group.
//   - the EBS CSI driver gets its role through Pod Identity, so it also waits for the agent.
//
// Conflicts: OVERWRITE on create adopts whatever a previous install left; PRESERVE on update keeps
// settings made in the cluster when the version moves.
func addons(env *compose.Env, r v1alpha1.ResolvedCluster, plan Plan, nodeGroup string) compose.Result {
	var res compose.Result
	clusterReady := env.Observed.ReadyCond(compose.Cluster)
	nodesReady := env.Observed.ReadyCond(nodeGroup)

	// vpc-cni's role trusts the service account aws-node through the OIDC provider.
	// A role that exists keeps its trust (kept as observed) while the provider is re-observed.
	trust, trustOK := env.IRSATrustPolicy("kube-system", "aws-node")
	if res.Gate(env.Observed, vpcCNIRole, compose.Needs(trustOK, "the cluster's OIDC provider ("+compose.OIDCProvider+")")) {
		res.Add(addonRole(env, vpcCNIRole, "eks-vpc-cni", "Amazon VPC CNI (aws-node)", trust))
		res.Add(attach(env, vpcCNIRole+"-policy", vpcCNIRole, "AmazonEKS_CNI_Policy"))
	}

	if res.Gate(env.Observed, addonName(AddonVPCCNI), clusterReady, env.Observed.ReadyCond(vpcCNIRole)) {
		res.Add(addon(env, r, plan, AddonVPCCNI, map[string]any{"serviceAccountRoleArnRef": env.Ref(vpcCNIRole)}))
	}
	if res.Gate(env.Observed, addonName(AddonKubeProxy), clusterReady) {
		res.Add(addon(env, r, plan, AddonKubeProxy, nil))
	}
	if res.Gate(env.Observed, addonName(AddonCoreDNS), nodesReady) {
		res.Add(addon(env, r, plan, AddonCoreDNS, nil))
	}
	if res.Gate(env.Observed, addonName(AddonPodIdentityAgent), nodesReady) {
		res.Add(addon(env, r, plan, AddonPodIdentityAgent, nil))
	}

	// The EBS CSI driver's role trusts Pod Identity for this cluster only (aws:SourceAccount, aws:SourceArn);
	// a role that exists keeps its trust (kept as observed) while the account is re-observed.
	podTrust, podTrustOK := env.PodIdentityTrust()
	if res.Gate(env.Observed, ebsCSIRole, compose.Needs(podTrustOK, "the AWS account ID (read from observed ARNs) for its trust policy")) {
		res.Add(addonRole(env, ebsCSIRole, "eks-ebs-csi", "Amazon EBS CSI driver", podTrust))
	}
	res.Add(attach(env, ebsCSIRole+"-policy", ebsCSIRole, "service-role/AmazonEBSCSIDriverPolicy"))
	roleARN, roleOK := env.Observed.ARN(ebsCSIRole)
	if res.Gate(env.Observed, addonName(AddonEBSCSIDriver),
		nodesReady,
		env.Observed.ReadyCond(addonName(AddonPodIdentityAgent)),
		compose.Known(roleOK, "its role's ARN ("+ebsCSIRole+")")) {
		extra := map[string]any{}
		if roleOK {
			extra["podIdentityAssociation"] = []any{map[string]any{"roleArn": roleARN, "serviceAccount": ebsCSIAccount}}
		} else if pia, ok := env.Observed.Value(addonName(AddonEBSCSIDriver), "spec.forProvider.podIdentityAssociation"); ok {
			extra["podIdentityAssociation"] = pia
		}
		res.Add(addon(env, r, plan, AddonEBSCSIDriver, extra))
	}

	if !plan.AddonsAtTarget {
		res.Wait("addons", "add-on versions follow once the node group runs "+r.Version)
	}
	if moving := movingAddons(env, res); len(moving) > 0 {
		res.Upgrading("addons", "add-on versions "+strings.Join(moving, ", ")+" (Kubernetes "+plan.Addons+")")
	}
	return res
}

// movingAddons lists the existing add-ons rendered at a version other than the one they report running,
// "<add-on> <running> → <rendered>", in rendering order: the last step of a version upgrade (or a new pin)
// until the provider reports it done. Without that, Applied would be True in the pass that moves them, as the
// step before is observed done and the move itself not yet applied. An add-on that reports no version, or is
// rendered at EKS's default (no version), is not counted: there is nothing to compare.
func movingAddons(env *compose.Env, res compose.Result) []string {
	var moving []string
	for _, r := range res.Resources {
		if r.Object["kind"] != "Addon" {
			continue
		}
		running, ok := env.Observed.String(r.Name, "status.atProvider.addonVersion")
		rendered, _ := compose.Lookup(r.Object, "spec.forProvider.addonVersion").(string)
		if ok && running != "" && rendered != "" && rendered != running {
			moving = append(moving, r.Name+" "+running+" → "+rendered)
		}
	}
	return moving
}

// followsAnnotation records on an add-on the Kubernetes minor its version was last set for: the
// function's only memory of whether spec.cluster.version stepped since, which is when an unpinned add-on
// moves to the default versions' next entry (AddonVersion).
const followsAnnotation = "platform.cloudpartner.pro/addon-kubernetes-version"

// addon renders one EKS add-on at the version AddonVersion decides.
func addon(env *compose.Env, r v1alpha1.ResolvedCluster, plan Plan, name string, extra map[string]any) *compose.MR {
	n := addonName(name)
	observed, ok := env.Observed.String(n, "status.atProvider.addonVersion")
	if !ok {
		observed, _ = env.Observed.String(n, "spec.forProvider.addonVersion")
	}
	follows, _ := env.Observed.String(n, "metadata.annotations["+followsAnnotation+"]")
	if _, err := minor(follows); err != nil {
		follows = "" // not a record this function wrote: adopted as following the current minor
	}
	fp := map[string]any{
		"clusterNameRef":           env.Ref(compose.Cluster),
		"addonName":                name,
		"resolveConflictsOnCreate": "OVERWRITE",
		"resolveConflictsOnUpdate": "PRESERVE",
	}
	v, follows := AddonVersion(plan, AddonState{
		Pinned: r.AddonVersions[name], Observed: observed, Exists: env.Observed.Exists(n), Follows: follows,
	}, func(k8s string) string { return defaultAddonVersion(name, k8s) })
	if v != "" {
		fp["addonVersion"] = v
	}
	for k, v := range extra {
		fp[k] = v
	}
	return env.NewAWS(n, eksAPI, "Addon").Annotate(followsAnnotation, follows).ForProvider(fp)
}

// addonRole is an add-on's IAM role: its AWS name from suffix, its description naming the environment, its trust.
func addonRole(env *compose.Env, name, suffix, what string, trust any) *compose.MR {
	return env.NewAWS(name, iamAPI, "Role").
		ExternalName(env.AWSName(compose.RuleIAM, suffix)).
		ForProvider(map[string]any{
			"description":      what + " of " + env.Namespace + "/" + env.Name,
			"assumeRolePolicy": compose.MustJSON(trust),
		})
}
