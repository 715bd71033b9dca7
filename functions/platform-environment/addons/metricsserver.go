package addons

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// metricsServer renders metrics-server, which feeds the HorizontalPodAutoscalers. It needs no AWS access.
func (b *builder) metricsServer() compose.Result {
	var res compose.Result
	if res.Gate(b.Env.Observed, MetricsServerRelease, b.ReleaseConds()...) {
		values := map[string]any{"replicas": b.Replicas()}
		if b.Replicas() > 1 {
			values["podDisruptionBudget"] = map[string]any{"enabled": true, "maxUnavailable": 1}
		}
		res.Add(b.Release(MetricsServerRelease, metricsServerChart, b.Spec.Addons.MetricsServer.Version, values))
	}
	return res
}
