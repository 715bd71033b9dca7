package secrets_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/checks"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestApplicationSecret(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	env := ct.Env("prod", observed)
	host, _ := observed.String(compose.Database, "status.atProvider.address")
	cache, _ := observed.String(compose.CacheReplicationGroup, "status.atProvider.primaryEndpointAddress")
	es := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.AppSecretObject(ct.Namespace)))
	prefix := env.SecretsPrefix()
	cases := map[string]struct {
		reason string
		path   string
		want   any
	}{
		"Target":  {"It writes app-secrets in the applications' namespace, owned by the ExternalSecret.", "spec.target.name", "app-secrets"},
		"Owner":   {"", "spec.target.creationPolicy", "Owner"},
		"Refresh": {"A rotated value arrives within the hour, without a render.", "spec.refreshInterval", "1h"},
		"Templates": {"The URLs are templates over Secrets Manager values: endpoints are written in, values are not.", "spec.target.template.data", map[string]any{
			"database-url": "postgresql://app:{{ .dbpassword }}@" + host + ":5432/consulting?sslmode=verify-full&sslrootcert=/etc/rds-ca/rds-ca.pem",
			"redis-url":    "rediss://:{{ .redisauth | urlquery }}@" + cache + ":6379",
			"jwt-secret":   "{{ .jwt }}",
		}},
		"Sources": {"Every value comes from the environment's Secrets Manager secrets.", "spec.data", []any{
			map[string]any{"secretKey": "dbpassword", "remoteRef": map[string]any{"key": prefix + "database-app-password"}},
			map[string]any{"secretKey": "jwt", "remoteRef": map[string]any{"key": prefix + "jwt-secret"}},
			map[string]any{"secretKey": "redisauth", "remoteRef": map[string]any{"key": prefix + "redis-auth-token"}},
		}},
		"Store": {"", "spec.secretStoreRef", map[string]any{"kind": "ClusterSecretStore", "name": incluster.SecretStoreName}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, it.Get(es, tc.path)); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.reason, tc.path, diff)
			}
		})
	}
}

func TestSecretsManager(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	env := ct.Env("prod", observed)
	redisRef := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, incluster.SecretRedisVersion).Object), "spec.forProvider.secretStringSecretRef")
	if diff := cmp.Diff(map[string]any{"name": "prod-cache-auth-token", "key": "auth-token"}, redisRef); diff != "" {
		t.Errorf("The AUTH token is copied from the Secret the provider generated it into, by reference (-want +got):\n%s", diff)
	}
	cases := map[string]struct {
		reason    string
		name      string
		key       string
		managedBy string
	}{
		"JWT":      {"The JWT key's secret is filled by External Secrets.", incluster.JWTSecret.Secret(), "jwt-secret", "external-secrets"},
		"Database": {"So is the applications' database password.", incluster.DatabasePassword.Secret(), "database-app-password", "external-secrets"},
		"Redis":    {"The token's copy is Crossplane's alone.", incluster.SecretRedis, "redis-auth-token", "crossplane"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fp := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, tc.name).Object), "spec.forProvider").(map[string]any)
			if fp["name"] != env.SecretsPrefix()+tc.key {
				t.Errorf("%s: name %v is not under the environment's prefix", tc.reason, fp["name"])
			}
			if it.Get(fp, "tags.managed-by") != tc.managedBy || it.Get(fp, "tags.environment") != "cloud-consulting/prod" {
				t.Errorf("%s: tags %v", tc.reason, fp["tags"])
			}
			if fp["recoveryWindowInDays"] != 30.0 {
				t.Errorf("a protected environment keeps a recovery window: %v", fp["recoveryWindowInDays"])
			}
			for _, k := range []string{"secretString", "secretStringSecretRef"} {
				if _, ok := fp[k]; ok && tc.name != incluster.SecretRedisVersion {
					t.Errorf("the secret carries a value field %s", k)
				}
			}
			if mp := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, tc.name).Object), "spec.managementPolicies"); mp == nil {
				t.Errorf("deletion protection keeps the secret in AWS: no managementPolicies")
			}
		})
	}
	push := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.JWTSecret.Push()))
	want := map[string]any{
		"updatePolicy": "IfNotExists", "deletionPolicy": "None",
		"generator": map[string]any{"apiVersion": "generators.external-secrets.io/v1alpha1", "kind": "Password", "name": "jwt-secret"},
		"remoteKey": env.SecretsPrefix() + "jwt-secret",
	}
	got := map[string]any{
		"updatePolicy": it.Get(push, "spec.updatePolicy"), "deletionPolicy": it.Get(push, "spec.deletionPolicy"),
		"generator": it.Get(push, "spec.selector.generatorRef"), "remoteKey": it.Get(push, "spec.data.0.match.remoteRef.remoteKey"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("The generated value is pushed once, never over a rotated one, and kept when the PushSecret goes (-want +got):\n%s", diff)
	}
	if tags := it.Get(push, "spec.data.0.metadata.spec.tags"); it.Get(tags, "managed-by") != nil || it.Get(tags, "environment") != "cloud-consulting/prod" {
		t.Errorf("the pushed secret keeps the environment's tags (the operator adds managed-by itself): %v", tags)
	}
}

func TestDevSecretsAreDeleted(t *testing.T) {
	out, _ := it.Walk(t, "dev", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	fp := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, incluster.JWTSecret.Secret()).Object), "spec")
	if it.Get(fp, "forProvider.recoveryWindowInDays") != 0.0 || it.Get(fp, "managementPolicies") != nil {
		t.Errorf("dev tears down completely (no recovery window, so the name is free again): %v", fp)
	}
}

func TestOnlyUsedSecrets(t *testing.T) {
	front := it.FrontendSpec()
	r := it.Resolve(t, []v1alpha1.ApplicationSpec{front}, v1alpha1.AddonsSpec{SmokeTest: v1alpha1.SmokeTestSpec{Enabled: ct.Ptr(false)}})
	out, _ := it.Walk(t, "prod", r, it.All, it.Others(it.All, "frontend"))
	for _, n := range ct.Names(out.Resources) {
		if strings.HasPrefix(n, "apps-secret-") && n != incluster.SecretStore && !strings.HasPrefix(n, incluster.SecretStore) {
			t.Errorf("%s is rendered though nothing uses a secret", n)
		}
		if strings.HasPrefix(n, checks.DatabaseSetupPrefix) {
			t.Errorf("%s: no application takes database-url", n)
		}
	}
}

func TestDatabaseSetup(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	name, _ := checks.DatabaseSetupJob(ct.Env("prod", observed), ct.Ptr(it.Seed(t)))
	job := it.ManifestOf(t, ct.Find(t, out.Resources, name))
	c := it.Get(job, "spec.template.spec.containers.0").(map[string]any)
	if it.Get(c, "envFrom.0.secretRef.name") != "database-setup" {
		t.Errorf("the master credentials come from the database-setup Secret: %v", c["envFrom"])
	}
	script := it.Get(c, "command.2").(string)
	for _, want := range []string{"CREATE ROLE", "\\password", "GRANT USAGE, CREATE ON SCHEMA public"} {
		if !strings.Contains(script, want) {
			t.Errorf("the setup script lacks %q", want)
		}
	}
	if strings.Contains(script, "PASSWORD '") {
		t.Errorf("the password must not be sent in a statement the database logs")
	}
	es := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.SecretDatabaseSetup))
	master := it.Get(es, "spec.data.1.remoteRef.key").(string)
	if !strings.Contains(master, ":secret:rds!") || it.Get(es, "spec.data.1.remoteRef.property") != "password" {
		t.Errorf("the master credentials are read from RDS's managed secret: %v", it.Get(es, "spec.data"))
	}
	if !ct.Has(out.Resources, checks.DatabaseRoleSync) {
		t.Errorf("the role sync CronJob keeps the role's password in step with Secrets Manager")
	}
}

// TestPushKeepsProviderTags: ESO replaces a pushed secret's tags with the PushSecret's; the provider's
// crossplane-* tags (observed in the secret's spec) must be among them, or both sides fight over them.
func TestPushKeepsProviderTags(t *testing.T) {
	_, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	sec := ct.JSONCopy(observed[incluster.JWTSecret.Secret()])
	tags := it.Get(sec, "spec.forProvider.tags").(map[string]any)
	provider := map[string]any{"crossplane-kind": "secret.secretsmanager.aws.m.upbound.io", "crossplane-name": "prod-x7k2p", "crossplane-providerconfig": "default"}
	for k, v := range provider {
		tags[k] = v
	}
	observed[incluster.JWTSecret.Secret()] = sec
	out := it.Desired(t, ct.Env("prod", observed), it.Seed(t))
	pushed := it.Get(it.ManifestOf(t, ct.Find(t, out.Resources, incluster.JWTSecret.Push())), "spec.data.0.metadata.spec.tags").(map[string]any)
	for k, v := range provider {
		if pushed[k] != v {
			t.Errorf("the PushSecret must carry the provider's tag %s=%v (the operator would strip it): %v", k, v, pushed)
		}
	}
	if pushed["managed-by"] != nil {
		t.Errorf("managed-by is the operator's own: %v", pushed)
	}
}

// TestPushMayReconcileResourcePolicy: ESO v0.20.x's push reads and deletes the secret's resource policy;
// the operator's role must allow both on the environment's secrets (and nothing beyond them).
func TestPushMayReconcileResourcePolicy(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	env := ct.Env("prod", observed)
	acct, _ := observed.AccountID()
	doc := it.PolicyOf(t, ct.Find(t, out.Resources, incluster.ESORelease+"-policy"))
	for _, want := range []string{"secretsmanager:GetResourcePolicy", "secretsmanager:DeleteResourcePolicy"} {
		found := false
		for _, s := range doc.Statement {
			for _, a := range s.Action {
				if a == want {
					found = true
					if diff := cmp.Diff([]string{env.SecretsARNPattern(acct)}, s.Resource); diff != "" {
						t.Errorf("%s only on the environment's prefix (-want +got):\n%s", want, diff)
					}
				}
			}
		}
		if !found {
			t.Errorf("the operator's role lacks %s: the first push of every generated secret fails", want)
		}
	}
}
