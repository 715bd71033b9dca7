package apps

import (
	"strings"

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

// keep re-renders an existing resource exactly as observed (its kind and whole spec), for one whose
// current version cannot be computed right now (an endpoint or a policy AWS does not report at the
// moment): it stays as it is instead of being retired (apps retires whatever it does not render). The
// observed apiVersion and kind stand; an Object is assumed where they do not read.
func (b *builder) keep(name string) *compose.MR {
	apiVersion, ok1 := b.env.Observed.String(name, "apiVersion")
	kind, ok2 := b.env.Observed.String(name, "kind")
	if !ok1 || !ok2 {
		apiVersion, kind = objectAPI, "Object"
	}
	spec, _ := b.env.Observed.Value(name, "spec")
	m, _ := spec.(map[string]any)
	return b.env.New(name, apiVersion, kind).Spec(copyAny(m))
}

// keepPrefix keeps every observed Object whose composition resource name starts with prefix.
func (b *builder) keepPrefix(res *compose.Result, prefix string) {
	for _, n := range sortedKeys(b.env.Observed) {
		if strings.HasPrefix(n, prefix) {
			res.Add(b.keep(n))
		}
	}
}

func copyAny(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case map[string]any:
			out[k] = copyAny(t)
		case []any:
			s := make([]any, len(t))
			for i, x := range t {
				if mm, ok := x.(map[string]any); ok {
					s[i] = copyAny(mm)
				} else {
					s[i] = x
				}
			}
			out[k] = s
		default:
			out[k] = v
		}
	}
	return out
}
