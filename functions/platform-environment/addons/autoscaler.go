package addons

import (
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

const autoscalerServiceAccount = "cluster-autoscaler"

var autoscalerIdentity = incluster.Identity{
	Prefix: AutoscalerRelease, AWSPart: "cluster-autoscaler", Description: "Cluster Autoscaler",
	Namespace: incluster.SystemNamespace, SA: autoscalerServiceAccount,
}

// clusterAutoscaler renders the cluster autoscaler. It finds the node group's Auto Scaling group by the
// tags EKS puts on it (k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/<cluster>) and
// reads the group's minimum and maximum, which EKS keeps equal to the node group's scalingConfig: the
// spec's spec.cluster.nodeGroup minSize/maxSize bound the autoscaler without being repeated here, and the
// node group leaves desiredSize to it (initProvider). Its role may change the size of that cluster's groups
// only. The image follows the control plane's minor version, as the autoscaler requires.
func (b *builder) clusterAutoscaler() compose.Result {
	var res compose.Result
	cluster := b.Env.ClusterName()
	res.Merge(b.WorkloadIdentity(autoscalerIdentity, func() (compose.PolicyDocument, bool, string) {
		if _, ok := b.Account(); !ok {
			return compose.PolicyDocument{}, false, incluster.NeedAccount
		}
		return compose.Policy(
			compose.Statement{
				Sid:    "Discover",
				Effect: "Allow",
				Action: []string{
					"autoscaling:DescribeAutoScalingGroups",
					"autoscaling:DescribeAutoScalingInstances",
					"autoscaling:DescribeLaunchConfigurations",
					"autoscaling:DescribeScalingActivities",
					"autoscaling:DescribeTags",
					"ec2:DescribeImages",
					"ec2:DescribeInstanceTypes",
					"ec2:DescribeLaunchTemplateVersions",
					"ec2:GetInstanceTypesFromInstanceRequirements",
				},
				Resource: []string{"*"},
			},
			compose.Statement{
				Sid:      "DescribeNodeGroups",
				Effect:   "Allow",
				Action:   []string{"eks:DescribeNodegroup"},
				Resource: []string{b.ARN("eks", "nodegroup/"+cluster+"/*/*")},
			},
			compose.Statement{
				Sid:       "ScaleOwnGroups",
				Effect:    "Allow",
				Action:    []string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"},
				Resource:  []string{"*"},
				Condition: map[string]map[string]any{"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/" + cluster: "owned"}},
			},
		), true, ""
	}))
	tag, tagOK := b.autoscalerImage()
	conds := append(b.ReleaseConds(), compose.Needs(tagOK, "the control plane's Kubernetes version ("+compose.Cluster+")"), b.IdentityReady(autoscalerIdentity))
	if res.Gate(b.Env.Observed, AutoscalerRelease, conds...) {
		res.Add(b.Release(AutoscalerRelease, autoscalerChart, b.Spec.Addons.ClusterAutoscaler.Version, map[string]any{
			"cloudProvider": "aws",
			"awsRegion":     b.Env.Region,
			"autoDiscovery": map[string]any{"clusterName": cluster},
			"image":         map[string]any{"tag": tag},
			"rbac": map[string]any{
				"serviceAccount": map[string]any{"create": true, "name": autoscalerServiceAccount},
			},
			"extraArgs": map[string]any{
				"balance-similar-node-groups":   true,
				"skip-nodes-with-system-pods":   false,
				"skip-nodes-with-local-storage": false,
				"expander":                      "least-waste",
			},
			"containerSecurityContext": incluster.RestrictedContainer(),
		}))
	}
	return res
}

// autoscalerImage is the autoscaler release for the control plane's observed minor version; while the
// version is unknown the release is not rendered (an existing one stays as observed).
func (b *builder) autoscalerImage() (string, bool) {
	if v, ok := b.Env.Observed.String(compose.Cluster, "status.atProvider.version"); ok {
		parts := strings.SplitN(v, ".", 3)
		if len(parts) >= 2 {
			if tag, ok := autoscalerImages[parts[0]+"."+parts[1]]; ok {
				return tag, true
			}
		}
	}
	return "", false
}
