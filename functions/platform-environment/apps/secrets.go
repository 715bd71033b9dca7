package apps

import (
	"fmt"
	"sort"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// The application secret: every namespace whose applications take envFromSecrets gets a Secret of this
// name, built and kept in sync by External Secrets.
const appSecretName = "app-secrets"

// secretStoreName is the ClusterSecretStore of AWS Secrets Manager in this environment's region.
const secretStoreName = "aws-secrets-manager"

// appDatabaseUser is the PostgreSQL role the applications connect as: created by the database setup Job,
// owner of what the migrations create; never the master user (whose password RDS rotates).
const appDatabaseUser = "app"

// Composition resource names of the secrets.
const (
	secretStore         = "apps-secret-store"
	secretRedis         = "apps-secret-redis"
	secretRedisVersion  = "apps-secret-redis-version"
	secretDatabaseSetup = "apps-secret-database-setup"
	secretSmokeTest     = "apps-secret-smoke-test"
)

// generated is a secret whose value External Secrets generates once, in the cluster, and pushes into the
// (empty) Secrets Manager secret Crossplane created for it. The function never sees the value, so its output
// stays deterministic; the value survives the cluster (it lives in Secrets Manager) and is rotated there.
type generated struct {
	// part names the composition resources (apps-secret-<part>, -generator-, -push-) and the secret.
	part string
	// key is the secret's name under the environment's prefix.
	key string
	// length of the value; alphanumeric, so that it needs no escaping in a URL.
	length int
}

var (
	jwtSecret        = generated{part: "jwt", key: "jwt-secret", length: 64}
	databasePassword = generated{part: "database", key: "database-app-password", length: 40}
)

func (g generated) secret() string    { return "apps-secret-" + g.part }
func (g generated) generator() string { return "apps-secret-generator-" + g.part }
func (g generated) push() string      { return "apps-secret-push-" + g.part }

// redisKey is the bridged cache AUTH token's name under the environment's prefix.
const redisKey = "redis-auth-token"

// secrets renders where the secret values live and how they reach the cluster:
//   - Secrets Manager secrets under the environment's prefix: the JWT key and the applications' database
//     password (empty; filled once by External Secrets from a Password generator, never overwritten), and
//     the cache AUTH token, copied from the control-plane Secret the provider generated it into by a
//     SecretVersion that reads that Secret (so a new token flows through without a new render);
//   - in the cluster: the ClusterSecretStore, the generators and PushSecrets.
//
// The namespaces' ExternalSecrets are rendered with their namespaces (see namespaces.go).
func (b *builder) secrets() compose.Result {
	var res compose.Result
	if !b.r.Addons.ExternalSecrets.Enabled {
		return res
	}
	var gens []generated
	if b.r.UsesSecret(SecretJWT) {
		gens = append(gens, jwtSecret)
	}
	if b.r.UsesSecret(SecretDatabaseURL) {
		gens = append(gens, databasePassword)
	}
	for _, g := range gens {
		res.Want(g.secret())
		res.Add(b.secretsManagerSecret(g.secret(), g.key, "managed-by external-secrets: "+g.key+" generated in the cluster"))
	}
	if b.needsRedisToken() {
		res.Merge(b.redisBridge())
	}

	if res.Gate(b.env.Observed, secretStore, b.inCluster(), b.esoReady()) {
		res.Add(b.object(secretStore, b.secretStoreManifest(), fromObject))
	}
	res.Merge(b.usage(secretStore+"-uses-eso", esoRelease, secretStore))
	for _, g := range gens {
		res.Merge(b.generatedSecret(g))
	}
	return res
}

// needsRedisToken reports whether anything reads the cache AUTH token: applications with redis-url and
// the smoke test.
func (b *builder) needsRedisToken() bool {
	return b.r.UsesSecret(SecretRedisURL) || b.r.Addons.SmokeTest
}

// secretsManagerSecret renders an empty Secrets Manager secret under the environment's prefix. Deletion
// protection keeps it (and its value) when the environment is deleted; otherwise it is deleted without a
// recovery window, so a new environment of the same name can create it again.
func (b *builder) secretsManagerSecret(name, key, description string) *compose.MR {
	fp := map[string]any{
		"name":        b.env.SecretsPrefix() + key,
		"description": description + " (" + b.env.Namespace + "/" + b.env.Name + ")",
	}
	if b.env.DeletionProtection {
		fp["recoveryWindowInDays"] = 30
	} else {
		fp["recoveryWindowInDays"] = 0
	}
	m := b.env.NewAWS(name, smAPI, "Secret").Stateful().ForProvider(fp)
	if name != secretRedis {
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
	res.Want(secretRedis)
	res.Add(b.secretsManagerSecret(secretRedis, redisKey, "AUTH token of the cache, copied from its control-plane Secret"))
	ref, ok := b.redisTokenRef()
	if res.Gate(b.env.Observed, secretRedisVersion, compose.Needs(ok, "the cache's AUTH token Secret ("+compose.CacheReplicationGroup+" authTokenSecretRef)")) {
		res.Add(b.env.NewAWS(secretRedisVersion, smAPI, "SecretVersion").Untagged().ForProvider(map[string]any{
			"secretIdRef":           b.env.Ref(secretRedis),
			"secretStringSecretRef": ref,
		}))
	}
	return res
}

// redisTokenRef is the Secret (name and key, in the environment's namespace) the cache's AUTH token is in.
func (b *builder) redisTokenRef() (map[string]any, bool) {
	name, ok1 := b.env.Observed.String(compose.CacheReplicationGroup, "spec.forProvider.authTokenSecretRef.name")
	key, ok2 := b.env.Observed.String(compose.CacheReplicationGroup, "spec.forProvider.authTokenSecretRef.key")
	if !ok1 || !ok2 {
		return nil, false
	}
	return map[string]any{"name": name, "key": key}, true
}

// secretStoreManifest is the ClusterSecretStore of Secrets Manager. Without auth the operator uses its
// own credentials (its Pod Identity role); only the namespaces of this environment may use the store.
func (b *builder) secretStoreManifest() map[string]any {
	m := manifest("external-secrets.io/v1", "ClusterSecretStore", "", secretStoreName, nil)
	ns := []any{PlatformNamespace}
	for _, n := range b.appNamespaces() {
		ns = append(ns, n)
	}
	m["spec"] = map[string]any{
		"provider": map[string]any{"aws": map[string]any{
			"service": "SecretsManager",
			"region":  b.env.Region,
		}},
		"conditions": []any{map[string]any{"namespaces": ns}},
	}
	return m
}

// generatedSecret renders the generator and the PushSecret of one generated value. The PushSecret pushes
// only while the Secrets Manager secret has no value (updatePolicy IfNotExists): a rotated value is never
// overwritten, and a rebuilt cluster finds the existing one.
func (b *builder) generatedSecret(g generated) compose.Result {
	var res compose.Result
	if res.Gate(b.env.Observed, g.generator(), b.inCluster(), b.esoReady(), b.namespaceExists(PlatformNamespace)) {
		m := manifest("generators.external-secrets.io/v1alpha1", "Password", PlatformNamespace, g.key, nil)
		m["spec"] = map[string]any{
			"length":      g.length,
			"digits":      g.length / 4,
			"symbols":     0,
			"noUpper":     false,
			"allowRepeat": true,
		}
		res.Add(b.object(g.generator(), m, onCreate))
	}
	res.Merge(b.usage(g.generator()+"-uses-eso", esoRelease, g.generator()))
	if res.Gate(b.env.Observed, g.push(), b.inCluster(), b.esoReady(), b.env.Observed.ExistsCond(g.generator()), b.env.Observed.ReadyCond(g.secret()), b.env.Observed.ExistsCond(secretStore)) {
		m := manifest("external-secrets.io/v1alpha1", "PushSecret", PlatformNamespace, g.key, nil)
		m["spec"] = map[string]any{
			"refreshInterval": "24h",
			"updatePolicy":    "IfNotExists",
			"deletionPolicy":  "None",
			"secretStoreRefs": []any{map[string]any{"kind": "ClusterSecretStore", "name": secretStoreName}},
			"selector": map[string]any{"generatorRef": map[string]any{
				"apiVersion": "generators.external-secrets.io/v1alpha1",
				"kind":       "Password",
				"name":       g.key,
			}},
			"data": []any{map[string]any{
				"match": map[string]any{
					"secretKey": "password",
					"remoteRef": map[string]any{"remoteKey": b.env.SecretsPrefix() + g.key},
				},
				"metadata": map[string]any{
					"apiVersion": "kubernetes.external-secrets.io/v1alpha1",
					"kind":       "PushSecretMetadata",
					// The tags the secret has (its managed-by tag is the operator's own): the operator
					// replaces a pushed secret's tags with these.
					"spec": map[string]any{"secretPushFormat": "string", "tags": b.pushedSecretTags()},
				},
			}},
		}
		res.Add(b.object(g.push(), m, fromObject))
	}
	res.Merge(b.usage(g.push()+"-uses-eso", esoRelease, g.push()))
	return res
}

// pushedSecretTags are the tags of a generated secret except managed-by, which the operator sets.
func (b *builder) pushedSecretTags() map[string]any {
	t := map[string]any{}
	for k, v := range b.env.Tags {
		t[k] = v
	}
	t["environment"] = b.env.Namespace + "/" + b.env.Name
	t["component"] = appsComponent
	delete(t, "managed-by")
	return t
}

// secretSource is one value an ExternalSecret reads from Secrets Manager into its template.
type secretSource struct {
	// variable is the template variable ({{ .variable }}).
	variable string
	// key is the Secrets Manager secret's name or ARN; property a JSON key inside it.
	key, property string
}

// externalSecret builds an ExternalSecret manifest: target Secret `target` in namespace, whose keys are
// templates over the sources. Endpoints are written into the templates (they are not secret); values come
// from Secrets Manager only. The Secret is refreshed hourly, so a rotated value arrives without a render.
func externalSecret(namespace, name, target string, templates map[string]string, sources []secretSource) map[string]any {
	m := manifest("external-secrets.io/v1", "ExternalSecret", namespace, name, nil)
	data := make([]any, 0, len(sources))
	sort.Slice(sources, func(i, j int) bool { return sources[i].variable < sources[j].variable })
	for _, s := range sources {
		ref := map[string]any{"key": s.key}
		if s.property != "" {
			ref["property"] = s.property
		}
		data = append(data, map[string]any{"secretKey": s.variable, "remoteRef": ref})
	}
	tpl := map[string]any{}
	for k, v := range templates {
		tpl[k] = v
	}
	m["spec"] = map[string]any{
		"refreshInterval": "1h",
		"secretStoreRef":  map[string]any{"kind": "ClusterSecretStore", "name": secretStoreName},
		"target": map[string]any{
			"name":           target,
			"creationPolicy": "Owner",
			"template": map[string]any{
				"engineVersion": "v2",
				"mergePolicy":   "Replace",
				"type":          "Opaque",
				"data":          tpl,
			},
		},
		"data": data,
	}
	return m
}

// endpoints are the database and cache endpoints, once AWS reports them.
type endpoints struct {
	dbHost  string
	dbPort  int64
	dbName  string
	dbOK    bool
	rdsHost string
	rdsPort int64
	rdsOK   bool
}

func (b *builder) endpoints() endpoints {
	var e endpoints
	e.dbHost, e.dbOK = b.env.Observed.String(compose.Database, "status.atProvider.address")
	e.dbPort = b.intValue(compose.Database, "status.atProvider.port", 5432)
	e.dbName = b.r.DatabaseName
	if n, ok := b.env.Observed.String(compose.Database, "spec.forProvider.dbName"); ok {
		e.dbName = n
	}
	e.rdsHost, e.rdsOK = b.env.Observed.String(compose.CacheReplicationGroup, "status.atProvider.primaryEndpointAddress")
	e.rdsPort = b.intValue(compose.CacheReplicationGroup, "status.atProvider.port", 6379)
	return e
}

func (b *builder) intValue(name, path string, def int64) int64 {
	if n, ok := b.env.Observed.Number(name, path); ok {
		return int64(n)
	}
	return def
}

// databaseURL is the template of database-url: the applications' own role over TLS.
func (e endpoints) databaseURL() string {
	return fmt.Sprintf("postgresql://%s:{{ .dbpassword }}@%s:%d/%s?sslmode=require", appDatabaseUser, e.dbHost, e.dbPort, e.dbName)
}

// redisURL is the template of redis-url: TLS (rediss) with the AUTH token.
func (e endpoints) redisURL() string {
	return fmt.Sprintf("rediss://:{{ .redisauth | urlquery }}@%s:%d", e.rdsHost, e.rdsPort)
}

// appSecret renders the ExternalSecret that builds app-secrets with the given keys in a namespace. It
// waits for the endpoints the URLs need; while they are unknown an existing one stays as observed.
func (b *builder) appSecret(name, namespace string, keys []string) compose.Result {
	var res compose.Result
	e := b.endpoints()
	templates := map[string]string{}
	var sources []secretSource
	var waits []compose.Cond
	for _, k := range keys {
		switch k {
		case SecretDatabaseURL:
			templates[k] = e.databaseURL()
			sources = append(sources, secretSource{variable: "dbpassword", key: b.env.SecretsPrefix() + databasePassword.key})
			waits = append(waits, compose.Needs(e.dbOK, "the database's address ("+compose.Database+")"), b.env.Observed.ExistsCond(databasePassword.push()))
		case SecretRedisURL:
			templates[k] = e.redisURL()
			sources = append(sources, secretSource{variable: "redisauth", key: b.env.SecretsPrefix() + redisKey})
			waits = append(waits, compose.Needs(e.rdsOK, "the cache's primary endpoint ("+compose.CacheReplicationGroup+")"), b.env.Observed.ReadyCond(secretRedisVersion))
		case SecretJWT:
			templates[k] = "{{ .jwt }}"
			sources = append(sources, secretSource{variable: "jwt", key: b.env.SecretsPrefix() + jwtSecret.key})
			waits = append(waits, b.env.Observed.ExistsCond(jwtSecret.push()))
		}
	}
	conds := append([]compose.Cond{b.inCluster(), b.esoReady(), b.namespaceExists(namespace), b.env.Observed.ExistsCond(secretStore)}, waits...)
	res.Merge(b.usage(name+"-uses-eso", esoRelease, name))
	if res.Gate(b.env.Observed, name, conds...) {
		res.Add(b.object(name, externalSecret(namespace, appSecretName, appSecretName, templates, sources), fromObject))
	}
	return res
}
