package apps

import (
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// outputs reads the releases', applications' and tests' state from observed state. Nothing secret is
// read: Job outcomes and images only.
func (b *builder) outputs() *v1alpha1.ApplicationsOutputs {
	o := &v1alpha1.ApplicationsOutputs{}
	a := b.r.Addons
	for _, r := range []struct {
		name  string
		c     chart
		addon Addon
	}{
		{lbcRelease, lbcChart, a.LoadBalancerController},
		{metricsServerRelease, metricsServerChart, a.MetricsServer},
		{fluentBitRelease, fluentBitChart, a.FluentBit},
		{autoscalerRelease, autoscalerChart, a.ClusterAutoscaler},
		{esoRelease, externalSecretsChart, a.ExternalSecrets},
	} {
		if !r.addon.Enabled {
			continue
		}
		o.Addons = append(o.Addons, v1alpha1.AddonStatus{Name: r.c.Name, Repository: r.c.Repository, Version: r.addon.Version, Ready: b.env.Observed.Ready(r.name)})
	}
	for i := range b.r.Apps {
		app := &b.r.Apps[i]
		st := v1alpha1.ApplicationStatus{Name: app.Name, Namespace: app.Namespace, Image: b.deployedImage(app)}
		if name, ok := b.migrationJob(app); ok {
			st.Migration, _ = b.jobPhase(name)
			if st.Migration == "" {
				st.Migration = "Pending"
			}
		}
		st.TargetGroupBound = b.env.Observed.Ready(bindingObject(app.Name))
		o.Applications = append(o.Applications, st)
	}
	smoke, load, _ := b.testNames()
	o.SmokeTest = b.testRun(smokeTestPrefix, "smoke-test-", smoke)
	o.LoadTest = b.testRun(loadTestPrefix, "load-test-", load)
	return o
}

// testRun is the state of the current rollout's test Job (current), or, while it does not exist yet, of
// the one there is.
func (b *builder) testRun(prefix, jobPrefix, current string) *v1alpha1.TestRunStatus {
	n := ""
	if current != "" && b.env.Observed.Exists(current) {
		n = current
	} else {
		for _, o := range sortedKeys(b.env.Observed) {
			if strings.HasPrefix(o, prefix) && !strings.HasSuffix(o, "-script") {
				n = o
				break
			}
		}
	}
	if n == "" {
		return nil
	}
	phase, msg := b.jobPhase(n)
	job := jobPrefix + n[len(prefix):]
	if m, ok := b.observedManifest(n); ok {
		if md, ok := m["metadata"].(map[string]any); ok {
			if s, ok := md["name"].(string); ok {
				job = s
			}
		}
	}
	return &v1alpha1.TestRunStatus{Job: job, Phase: phase, Message: msg}
}
