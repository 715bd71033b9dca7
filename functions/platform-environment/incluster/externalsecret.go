package incluster

import (
	"sort"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// SecretSource is one value an ExternalSecret reads from Secrets Manager into its template.
type SecretSource struct {
	// Variable is the template variable ({{ .variable }}).
	Variable string
	// Key is the Secrets Manager secret's name or ARN; Property a JSON key inside it.
	Key, Property string
}

// ExternalSecret builds an ExternalSecret manifest: target Secret `target` in namespace, whose keys are
// templates over the sources. Endpoints are written into the templates (they are not secret); values come
// from Secrets Manager only. The Secret is refreshed hourly, so a rotated value arrives without a render.
func ExternalSecret(namespace, name, target string, templates map[string]string, sources []SecretSource) map[string]any {
	m := Manifest("external-secrets.io/v1", "ExternalSecret", namespace, name, nil)
	_, store := StoreFor(namespace)
	data := make([]any, 0, len(sources))
	sort.Slice(sources, func(i, j int) bool { return sources[i].Variable < sources[j].Variable })
	for _, s := range sources {
		ref := map[string]any{"key": s.Key}
		if s.Property != "" {
			ref["property"] = s.Property
		}
		data = append(data, map[string]any{"secretKey": s.Variable, "remoteRef": ref})
	}
	m["spec"] = map[string]any{
		"refreshInterval": "1h",
		"secretStoreRef":  map[string]any{"kind": "ClusterSecretStore", "name": store},
		"target": map[string]any{
			"name":           target,
			"creationPolicy": "Owner",
			"template": map[string]any{
				"engineVersion": "v2",
				"mergePolicy":   "Replace",
				"type":          "Opaque",
				"data":          AnyMap(templates),
			},
		},
		"data": data,
	}
	return m
}

// AppSecret renders the ExternalSecret that builds app-secrets with the given keys in a namespace (the
// applications' namespaces, and the platform namespace for the smoke test). It waits for the endpoints
// the URLs need; while they are unknown an existing one stays as observed.
func (b Builder) AppSecret(name, namespace string, keys []string) compose.Result {
	var res compose.Result
	e := b.Endpoints()
	templates := map[string]string{}
	var sources []SecretSource
	var waits []compose.Cond
	for _, k := range keys {
		switch k {
		case SecretDatabaseURL:
			templates[k] = e.DatabaseURL()
			sources = append(sources, SecretSource{Variable: "dbpassword", Key: b.Env.SecretsPrefix() + DatabasePassword.Key})
			waits = append(waits, compose.Needs(e.DBOK, "the database's address ("+compose.Database+")"), b.Env.Observed.ExistsCond(DatabasePassword.Push()))
		case SecretRedisURL:
			templates[k] = e.RedisURL()
			sources = append(sources, SecretSource{Variable: "redisauth", Key: b.Env.SecretsPrefix() + RedisKey})
			waits = append(waits, compose.Needs(e.RedisOK, "the cache's primary endpoint ("+compose.CacheReplicationGroup+")"), b.Env.Observed.ReadyCond(SecretRedisVersion))
		case SecretJWT:
			templates[k] = "{{ .jwt }}"
			sources = append(sources, SecretSource{Variable: "jwt", Key: b.Env.SecretsPrefix() + JWTSecret.Key})
			waits = append(waits, b.Env.Observed.ExistsCond(JWTSecret.Push()))
		}
	}
	store, _ := StoreFor(namespace)
	conds := append([]compose.Cond{b.InCluster(), b.ESOReady(), b.NamespaceExists(namespace), b.Env.Observed.ExistsCond(store)}, waits...)
	res.Merge(b.Usages(ExternalSecretsHolder, name, Holds{}))
	if res.Gate(b.Env.Observed, name, conds...) {
		res.Add(b.Object(name, ExternalSecret(namespace, AppSecretName, AppSecretName, templates, sources), FromObject))
	}
	return res
}

// ESOReady is the condition that the External Secrets Operator runs, so that its kinds exist in the
// cluster.
func (b Builder) ESOReady() compose.Cond { return b.Env.Observed.ReadyCond(ESORelease) }
