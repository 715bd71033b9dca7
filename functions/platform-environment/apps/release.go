package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// releaseWaitTimeout bounds how long provider-helm waits for a release's workloads to become ready before
// it reports the release failed (and rolls it back, see rollbackLimit).
const releaseWaitTimeout = "10m"

// release renders a provider-helm Release of the chart at the given version into the chart's namespace,
// through the environment's helm ProviderConfig (named explicitly, never the default). The release waits
// for its workloads, so Ready means running.
func (b *builder) release(name string, c chart, version string, values map[string]any) *compose.MR {
	return b.env.New(name, releaseAPI, "Release").Spec(map[string]any{
		"providerConfigRef": b.helmConfigRef(),
		"rollbackLimit":     3,
		"forProvider": map[string]any{
			"chart": map[string]any{
				"name":       c.Name,
				"repository": c.Repository,
				"version":    version,
			},
			"namespace":   c.Namespace,
			"values":      values,
			"wait":        true,
			"waitTimeout": releaseWaitTimeout,
			"maxHistory":  5,
		},
	})
}

// releaseConds are what every release waits for: the helm ProviderConfig, and nodes to run on (a release
// that waits for its pods fails without them).
func (b *builder) releaseConds() []compose.Cond {
	return []compose.Cond{
		compose.Known(b.env.Observed.Exists(helmConfig), helmConfig+" (the new cluster's ProviderConfig) to exist"),
		b.env.Observed.ReadyCond(b.env.NodeGroupName()),
	}
}
