// Package secrets renders the secrets plumbing: AWS Secrets Manager holds every value (RDS's managed
// master secret, the cache AUTH token bridged from its control-plane Secret, a JWT key and the
// applications' database password generated in the cluster); External Secrets builds each namespace's
// app-secrets from them, and the database setup's credentials (database access).
package secrets

import (
	"maps"
	"slices"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Output is what the package renders, in three parts: the environment joins them in deletion-order and
// wait-message order around the namespaces (environment/incluster.go).
type Output struct {
	// Stores are the Secrets Manager secrets, the ClusterSecretStore, the generators and PushSecrets.
	Stores compose.Result
	// AppSecrets are the application namespaces' ExternalSecrets (after the namespaces).
	AppSecrets compose.Result
	// DatabaseAccess is the database setup's ExternalSecret (master credentials and the application
	// password).
	DatabaseAccess compose.Result
}

// builder carries what every part of the package reads.
type builder struct{ incluster.Builder }

// Build renders the secrets. Nothing renders without External Secrets.
func Build(env *compose.Env, spec *incluster.Spec) Output {
	b := &builder{incluster.Builder{Env: env, Spec: spec}}
	stores := b.stores()
	stores.Merge(b.tenant())
	return Output{Stores: stores, AppSecrets: b.appSecrets(), DatabaseAccess: b.databaseAccess()}
}

// appSecrets renders each application namespace's application secret with the keys its applications
// take.
func (b *builder) appSecrets() compose.Result {
	var res compose.Result
	if !b.Spec.Addons.ExternalSecrets.Enabled {
		return res
	}
	for _, ns := range b.AppNamespaces() {
		keys := map[string]bool{}
		for _, a := range b.Spec.Apps {
			if a.Namespace != ns {
				continue
			}
			for _, v := range a.EnvFromSecrets {
				keys[v] = true
			}
		}
		if len(keys) == 0 {
			continue
		}
		res.Merge(b.AppSecret(incluster.AppSecretObject(ns), ns, slices.Sorted(maps.Keys(keys))))
	}
	return res
}

// databaseAccess renders, when an application takes database-url, the ExternalSecret of the database
// setup (see the checks package): the master credentials (from RDS's managed secret, JSON keys username
// and password) and the generated application password, through the bootstrap's own store and role
// (databaseBootstrap). The master user is used by the setup Jobs only.
func (b *builder) databaseAccess() compose.Result {
	res := b.databaseBootstrap()
	if !b.Spec.Addons.ExternalSecrets.Enabled || !b.Spec.UsesSecret(incluster.SecretDatabaseURL) {
		return res
	}
	master, masterOK := b.MasterSecretARN()
	if res.Gate(b.Env.Observed, incluster.SecretDatabaseSetup, b.InCluster(), b.ESOReady(), b.NamespaceExists(incluster.PlatformNamespace), b.Env.Observed.ExistsCond(BootstrapStore),
		compose.Needs(masterOK, "the database's master user secret ("+compose.Database+")"), b.Env.Observed.ExistsCond(incluster.DatabasePassword.Push())) {
		m := incluster.ExternalSecret(incluster.PlatformNamespace, "database-setup", "database-setup", map[string]string{
			"PGUSER":          "{{ .username }}",
			"PGPASSWORD":      "{{ .password }}",
			"APP_DB_PASSWORD": "{{ .apppassword }}",
		}, []incluster.SecretSource{
			{Variable: "username", Key: master, Property: "username"},
			{Variable: "password", Key: master, Property: "password"},
			{Variable: "apppassword", Key: b.Env.SecretsPrefix() + incluster.DatabasePassword.Key},
		})
		// Through the bootstrap's store: the only one whose identity reaches the master secret.
		m["spec"].(map[string]any)["secretStoreRef"] = map[string]any{"kind": "ClusterSecretStore", "name": BootstrapName}
		res.Add(b.Object(incluster.SecretDatabaseSetup, m, incluster.FromObject))
	}
	res.Merge(b.Usages(incluster.ExternalSecretsHolder, incluster.SecretDatabaseSetup, incluster.Holds{}))
	return res
}
