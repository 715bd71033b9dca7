package addons

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// lbcServiceAccount is the load balancer controller's service account.
const lbcServiceAccount = "aws-load-balancer-controller"

var lbcIdentity = incluster.Identity{
	Prefix: incluster.LBCRelease, AWSPart: "lbc", Description: "AWS Load Balancer Controller",
	Namespace: incluster.SystemNamespace, SA: lbcServiceAccount,
}

// loadBalancerController renders the AWS Load Balancer Controller with its published IAM policy. It
// binds the applications' NodePort Services to the environment's target groups (TargetGroupBinding); the
// load balancer itself is a composed resource. The controller is told the cluster, region and VPC instead
// of discovering them from instance metadata (the nodes allow one metadata hop only).
func (b *builder) loadBalancerController() compose.Result {
	var res compose.Result
	res.Merge(b.WorkloadIdentity(lbcIdentity, func() (compose.PolicyDocument, bool, string) {
		return loadBalancerControllerPolicy(b.Env.Partition()), true, ""
	}))
	vpcID, vpcOK := b.Env.Observed.ID(compose.VPC)
	conds := append(b.ReleaseConds(), compose.Needs(vpcOK && vpcID != "", "the VPC's ID ("+compose.VPC+")"), b.IdentityReady(lbcIdentity))
	if res.Gate(b.Env.Observed, incluster.LBCRelease, conds...) {
		res.Add(b.Release(incluster.LBCRelease, lbcChart, b.Spec.Addons.LoadBalancerController.Version, map[string]any{
			"clusterName":  b.Env.ClusterName(),
			"region":       b.Env.Region,
			"vpcId":        vpcID,
			"replicaCount": b.Replicas(),
			"serviceAccount": map[string]any{
				"create": true,
				"name":   lbcServiceAccount,
			},
			// Services of type LoadBalancer are not this environment's way in: keep the controller from
			// taking them over.
			"enableServiceMutatorWebhook": false,
			"securityContext":             incluster.RestrictedContainer(),
		}))
	}
	res.Merge(b.releaseUsages(incluster.LBCRelease, lbcIdentity))
	return res
}
