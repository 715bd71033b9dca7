// Package addons renders the cluster add-ons as pinned Helm releases, each with its own IAM role bound
// through EKS Pod Identity where it calls AWS: AWS Load Balancer Controller, metrics-server,
// aws-for-fluent-bit, cluster-autoscaler and External Secrets Operator.
package addons

import (
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Composition resource names of the add-on releases; each add-on's workload identity uses the release's
// name as prefix (e.g. releases-lbc-role). The load balancer controller's and External Secrets' are in
// incluster (other domains wait for them).
const (
	MetricsServerRelease = "releases-metrics-server"
	FluentBitRelease     = "releases-fluent-bit"
	AutoscalerRelease    = "releases-autoscaler"
)

// Resolve applies the add-ons' defaults: every add-on is on unless switched off, at its chart's tested
// version unless one is given.
func Resolve(s v1alpha1.AddonsSpec) incluster.Addons {
	return incluster.Addons{
		LoadBalancerController: addon(s.LoadBalancerController, lbcChart),
		MetricsServer:          addon(s.MetricsServer, metricsServerChart),
		FluentBit:              addon(s.FluentBit, fluentBitChart),
		ClusterAutoscaler:      addon(s.ClusterAutoscaler, autoscalerChart),
		ExternalSecrets:        addon(s.ExternalSecrets, externalSecretsChart),
	}
}

func addon(s v1alpha1.AddonRelease, c incluster.Chart) incluster.Addon {
	a := incluster.Addon{Enabled: s.Enabled == nil || *s.Enabled, Version: s.Version}
	if a.Version == "" {
		a.Version = c.Version
	}
	a.Version = strings.TrimPrefix(a.Version, "v")
	return a
}

// Output is what the package renders and publishes.
type Output struct {
	compose.Result
	Outputs []v1alpha1.AddonStatus
}

// builder carries what every part of the package reads.
type builder struct{ incluster.Builder }

// Build renders the enabled add-ons. A disabled add-on renders nothing, so Assemble retires what it had.
func Build(env *compose.Env, spec *incluster.Spec) Output {
	b := &builder{incluster.Builder{Env: env, Spec: spec}}
	var out Output
	a := spec.Addons
	if a.LoadBalancerController.Enabled {
		out.Merge(b.loadBalancerController())
	}
	if a.MetricsServer.Enabled {
		out.Merge(b.metricsServer())
	}
	if a.FluentBit.Enabled {
		out.Merge(b.fluentBit())
	}
	if a.ClusterAutoscaler.Enabled {
		out.Merge(b.clusterAutoscaler())
	}
	if a.ExternalSecrets.Enabled {
		out.Merge(b.externalSecrets())
	}
	out.Outputs = b.outputs()
	return out
}

// outputs are the enabled add-ons' charts and readiness.
func (b *builder) outputs() []v1alpha1.AddonStatus {
	var o []v1alpha1.AddonStatus
	a := b.Spec.Addons
	for _, r := range []struct {
		name  string
		c     incluster.Chart
		addon incluster.Addon
	}{
		{incluster.LBCRelease, lbcChart, a.LoadBalancerController},
		{MetricsServerRelease, metricsServerChart, a.MetricsServer},
		{FluentBitRelease, fluentBitChart, a.FluentBit},
		{AutoscalerRelease, autoscalerChart, a.ClusterAutoscaler},
		{incluster.ESORelease, externalSecretsChart, a.ExternalSecrets},
	} {
		if !r.addon.Enabled {
			continue
		}
		o = append(o, v1alpha1.AddonStatus{Name: r.c.Name, Repository: r.c.Repository, Version: r.addon.Version, Ready: b.Env.Observed.Ready(r.name)})
	}
	return o
}

// releaseUsages keep what a running controller needs while its release is deleted (see incluster's
// deletion order: ControllerHolder).
func (b *builder) releaseUsages(release string, id incluster.Identity) compose.Result {
	return b.Usages(incluster.ControllerHolder, release, incluster.Holds{Identity: id})
}
