package incluster

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Chart is a Helm chart an add-on installs, at the version it was tested with. spec.addons.<addon>.version
// overrides the version; the repository and namespace are fixed.
type Chart struct {
	// Name of the chart and of its release.
	Name string
	// Repository is the chart repository's URL.
	Repository string
	// Version is the default chart version.
	Version string
	// Namespace the release installs into.
	Namespace string
}

// releaseWaitTimeout bounds how long provider-helm waits for a release's workloads to become ready before
// it reports the release failed (and rolls it back, see rollbackLimit).
const releaseWaitTimeout = "10m"

// Release renders a provider-helm Release of the chart at the given version into the chart's namespace,
// through the environment's helm ProviderConfig (named explicitly, never the default). The release waits
// for its workloads, so Ready means running.
func (b Builder) Release(name string, c Chart, version string, values map[string]any) *compose.MR {
	return b.Env.New(name, ReleaseAPI, "Release").Spec(map[string]any{
		"providerConfigRef": b.HelmConfigRef(),
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

// ReleaseConds are what every release waits for: the helm ProviderConfig, and nodes to run on (a release
// that waits for its pods fails without them).
func (b Builder) ReleaseConds() []compose.Cond {
	return []compose.Cond{
		compose.Known(b.Env.Observed.Exists(HelmConfig), HelmConfig+" (the new cluster's ProviderConfig) to exist"),
		b.Env.Observed.ReadyCond(b.Env.NodeGroupName()),
	}
}

// RestrictedContainer are the container security settings of the add-ons' values where their charts take
// them: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.
func RestrictedContainer() map[string]any {
	return map[string]any{
		"allowPrivilegeEscalation": false,
		"readOnlyRootFilesystem":   true,
		"runAsNonRoot":             true,
		"capabilities":             map[string]any{"drop": []any{"ALL"}},
		"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
	}
}
