package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// lbcServiceAccount is the load balancer controller's service account.
const lbcServiceAccount = "aws-load-balancer-controller"

var lbcIdentity = identity{
	prefix: lbcRelease, awsPart: "lbc", description: "AWS Load Balancer Controller",
	namespace: SystemNamespace, sa: lbcServiceAccount,
}

// loadBalancerController renders the AWS Load Balancer Controller with its published IAM policy. It
// binds the applications' NodePort Services to the environment's target groups (TargetGroupBinding); the
// load balancer itself is a composed resource. The controller is told the cluster, region and VPC instead
// of discovering them from instance metadata (the nodes allow one metadata hop only).
func (b *builder) loadBalancerController() compose.Result {
	var res compose.Result
	res.Merge(b.workloadIdentity(lbcIdentity, func() (compose.PolicyDocument, bool, string) {
		return loadBalancerControllerPolicy(b.env.Partition()), true, ""
	}))
	vpcID, vpcOK := b.env.Observed.ID(compose.VPC)
	conds := append(b.releaseConds(), compose.Needs(vpcOK && vpcID != "", "the VPC's ID ("+compose.VPC+")"), b.identityReady(lbcIdentity))
	if res.Gate(b.env.Observed, lbcRelease, conds...) {
		res.Add(b.release(lbcRelease, lbcChart, b.r.Addons.LoadBalancerController.Version, map[string]any{
			"clusterName":  b.env.ClusterName(),
			"region":       b.env.Region,
			"vpcId":        vpcID,
			"replicaCount": b.replicas(),
			"serviceAccount": map[string]any{
				"create": true,
				"name":   lbcServiceAccount,
			},
			// Services of type LoadBalancer are not this environment's way in: keep the controller from
			// taking them over.
			"enableServiceMutatorWebhook": false,
			"securityContext":             restrictedContainer(),
		}))
	}
	res.Merge(b.releaseUsages(lbcRelease, lbcIdentity))
	return res
}
