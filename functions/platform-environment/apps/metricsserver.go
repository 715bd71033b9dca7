package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// metricsServer renders metrics-server, which feeds the HorizontalPodAutoscalers. It needs no AWS access.
func (b *builder) metricsServer() compose.Result {
	var res compose.Result
	if res.Gate(b.env.Observed, metricsServerRelease, b.releaseConds()...) {
		values := map[string]any{"replicas": b.replicas()}
		if b.replicas() > 1 {
			values["podDisruptionBudget"] = map[string]any{"enabled": true, "maxUnavailable": 1}
		}
		res.Add(b.release(metricsServerRelease, metricsServerChart, b.r.Addons.MetricsServer.Version, values))
	}
	return res
}
