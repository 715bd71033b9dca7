package incluster

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Readiness is how provider-kubernetes decides an Object's Ready condition.
type Readiness struct {
	policy   string
	celQuery string
}

var (
	// OnCreate: ready once the object exists in the cluster (kinds without a status worth waiting for).
	OnCreate = Readiness{policy: "SuccessfulCreate"}
	// FromObject: the object's own Ready condition (External Secrets kinds).
	FromObject = Readiness{policy: "DeriveFromObject"}
	// RolledOut: a Deployment whose latest generation is fully rolled out and available.
	RolledOut = Readiness{policy: "DeriveFromCelQuery", celQuery: "has(object.status.observedGeneration) && object.status.observedGeneration >= object.metadata.generation" +
		" && has(object.status.conditions)" +
		" && object.status.conditions.exists(c, c.type == 'Available' && c.status == 'True')" +
		" && object.status.conditions.exists(c, c.type == 'Progressing' && c.status == 'True' && c.reason == 'NewReplicaSetAvailable')"}
	// Completed: a Job that succeeded.
	Completed = Readiness{policy: "DeriveFromCelQuery", celQuery: "has(object.status.succeeded) && object.status.succeeded > 0"}
)

// Object renders a provider-kubernetes Object: the manifest, applied to the new cluster through the
// environment's ProviderConfig (named explicitly, never the default).
func (b Builder) Object(name string, manifest map[string]any, r Readiness) *compose.MR {
	rd := map[string]any{"policy": r.policy}
	if r.celQuery != "" {
		rd["celQuery"] = r.celQuery
	}
	return b.Env.New(name, ObjectAPI, "Object").Spec(map[string]any{
		"providerConfigRef": b.KubernetesConfigRef(),
		"forProvider":       map[string]any{"manifest": manifest},
		"readiness":         rd,
	})
}

// Manifest starts a Kubernetes object with the labels every object of the environment carries.
func Manifest(apiVersion, kind, namespace, name string, labels map[string]any) map[string]any {
	md := map[string]any{"name": name}
	if namespace != "" {
		md["namespace"] = namespace
	}
	l := map[string]any{"app.kubernetes.io/managed-by": "crossplane"}
	for k, v := range labels {
		l[k] = v
	}
	md["labels"] = l
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": md}
}

// ObservedManifest returns an Object's observed desired manifest (spec.forProvider.manifest).
func (b Builder) ObservedManifest(name string) (map[string]any, bool) {
	v, ok := b.Env.Observed.Value(name, "spec.forProvider.manifest")
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// Remote returns what the cluster reports for an Object (status.atProvider.manifest).
func (b Builder) Remote(name string) (map[string]any, bool) {
	v, ok := b.Env.Observed.Value(name, "status.atProvider.manifest")
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// JobPhase reads a Job's phase from the cluster's report: Succeeded, Failed, Running or Pending, and the
// failure's message.
func (b Builder) JobPhase(name string) (string, string) {
	job, ok := b.Remote(name)
	if !ok {
		if b.Env.Observed.Exists(name) {
			return "Pending", ""
		}
		return "", ""
	}
	st, _ := job["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["status"] != "True" {
			continue
		}
		switch m["type"] {
		case "Complete", "SuccessCriteriaMet":
			return "Succeeded", ""
		case "Failed", "FailureTarget":
			msg, _ := m["message"].(string)
			return "Failed", msg
		}
	}
	if n, _ := b.Env.Observed.Number(name, "status.atProvider.manifest.status.succeeded"); n > 0 {
		return "Succeeded", ""
	}
	if n, _ := b.Env.Observed.Number(name, "status.atProvider.manifest.status.active"); n > 0 {
		return "Running", ""
	}
	return "Pending", ""
}
