package edge

import (
	"maps"
	"slices"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// targetGroups renders one target group per routed application: target type instance, because traffic
// enters the cluster through NodePort Services (the nodes' security group opens 30000-32767 to the load
// balancer) and the AWS Load Balancer Controller's TargetGroupBinding registers the nodes on the
// Service's NodePort. Health checks go to the traffic port, so they reach the pods the same way.
// Target groups of applications that lost their route are retired once nothing forwards to them.
//
// Of the fields that force a new target group (name, port, protocol, targetType, vpcId), only port and
// name come from the spec. The name follows the application's name, which is the target group's
// composition resource name too: a renamed application is a new target group anyway. The port is
// decoupled (see targetGroupPort). healthCheck.path follows spec.applications[].route.healthCheckPath and is
// updated in place (health_check forces nothing).
func targetGroups(env *compose.Env, routes []Route) compose.Result {
	var res compose.Result
	for _, r := range routes {
		name := compose.TargetGroup(r.App)
		res.Add(env.NewAWS(name, elbv2, "LBTargetGroup").ForProvider(map[string]any{
			"name":       env.AWSName(compose.RuleALB, "tg-"+r.App),
			"targetType": "instance",
			"protocol":   "HTTP",
			"port":       targetGroupPort(env, name, r.Port),
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
	// A target group whose application lost its route (removed, renamed, or no longer the default) is
	// retired once no observed listener or listener rule forwards to it: not in the pass that repoints the
	// listener's default action or retires the rules, which would delete the target behind a live action
	// (AWS refuses to delete a target group in use, and the listener would lose its target meanwhile).
	rendered := map[string]bool{}
	for _, r := range routes {
		rendered[compose.TargetGroup(r.App)] = true
	}
	for _, name := range slices.Sorted(maps.Keys(env.Observed)) {
		if !strings.HasPrefix(name, compose.TargetGroup("")) || rendered[name] {
			continue
		}
		if by := forwardedBy(env, name); by != "" {
			res.Wait(component, "keeping "+name+" until "+by+" no longer forwards to it")
			continue
		}
		res.Retire(name)
	}
	return res
}

// forwardedBy returns the observed listener or listener rule that forwards to the observed target group
// tg, or "". A forward names the target group by reference (targetGroupArnRef, the managed resource's
// name) or by ARN (targetGroupArn, resolved from the reference, in spec or in status; or a weighted
// forward's targetGroup[].arn): any of them, anywhere in the listener's or rule's observed object, counts,
// because a repointed action keeps the old ARN until the provider has resolved the new reference.
func forwardedBy(env *compose.Env, tg string) string {
	mrName, _ := env.Observed.String(tg, "metadata.name")
	arn, _ := env.Observed.ARN(tg)
	for _, name := range slices.Sorted(maps.Keys(env.Observed)) {
		obj := env.Observed[name]
		if kind, _ := obj["kind"].(string); kind != "LBListener" && kind != "LBListenerRule" {
			continue
		}
		if refersTo(obj["spec"], mrName, arn) || refersTo(obj["status"], mrName, arn) {
			return name
		}
	}
	return ""
}

// refersTo reports whether v holds the ARN as a string value or a targetGroupArnRef naming mrName.
func refersTo(v any, mrName, arn string) bool {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["targetGroupArnRef"].(map[string]any); ok && mrName != "" && ref["name"] == mrName {
			return true
		}
		for _, e := range v {
			if refersTo(e, mrName, arn) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if refersTo(e, mrName, arn) {
				return true
			}
		}
	case string:
		return arn != "" && v == arn
	}
	return false
}

// targetGroupPort is the port of an instance target group. AWS cannot change it (Terraform's port is
// ForceNew: upjet would refuse the update and leave the managed resource Synced=False), and it does
// nothing here: the load balancer controller's TargetGroupBinding registers each node on the Service's
// NodePort, and the health check goes to "traffic-port", the port each target was registered on. So a
// target group keeps the port it was created with, read from observed state, and an edit of
// spec.applications[].port reaches the Service and the Deployment only. A new target group takes the
// application's port at creation, which is what every existing environment's target groups carry, so
// they see no change.
func targetGroupPort(env *compose.Env, name string, port int32) int32 {
	for _, path := range []string{"status.atProvider.port", "spec.forProvider.port"} {
		if p, ok := env.Observed.Int32(name, path); ok && p > 0 {
			return p
		}
	}
	return port
}
