package workloads

import (
	"strconv"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// scaling renders the application's HorizontalPodAutoscaler and PodDisruptionBudget.
func (b *builder) scaling(a *App) compose.Result {
	var res compose.Result
	base := []compose.Cond{b.InCluster(), b.NamespaceExists(a.Namespace)}
	if as := a.Autoscaling; as != nil && res.Gate(b.Env.Observed, HPAObject(a.Name), append(base, b.Env.Observed.ExistsCond(incluster.DeploymentObject(a.Name)))...) {
		metrics := []any{resourceMetric("cpu", as.CPU)}
		if as.Memory > 0 {
			metrics = append(metrics, resourceMetric("memory", as.Memory))
		}
		m := incluster.Manifest("autoscaling/v2", "HorizontalPodAutoscaler", a.Namespace, a.Name, b.labels(a))
		m["spec"] = map[string]any{
			"scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": a.Name},
			"minReplicas":    as.Min,
			"maxReplicas":    as.Max,
			"metrics":        metrics,
		}
		res.Add(b.Object(HPAObject(a.Name), m, incluster.OnCreate))
	}
	if d := a.Disruption; d != nil && res.Gate(b.Env.Observed, PDBObject(a.Name), base...) {
		spec := map[string]any{"selector": map[string]any{"matchLabels": selector(a)}}
		if d.MaxUnavailable != "" {
			spec["maxUnavailable"] = intOrPercent(d.MaxUnavailable)
		} else {
			spec["minAvailable"] = intOrPercent(d.MinAvailable)
		}
		m := incluster.Manifest("policy/v1", "PodDisruptionBudget", a.Namespace, a.Name, b.labels(a))
		m["spec"] = spec
		res.Add(b.Object(PDBObject(a.Name), m, incluster.OnCreate))
	}
	return res
}

func resourceMetric(name string, utilization int32) map[string]any {
	return map[string]any{
		"type": "Resource",
		"resource": map[string]any{
			"name":   name,
			"target": map[string]any{"type": "Utilization", "averageUtilization": utilization},
		},
	}
}

// intOrPercent is a count as a number or a percentage as a string, as Kubernetes' IntOrString wants.
func intOrPercent(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}
