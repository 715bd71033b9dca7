package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// readiness is how provider-kubernetes decides an Object's Ready condition.
type readiness struct {
	policy   string
	celQuery string
}

var (
	// onCreate: ready once the object exists in the cluster (kinds without a status worth waiting for).
	onCreate = readiness{policy: "SuccessfulCreate"}
	// fromObject: the object's own Ready condition (External Secrets kinds).
	fromObject = readiness{policy: "DeriveFromObject"}
	// rolledOut: a Deployment whose latest generation is fully rolled out and available.
	rolledOut = readiness{policy: "DeriveFromCelQuery", celQuery: "has(object.status.observedGeneration) && object.status.observedGeneration >= object.metadata.generation" +
		" && has(object.status.conditions)" +
		" && object.status.conditions.exists(c, c.type == 'Available' && c.status == 'True')" +
		" && object.status.conditions.exists(c, c.type == 'Progressing' && c.status == 'True' && c.reason == 'NewReplicaSetAvailable')"}
	// completed: a Job that succeeded.
	completed = readiness{policy: "DeriveFromCelQuery", celQuery: "has(object.status.succeeded) && object.status.succeeded > 0"}
)

// object renders a provider-kubernetes Object: the manifest, applied to the new cluster through the
// environment's ProviderConfig (named explicitly, never the default).
func (b *builder) object(name string, manifest map[string]any, r readiness) *compose.MR {
	rd := map[string]any{"policy": r.policy}
	if r.celQuery != "" {
		rd["celQuery"] = r.celQuery
	}
	return b.env.New(name, objectAPI, "Object").Spec(map[string]any{
		"providerConfigRef": b.kubernetesConfigRef(),
		"forProvider":       map[string]any{"manifest": manifest},
		"readiness":         rd,
	})
}

// manifest starts a Kubernetes object with the labels every object of the environment carries.
func manifest(apiVersion, kind, namespace, name string, labels map[string]any) map[string]any {
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

// observedManifest returns an Object's observed desired manifest (spec.forProvider.manifest), e.g. to keep
// a Deployment at its running version while a migration runs.
func (b *builder) observedManifest(name string) (map[string]any, bool) {
	v, ok := b.env.Observed.Value(name, "spec.forProvider.manifest")
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// remote returns what the cluster reports for an Object (status.atProvider.manifest).
func (b *builder) remote(name string) (map[string]any, bool) {
	v, ok := b.env.Observed.Value(name, "status.atProvider.manifest")
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}
