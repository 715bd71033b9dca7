package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Composition resource names of the add-on releases; each add-on's workload identity uses the release's
// name as prefix (e.g. releases-lbc-role).
const (
	lbcRelease           = "releases-lbc"
	metricsServerRelease = "releases-metrics-server"
	fluentBitRelease     = "releases-fluent-bit"
	autoscalerRelease    = "releases-autoscaler"
	esoRelease           = "releases-external-secrets"
)

// addons renders the enabled add-ons. A disabled add-on renders nothing, so Build retires what it had.
func (b *builder) addons() compose.Result {
	var res compose.Result
	a := b.r.Addons
	if a.LoadBalancerController.Enabled {
		res.Merge(b.loadBalancerController())
	}
	if a.MetricsServer.Enabled {
		res.Merge(b.metricsServer())
	}
	if a.FluentBit.Enabled {
		res.Merge(b.fluentBit())
	}
	if a.ClusterAutoscaler.Enabled {
		res.Merge(b.clusterAutoscaler())
	}
	if a.ExternalSecrets.Enabled {
		res.Merge(b.externalSecrets())
	}
	return res
}

// releaseUsages keep what a running controller needs while its release is deleted: its IAM role, policy
// and Pod Identity association, and nodes to run on (a controller with finalizers to process, like the load
// balancer controller's TargetGroupBindings, must still be running).
func (b *builder) releaseUsages(release string, id identity) compose.Result {
	var res compose.Result
	for _, n := range id.names() {
		res.Merge(b.usage(release+"-uses-"+n[len(id.prefix)+1:], n, release))
	}
	res.Merge(b.usage(release+"-uses-nodes", b.env.NodeGroupName(), release))
	return res
}

// podSecurity are the pod and container security settings of the add-ons' values where their charts take
// them: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.
func restrictedContainer() map[string]any {
	return map[string]any{
		"allowPrivilegeEscalation": false,
		"readOnlyRootFilesystem":   true,
		"runAsNonRoot":             true,
		"capabilities":             map[string]any{"drop": []any{"ALL"}},
		"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
	}
}

// replicas is how many controller replicas a profile runs: two outside dev, so one node's loss or a
// drain does not stop the controller.
func (b *builder) replicas() int {
	if b.env.Profile == "dev" {
		return 1
	}
	return 2
}
