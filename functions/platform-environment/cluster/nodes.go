package cluster

import (
	"fmt"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// NodePolicies are the AWS managed policies of the nodes' role, by composition resource name suffix:
// the kubelet's EC2 reads and the Pod Identity agent's calls, image pulls from ECR (pull only, the
// narrower successor of ContainerRegistryReadOnly) and Session Manager instead of SSH (the seed's
// enableSsm). The VPC CNI's rights are not here: vpc-cni has its own role (see addons).
var NodePolicies = []struct{ Suffix, Policy string }{
	{"worker", "AmazonEKSWorkerNodePolicy"},
	{"ecr", "AmazonEC2ContainerRegistryPullOnly"},
	{"ssm", "AmazonSSMManagedInstanceCore"},
}

// nodes renders the nodes' role, their launch template and the managed node group (with the group it
// replaces, while a replacement is in progress: see nodegroups.go).
func nodes(env *compose.Env, r v1alpha1.ResolvedCluster, plan Plan, groups nodeGroupPlan) compose.Result {
	var res compose.Result
	res.Add(role(env, nodeRole, "eks-nodes", "EKS nodes", compose.AssumeRolePolicy("ec2.amazonaws.com")))
	for _, p := range NodePolicies {
		res.Add(attach(env, nodeRole+"-"+p.Suffix, nodeRole, p.Policy))
	}
	res.Merge(nodeLaunchTemplate(env, r.NodeGroup))
	res.Merge(nodeGroup(env, r, plan, groups))
	res.Merge(oldNodeGroups(env, groups))
	return res
}

// nodeLaunchTemplate renders the nodes' launch template: IMDSv2 only, an encrypted gp3 root volume and
// the security groups the nodes need. Setting security groups in a launch template replaces the one EKS
// would attach, so both are listed: the network's nodes group (NodePorts and HTTPS from the ALB, node
// to node, and the database and cache allow it) and the cluster security group EKS created (control
// plane ↔ nodes). The latter is known only from the observed cluster, so the template waits for it.
func nodeLaunchTemplate(env *compose.Env, ng v1alpha1.ResolvedNodeGroup) compose.Result {
	var res compose.Result
	nodesSG, nodesOK := env.Observed.ID(compose.SecurityGroupNodes)
	clusterSG, clusterOK := clusterSecurityGroupID(env)
	if !res.Gate(env.Observed, launchTemplate,
		compose.Known(nodesOK, "the nodes security group's ID ("+compose.SecurityGroupNodes+")"),
		compose.Known(clusterOK, "the cluster security group EKS creates ("+compose.Cluster+")")) {
		return res
	}
	fp := map[string]any{
		"name":                 env.AWSName(compose.RuleGeneric, "eks-nodes"),
		"description":          "EKS nodes of " + env.Namespace + "/" + env.Name,
		"updateDefaultVersion": true,
		"metadataOptions": map[string]any{
			"httpEndpoint":            "enabled",
			"httpTokens":              "required", // IMDSv2 only (FSBP EC2.8)
			"httpPutResponseHopLimit": ng.MetadataHopLimit,
			"instanceMetadataTags":    "disabled",
		},
		"blockDeviceMappings": []any{map[string]any{
			// The AL2023 EKS image's root device. EBS default keys (aws/ebs) encrypt it: a customer key
			// would need a key policy for the Auto Scaling service-linked role of the account.
			"deviceName": "/dev/xvda",
			"ebs": map[string]any{
				"volumeSize":          ng.DiskSizeGiB,
				"volumeType":          "gp3",
				"encrypted":           "true",
				"deleteOnTermination": "true",
			},
		}},
		// Instances and volumes carry the environment's tags too (the template's own tags do not
		// propagate).
		"tagSpecifications": []any{
			map[string]any{"resourceType": "instance", "tags": env.TagsFor(compose.Component(launchTemplate))},
			map[string]any{"resourceType": "volume", "tags": env.TagsFor(compose.Component(launchTemplate))},
		},
	}
	if nodesOK && clusterOK {
		fp["vpcSecurityGroupIds"] = []any{nodesSG, clusterSG}
	} else if ids, ok := env.Observed.Value(launchTemplate, "spec.forProvider.vpcSecurityGroupIds"); ok {
		fp["vpcSecurityGroupIds"] = ids // exists; keep what it has until both IDs are observed again
	}
	res.Add(env.NewAWS(launchTemplate, ec2API, "LaunchTemplate").ForProvider(fp))
	return res
}

// nodeGroup renders the managed node group the spec wants (groups.Current). It waits for the cluster,
// the launch template's ID and latest version (a new template version rolls the nodes) and the vpc-cni
// and kube-proxy add-ons (bootstrapSelfManagedAddons is off: without them nodes never become Ready).
func nodeGroup(env *compose.Env, r v1alpha1.ResolvedCluster, plan Plan, groups nodeGroupPlan) compose.Result {
	var res compose.Result
	name := groups.Current
	ltID, idOK := env.Observed.ID(launchTemplate)
	ltVersion, verOK := latestVersion(env)
	if !res.Gate(env.Observed, name,
		env.Observed.ReadyCond(compose.Cluster),
		compose.Known(idOK && verOK, "the launch template's ID and latest version ("+launchTemplate+")"),
		env.Observed.ReadyCond(addonName(AddonVPCCNI)),
		env.Observed.ReadyCond(addonName(AddonKubeProxy))) {
		return res
	}
	ng := r.NodeGroup
	types := make([]any, len(ng.InstanceTypes))
	for i, t := range ng.InstanceTypes {
		types[i] = t
	}
	fp := map[string]any{
		"clusterNameRef": env.Ref(compose.Cluster),
		"nodeRoleArnRef": env.Ref(nodeRole),
		"subnetIdRefs":   env.Refs(env.Subnets(compose.TierPrivate)...),
		"version":        plan.NodeGroup,
		"amiType":        ng.AMIType,
		"capacityType":   capacityType,
		"instanceTypes":  types,
		// desiredSize is set at creation only (initProvider below): the cluster autoscaler owns it.
		"scalingConfig": map[string]any{"minSize": ng.MinSize, "maxSize": ng.MaxSize},
		"updateConfig":  map[string]any{"maxUnavailablePercentage": ng.MaxUnavailablePercentage},
		// EKS replaces nodes that report unhealthy (kubelet, disk, network) instead of leaving them.
		"nodeRepairConfig": map[string]any{"enabled": true},
	}
	if idOK && verOK {
		fp["launchTemplate"] = map[string]any{"id": ltID, "version": ltVersion}
	} else if lt, ok := env.Observed.Value(name, "spec.forProvider.launchTemplate"); ok {
		fp["launchTemplate"] = lt // exists; keep the template it has until the template is observed again
	}
	if len(ng.Labels) > 0 {
		labels := make(map[string]any, len(ng.Labels))
		for k, v := range ng.Labels {
			labels[k] = v
		}
		fp["labels"] = labels
	}
	res.Add(env.NewAWS(name, eksAPI, "NodeGroup").
		ExternalName(generationAWSName(env, name)).
		ForProvider(fp).
		InitProvider(map[string]any{"scalingConfig": map[string]any{"desiredSize": initialDesiredSize(env, ng, groups)}}))
	if plan.NodeGroup != r.Version && observedVersion(env, compose.Cluster) != "" {
		res.Wait("nodes", fmt.Sprintf("the node group stays at %s until the control plane reaches %s", plan.NodeGroup, r.Version))
	}
	return res
}

// initialDesiredSize is the desired size a group is created with (initProvider: the autoscaler owns it
// afterwards): the spec's, or for a replacement at least what the groups it replaces run. A replacement
// that exists keeps the value it was created with while the replacement lasts, so the step does not
// change its spec.
func initialDesiredSize(env *compose.Env, ng v1alpha1.ResolvedNodeGroup, groups nodeGroupPlan) any {
	if !groups.replacing() {
		return ng.DesiredSize
	}
	if v, ok := env.Observed.Value(groups.Current, "spec.initProvider.scalingConfig.desiredSize"); ok {
		return v
	}
	return replacementDesiredSize(env, ng, groups.Old)
}

// latestVersion is the launch template's observed latest version, as the node group wants it (a string).
func latestVersion(env *compose.Env) (string, bool) {
	v, ok := env.Observed.Value(launchTemplate, "status.atProvider.latestVersion")
	if !ok {
		return "", false
	}
	switch n := v.(type) {
	case float64:
		return fmt.Sprintf("%d", int64(n)), n >= 1
	case int64:
		return fmt.Sprintf("%d", n), n >= 1
	case int:
		return fmt.Sprintf("%d", n), n >= 1
	case string:
		return n, n != ""
	}
	return "", false
}
