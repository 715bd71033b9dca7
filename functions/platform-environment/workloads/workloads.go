// Package workloads renders the applications: per application a ConfigMap, ServiceAccount with its own
// role, Deployment, NodePort Service, HPA, PDB and TargetGroupBinding, and per-version migration Jobs
// that run before a rollout.
package workloads

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Input is what the applications need from the other in-cluster domains, joined by the environment.
type Input struct {
	// DatabaseReady is the condition that the applications' database role exists (checks.DatabaseReady):
	// migrations that take database-url wait for it.
	DatabaseReady compose.Cond
}

// Output is what the package renders and publishes.
type Output struct {
	compose.Result
	Outputs []v1alpha1.ApplicationStatus
	// Deployments are the Deployment manifests the spec asks for, in the applications' order, rendered or
	// not: the checks compare them with what runs (a new rollout is a new test run).
	Deployments []incluster.Deployment
}

// builder carries what every part of the package reads.
type builder struct {
	incluster.Builder
	in Input
}

// App, Probe: the resolved application, as the package's builders name it.
type (
	App   = incluster.App
	Probe = incluster.Probe
)

// Build renders every application's objects.
func Build(env *compose.Env, spec *incluster.Spec, in Input) Output {
	b := &builder{Builder: incluster.Builder{Env: env, Spec: spec}, in: in}
	var out Output
	for i := range spec.Apps {
		a := &spec.Apps[i]
		out.Merge(b.application(a))
		out.Deployments = append(out.Deployments, incluster.Deployment{App: a.Name, Manifest: b.deploymentManifest(a)})
	}
	out.Outputs = b.outputs()
	return out
}

// outputs are the applications' images, migrations and target group bindings, from observed state.
func (b *builder) outputs() []v1alpha1.ApplicationStatus {
	var o []v1alpha1.ApplicationStatus
	for i := range b.Spec.Apps {
		app := &b.Spec.Apps[i]
		st := v1alpha1.ApplicationStatus{Name: app.Name, Namespace: app.Namespace, Image: b.deployedImage(app)}
		if name, ok := b.migrationJob(app); ok {
			st.Migration, _ = b.JobPhase(name)
			if st.Migration == "" {
				st.Migration = "Pending"
			}
		}
		st.TargetGroupBound = b.Env.Observed.Ready(BindingObject(app.Name))
		o = append(o, st)
	}
	return o
}

// MigrationJob is the composition resource name of the migration Job of the application's spec version
// (ok is false without a migration).
func MigrationJob(env *compose.Env, spec *incluster.Spec, a *App) (string, bool) {
	return (&builder{Builder: incluster.Builder{Env: env, Spec: spec}}).migrationJob(a)
}

// DeploymentManifest is the application's Deployment manifest as the spec asks for it.
func DeploymentManifest(env *compose.Env, spec *incluster.Spec, a *App) map[string]any {
	return (&builder{Builder: incluster.Builder{Env: env, Spec: spec}}).deploymentManifest(a)
}
