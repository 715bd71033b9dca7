package secrets_test

import (
	"path"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/secrets"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// request is one AWS call a principal makes: the action, the resource and the request's context keys.
type request struct {
	principal map[string]string // for trust policies: the principal's type -> its ARN/service
	action    string
	resource  string
	context   map[string]string
}

// allows is IAM's Allow evaluation of one policy document, for what these policies use: actions and
// resources exact or with * and ? wildcards, StringEquals conditions (every key present and equal).
// The key policy of the database's key delegates to IAM (root principal with kms:ViaService), so the
// identity policy decides.
func allows(doc compose.PolicyDocument, r request) bool {
	for _, s := range doc.Statement {
		if s.Effect != "Allow" || !anyMatch(s.Action, r.action) {
			continue
		}
		if r.principal != nil {
			ok := false
			for typ, want := range s.Principal {
				if v, _ := want.(string); v != "" && r.principal[typ] == v {
					ok = true
				}
			}
			if !ok {
				continue
			}
		} else if !anyMatch(s.Resource, r.resource) {
			continue
		}
		ok := true
		for op, kv := range s.Condition {
			if op != "StringEquals" {
				ok = false
			}
			for k, v := range kv {
				if got, present := r.context[k]; !present || got != v {
					ok = false
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func anyMatch(patterns []string, v string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, v); ok || p == v || p == "*" {
			return true
		}
	}
	return false
}

// TestMasterSecretReach: who reaches RDS's master secret, over the rendered IAM policies. The tenant's
// every path through External Secrets (the shared store, or any SecretStore it creates, with or without
// a role) runs on the operator's base role, which must not read the secret, decrypt it ("reaches the
// key": kms:Decrypt with the master secret's encryption context), nor assume the bootstrap's role; the
// bootstrap's role, assumable only by platform-system/database-bootstrap's token, must.
func TestMasterSecretReach(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	master, _ := observed.String(compose.Database, "status.atProvider.masterUserSecret[0].secretArn")
	acct, _ := observed.AccountID()
	key, ok := observed.String(compose.Database, "status.atProvider.masterUserSecret[0].kmsKeyId")
	if !ok {
		key = "arn:aws:kms:us-east-1:" + acct + ":key/0b4c1d2e-1111-2222-3333-444455556666"
	}
	eso := it.PolicyOf(t, ct.Find(t, out.Resources, incluster.ESORelease+"-policy"))
	esoRole, _ := observed.ARN(incluster.ESORelease + "-role")
	boot := it.PolicyOf(t, ct.Find(t, out.Resources, secrets.BootstrapPolicy))
	trust := ct.PolicyOf(t, ct.ForProvider(ct.Find(t, out.Resources, secrets.BootstrapRole))["assumeRolePolicy"])
	bootRole, _ := observed.ARN(secrets.BootstrapRole)
	oidc, _ := observed.ARN(compose.OIDCProvider)
	issuer, _ := observed.String(compose.Cluster, "status.atProvider.identity[0].oidc[0].issuer")
	host := issuer[len("https://"):]
	if master == "" || key == "" || esoRole == "" || bootRole == "" || oidc == "" {
		t.Fatalf("the walk observes the master secret, its key and the roles: %q %q %q %q %q", master, key, esoRole, bootRole, oidc)
	}
	decrypt := func(secret string) request {
		return request{action: "kms:Decrypt", resource: key, context: map[string]string{
			"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com", "kms:EncryptionContext:SecretARN": secret}}
	}
	web := func(ns, sa string) request {
		return request{principal: map[string]string{"Federated": oidc}, action: "sts:AssumeRoleWithWebIdentity",
			context: map[string]string{host + ":aud": "sts.amazonaws.com", host + ":sub": "system:serviceaccount:" + ns + ":" + sa}}
	}
	cases := map[string]struct {
		reason string
		doc    compose.PolicyDocument
		req    request
		want   bool
	}{
		"TenantReadsMaster":     {"The operator's base role (every tenant store) does not read the master secret.", eso, request{action: "secretsmanager:GetSecretValue", resource: master}, false},
		"TenantDecryptsMaster":  {"Nor decrypt it with its encryption context.", eso, decrypt(master), false},
		"TenantAssumesBoot":     {"Nor assume the bootstrap's role (a tenant SecretStore naming it): no sts action.", eso, request{action: "sts:AssumeRole", resource: bootRole}, false},
		"BootTrustsOperator":    {"The bootstrap's trust does not admit the operator's base role either.", trust, request{principal: map[string]string{"AWS": esoRole}, action: "sts:AssumeRole"}, false},
		"BootTrustsTenantSA":    {"Nor a tenant's service account token (a SecretStore with jwt auth in the app namespace).", trust, web(ct.Namespace, "backend"), false},
		"BootTrustsOtherPlatSA": {"Nor another platform-system service account.", trust, web(incluster.PlatformNamespace, "default"), false},
		"BootTrustsItsSA":       {"It admits the platform namespace's database-bootstrap account.", trust, web(incluster.PlatformNamespace, secrets.BootstrapName), true},
		"BootReadsMaster":       {"The bootstrap reads the master secret.", boot, request{action: "secretsmanager:GetSecretValue", resource: master}, true},
		"BootDecryptsMaster":    {"And decrypts it through Secrets Manager.", boot, decrypt(master), true},
		"BootDecryptsOther":     {"But no other secret encrypted with the key.", boot, decrypt(master + "-other"), false},
		"BootReadsJWT":          {"Nor other environment secrets.", boot, request{action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:" + ct.Env("prod", observed).SecretsPrefix() + "jwt-secret-AbCdEf"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := allows(tc.doc, tc.req); got != tc.want {
				t.Errorf("%s allows(%+v) = %v, want %v", tc.reason, tc.req, got, tc.want)
			}
		})
	}
}

// TestDatabaseSetupUsesBootstrapStore: the database setup's ExternalSecret is the only user of the
// bootstrap store, which admits the platform namespace only and authenticates as its service account.
func TestDatabaseSetupUsesBootstrapStore(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	es := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.SecretDatabaseSetup))
	if got := it.Get(es, "spec.secretStoreRef.name"); got != secrets.BootstrapName {
		t.Errorf("the setup's ExternalSecret reads through the bootstrap store, not %v", got)
	}
	store := it.ManifestOf(t, ct.Find(t, out.Resources, secrets.BootstrapStore))
	if got := it.Get(store, "spec.conditions.0.namespaces"); len(got.([]any)) != 1 || got.([]any)[0] != incluster.PlatformNamespace {
		t.Errorf("only the platform namespace may use the bootstrap store: %v", got)
	}
	if got := it.Get(store, "spec.provider.aws.auth.jwt.serviceAccountRef.name"); got != secrets.BootstrapName {
		t.Errorf("the store authenticates as the bootstrap's service account: %v", got)
	}
	sa := it.ManifestOf(t, ct.Find(t, out.Resources, secrets.BootstrapSA))
	bootRole, _ := observed.ARN(secrets.BootstrapRole)
	if got := sa["metadata"].(map[string]any)["annotations"].(map[string]any)["eks.amazonaws.com/role-arn"]; got != bootRole {
		t.Errorf("the service account names the bootstrap role %s: %v", bootRole, got)
	}
}
