package edge

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// targetGroups renders one target group per routed application: target type instance, because traffic
// enters the cluster through NodePort Services (the nodes' security group opens 30000-32767 to the load
// balancer) and the AWS Load Balancer Controller's TargetGroupBinding registers the nodes on the
// Service's NodePort. Health checks go to the traffic port, so they reach the pods the same way.
// Target groups of applications that lost their route are retired.
func targetGroups(env *compose.Env, routes []Route) compose.Result {
	var res compose.Result
	for _, r := range routes {
		res.Add(env.NewAWS(compose.TargetGroup(r.App), elbv2, "LBTargetGroup").ForProvider(map[string]any{
			"name":       env.AWSName(compose.RuleALB, "tg-"+r.App),
			"targetType": "instance",
			"protocol":   "HTTP",
			"port":       r.Port,
			"vpcIdRef":   env.Ref(compose.VPC),
			// Shorter than AWS's 300 s so a rollout is not held up, longer than a request takes.
			"deregistrationDelay": "30",
			"healthCheck": map[string]any{
				"enabled":            true,
				"protocol":           "HTTP",
				"port":               "traffic-port",
				"path":               r.HealthPath,
				"matcher":            "200-399",
				"interval":           15,
				"timeout":            5,
				"healthyThreshold":   2,
				"unhealthyThreshold": 3,
			},
		}))
	}
	res.Retire(compose.TargetGroup(""))
	return res
}
