package secrets

import (
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// stores renders where the secret values live and how they reach the cluster:
//   - Secrets Manager secrets under the environment's prefix: the JWT key and the applications' database
//     password (empty; filled once by External Secrets from a Password generator, never overwritten), and
//     the cache AUTH token, copied from the control-plane Secret the provider generated it into by a
//     SecretVersion that reads that Secret (so a new token flows through without a new render);
//   - in the cluster: the ClusterSecretStores (the application namespaces' on the tenant role, the
//     platform namespace's on the operator's own), the generators and PushSecrets.
//
// The namespaces' ExternalSecrets follow in appSecrets, once the namespaces are rendered.
func (b *builder) stores() compose.Result {
	var res compose.Result
	if !b.Spec.Addons.ExternalSecrets.Enabled {
		return res
	}
	var gens []incluster.Generated
	if b.Spec.UsesSecret(incluster.SecretJWT) {
		gens = append(gens, incluster.JWTSecret)
	}
	if b.Spec.UsesSecret(incluster.SecretDatabaseURL) {
		gens = append(gens, incluster.DatabasePassword)
	}
	for _, g := range gens {
		res.Want(g.Secret())
		res.Add(b.secretsManagerSecret(g.Secret(), g.Key, "managed-by external-secrets: "+g.Key+" generated in the cluster"))
	}
	if b.Spec.NeedsRedisToken() {
		res.Merge(b.redisBridge())
	}

	tenant, tenantOK := b.TenantRoleARN()
	if res.Gate(b.Env.Observed, incluster.SecretStore, b.InCluster(), b.ESOReady(), compose.Needs(tenantOK, incluster.NeedAccount)) {
		res.Add(b.Object(incluster.SecretStore, b.secretStoreManifest(incluster.SecretStoreName, tenant, b.AppNamespaces()), incluster.FromObject))
	}
	res.Merge(b.Usages(incluster.ExternalSecretsHolder, incluster.SecretStore, incluster.Holds{}))
	if res.Gate(b.Env.Observed, incluster.PlatformSecretStore, b.InCluster(), b.ESOReady()) {
		res.Add(b.Object(incluster.PlatformSecretStore, b.secretStoreManifest(incluster.PlatformSecretStoreName, "", []string{incluster.PlatformNamespace}), incluster.FromObject))
	}
	res.Merge(b.Usages(incluster.ExternalSecretsHolder, incluster.PlatformSecretStore, incluster.Holds{}))
	for _, g := range gens {
		res.Merge(b.generatedSecret(g))
	}
	return res
}

// secretsManagerSecret renders an empty Secrets Manager secret under the environment's prefix. Deletion
// protection keeps it (and its value) when the environment is deleted; otherwise it is deleted without a
// recovery window, so a new environment of the same name can create it again.
func (b *builder) secretsManagerSecret(name, key, description string) *compose.MR {
	fp := map[string]any{
		"name":        b.Env.SecretsPrefix() + key,
		"description": description + " (" + b.Env.Owner() + ")",
	}
	if b.Env.DeletionProtection {
		fp["recoveryWindowInDays"] = 30
	} else {
		fp["recoveryWindowInDays"] = 0
	}
	m := b.Env.NewAWS(name, incluster.SMAPI, "Secret").Stateful().ForProvider(fp)
	if name != incluster.SecretRedis {
		// External Secrets fills only secrets tagged as its own (PushSecret refuses others): the value is
		// managed there, the secret's lifecycle here.
		m.AddTags(map[string]string{"managed-by": "external-secrets"})
	}
	return m
}

// redisBridge copies the cache AUTH token into Secrets Manager. The provider generated the token into a
// Secret in the environment's namespace (the replication group's authTokenSecretRef); the SecretVersion
// reads that Secret by reference, so the value never passes through the function.
func (b *builder) redisBridge() compose.Result {
	var res compose.Result
	res.Want(incluster.SecretRedis)
	res.Add(b.secretsManagerSecret(incluster.SecretRedis, incluster.RedisKey, "AUTH token of the cache, copied from its control-plane Secret"))
	ref, ok := b.redisTokenRef()
	if res.Gate(b.Env.Observed, incluster.SecretRedisVersion, compose.Needs(ok, "the cache's AUTH token Secret ("+compose.CacheReplicationGroup+" authTokenSecretRef)")) {
		res.Add(b.Env.NewAWS(incluster.SecretRedisVersion, incluster.SMAPI, "SecretVersion").Untagged().ForProvider(map[string]any{
			"secretIdRef":           b.Env.Ref(incluster.SecretRedis),
			"secretStringSecretRef": ref,
		}))
	}
	return res
}

// redisTokenRef is the Secret (name and key, in the environment's namespace) the cache's AUTH token is in.
func (b *builder) redisTokenRef() (map[string]any, bool) {
	name, ok1 := b.Env.Observed.String(compose.CacheReplicationGroup, "spec.forProvider.authTokenSecretRef.name")
	key, ok2 := b.Env.Observed.String(compose.CacheReplicationGroup, "spec.forProvider.authTokenSecretRef.key")
	if !ok1 || !ok2 {
		return nil, false
	}
	return map[string]any{"name": name, "key": key}, true
}

// secretStoreManifest is a ClusterSecretStore of Secrets Manager that only the given namespaces may use.
// Without a role the operator uses its own credentials (its Pod Identity role): the platform namespace's
// store, which fills the generated secrets. The application namespaces' store names the tenant role
// (read-only), which the operator assumes.
func (b *builder) secretStoreManifest(name, role string, namespaces []string) map[string]any {
	m := incluster.Manifest("external-secrets.io/v1", "ClusterSecretStore", "", name, nil)
	ns := []any{}
	for _, n := range namespaces {
		ns = append(ns, n)
	}
	aws := map[string]any{"service": "SecretsManager", "region": b.Env.Region}
	if role != "" {
		aws["role"] = role
	}
	m["spec"] = map[string]any{
		"provider":   map[string]any{"aws": aws},
		"conditions": []any{map[string]any{"namespaces": ns}},
	}
	return m
}

// generatedSecret renders the generator and the PushSecret of one generated value. The PushSecret pushes
// only while the Secrets Manager secret has no value (updatePolicy IfNotExists): a rotated value is never
// overwritten, and a rebuilt cluster finds the existing one.
func (b *builder) generatedSecret(g incluster.Generated) compose.Result {
	var res compose.Result
	if res.Gate(b.Env.Observed, g.Generator(), b.InCluster(), b.ESOReady(), b.NamespaceExists(incluster.PlatformNamespace)) {
		m := incluster.Manifest("generators.external-secrets.io/v1alpha1", "Password", incluster.PlatformNamespace, g.Key, nil)
		m["spec"] = map[string]any{
			"length":      g.Length,
			"digits":      g.Length / 4,
			"symbols":     0,
			"noUpper":     false,
			"allowRepeat": true,
		}
		res.Add(b.Object(g.Generator(), m, incluster.OnCreate))
	}
	res.Merge(b.Usages(incluster.ExternalSecretsHolder, g.Generator(), incluster.Holds{}))
	if res.Gate(b.Env.Observed, g.Push(), b.InCluster(), b.ESOReady(), b.Env.Observed.ExistsCond(g.Generator()), b.Env.Observed.ReadyCond(g.Secret()), b.Env.Observed.ExistsCond(incluster.PlatformSecretStore)) {
		m := incluster.Manifest("external-secrets.io/v1alpha1", "PushSecret", incluster.PlatformNamespace, g.Key, nil)
		m["spec"] = map[string]any{
			"refreshInterval": "24h",
			"updatePolicy":    "IfNotExists",
			"deletionPolicy":  "None",
			"secretStoreRefs": []any{map[string]any{"kind": "ClusterSecretStore", "name": incluster.PlatformSecretStoreName}},
			"selector": map[string]any{"generatorRef": map[string]any{
				"apiVersion": "generators.external-secrets.io/v1alpha1",
				"kind":       "Password",
				"name":       g.Key,
			}},
			"data": []any{map[string]any{
				"match": map[string]any{
					"secretKey": "password",
					"remoteRef": map[string]any{"remoteKey": b.Env.SecretsPrefix() + g.Key},
				},
				"metadata": map[string]any{
					"apiVersion": "kubernetes.external-secrets.io/v1alpha1",
					"kind":       "PushSecretMetadata",
					// The tags the secret has (its managed-by tag is the operator's own): the operator
					// replaces a pushed secret's tags with these.
					"spec": map[string]any{"secretPushFormat": "string", "tags": b.pushedSecretTags(g.Secret())},
				},
			}},
		}
		res.Add(b.Object(g.Push(), m, incluster.FromObject))
	}
	res.Merge(b.Usages(incluster.ExternalSecretsHolder, g.Push(), incluster.Holds{}))
	return res
}

// pushedSecretTags are the tags of a generated secret except managed-by, which the operator sets, and
// with the crossplane-* tags the provider adds to the secret (crossplane-kind, -name, -providerconfig, as
// observed in its spec): the operator replaces the secret's tags with these on every push, and without
// them it would strip the provider's tags and the provider would put them back (churn on both sides).
func (b *builder) pushedSecretTags(secret string) map[string]any {
	t := b.Env.TagsFor(incluster.AppsComponent)
	delete(t, compose.TagManagedBy)
	if v, ok := b.Env.Observed.Value(secret, "spec.forProvider.tags"); ok {
		if m, ok := v.(map[string]any); ok {
			for k, val := range m {
				if s, ok := val.(string); ok && strings.HasPrefix(k, "crossplane-") {
					t[k] = s
				}
			}
		}
	}
	return t
}
