package workloads

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// service renders the application's Service: NodePort, because the load balancer's target groups are of
// target type instance (the nodes' security group admits the NodePort range from the load balancer only).
func (b *builder) service(a *App) compose.Result {
	var res compose.Result
	if !res.Gate(b.Env.Observed, ServiceObject(a.Name), b.InCluster(), b.NamespaceExists(a.Namespace)) {
		return res
	}
	m := incluster.Manifest("v1", "Service", a.Namespace, a.Name, b.labels(a))
	m["spec"] = map[string]any{
		"type":     "NodePort",
		"selector": selector(a),
		"ports": []any{map[string]any{
			"name":       "http",
			"port":       a.Port,
			"targetPort": "http",
			"protocol":   "TCP",
		}},
	}
	res.Add(b.Object(ServiceObject(a.Name), m, incluster.OnCreate))
	return res
}

// binding renders the TargetGroupBinding that registers the nodes, on the Service's NodePort, in the
// application's target group (edge domain), once the target group reports its ARN and the load balancer
// controller runs. Usages keep the controller (whose finalizer deregisters the targets) and the target
// group until the binding is gone.
func (b *builder) binding(a *App) compose.Result {
	var res compose.Result
	name := BindingObject(a.Name)
	routed := a.Route != nil && b.Spec.Domain != "" && b.Spec.Addons.LoadBalancerController.Enabled
	if !routed {
		return res
	}
	tg := compose.TargetGroup(a.Name)
	arn, arnOK := b.Env.Observed.ARN(tg)
	if res.Gate(b.Env.Observed, name, b.InCluster(), b.NamespaceExists(a.Namespace), b.Env.Observed.ExistsCond(ServiceObject(a.Name)),
		compose.Needs(arnOK, "the target group's ARN ("+tg+")"), b.Env.Observed.ReadyCond(incluster.LBCRelease)) {
		m := incluster.Manifest("elbv2.k8s.aws/v1beta1", "TargetGroupBinding", a.Namespace, a.Name, b.labels(a))
		m["spec"] = map[string]any{
			"targetGroupARN": arn,
			"targetType":     "instance",
			"serviceRef":     map[string]any{"name": a.Name, "port": a.Port},
		}
		res.Add(b.Object(name, m, incluster.OnCreate))
	}
	res.Merge(b.Usages(incluster.BindingHolder, name, incluster.Holds{TargetGroup: tg}))
	return res
}
