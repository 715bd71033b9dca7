package secrets_test

import (
	"testing"

	"github.com/google/cel-go/cel"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/secrets"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// eval compiles and runs one CEL expression of the policy the way the API server binds it (object and
// request as dynamic values).
func eval(t *testing.T, expr string, object, request map[string]any) bool {
	t.Helper()
	env, err := cel.NewEnv(cel.Variable("object", cel.DynType), cel.Variable("request", cel.DynType))
	if err != nil {
		t.Fatal(err)
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		t.Fatalf("%s: %v", expr, iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := prg.Eval(map[string]any{"object": object, "request": request})
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v.Value().(bool)
}

func store(kind, namespace string, aws map[string]any) map[string]any {
	md := map[string]any{"name": "mine"}
	if namespace != "" {
		md["namespace"] = namespace
	}
	return map[string]any{"apiVersion": "external-secrets.io/v1", "kind": kind, "metadata": md,
		"spec": map[string]any{"provider": map[string]any{"aws": aws}}}
}

// TestStoreAdmission evaluates the rendered ValidatingAdmissionPolicy's CEL: a tenant-created SecretStore
// naming the privileged (bootstrap) role, the operator's own role (no role) or a role chain is refused; one
// naming the tenant role, or another provider, is admitted; ClusterSecretStores may name no other role.
func TestStoreAdmission(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	vap := it.ManifestOf(t, ct.Find(t, out.Resources, secrets.StoreAdmission))
	binding := it.ManifestOf(t, ct.Find(t, out.Resources, secrets.StoreAdmissionTo))
	if it.Get(binding, "spec.policyName") != secrets.StoreAdmissionName || it.Get(binding, "spec.validationActions.0") != "Deny" {
		t.Fatalf("the binding enforces the policy: %v", binding["spec"])
	}
	boot, _ := observed.ARN(secrets.BootstrapRole)
	acct, _ := observed.AccountID()
	ext := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, secrets.TenantRole).Object), "metadata.annotations").(map[string]any)["crossplane.io/external-name"]
	tenant := "arn:aws:iam::" + acct + ":role/" + ext.(string)
	aws := func(role string, extra map[string]any) map[string]any {
		m := map[string]any{"service": "SecretsManager", "region": "us-east-1"}
		if role != "" {
			m["role"] = role
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	other := map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "SecretStore", "metadata": map[string]any{"name": "v", "namespace": ct.Namespace},
		"spec": map[string]any{"provider": map[string]any{"vault": map[string]any{"server": "https://vault"}}}}
	cases := map[string]struct {
		reason string
		obj    map[string]any
		admit  bool
	}{
		"TenantNamesBootstrap": {"A tenant SecretStore naming the privileged role is refused.", store("SecretStore", ct.Namespace, aws(boot, nil)), false},
		"TenantNamesNoRole":    {"Nor one on the operator's own role.", store("SecretStore", ct.Namespace, aws("", nil)), false},
		"TenantChains":         {"Nor a chain from the tenant role.", store("SecretStore", ct.Namespace, aws(tenant, map[string]any{"additionalRoles": []any{boot}})), false},
		"TenantNamesTenant":    {"The tenant role is admitted.", store("SecretStore", ct.Namespace, aws(tenant, nil)), true},
		"OtherProvider":        {"Other providers are not this policy's.", other, true},
		"ClusterNamesBoot":     {"A ClusterSecretStore naming the privileged role is refused.", store("ClusterSecretStore", "", aws(boot, nil)), false},
		"ClusterNoRole":        {"The platform's stores (no role, or jwt auth) are admitted.", store("ClusterSecretStore", "", aws("", map[string]any{"auth": map[string]any{"jwt": map[string]any{}}})), true},
		"PlatformNamespace":    {"platform-system's SecretStores are not matched.", store("SecretStore", incluster.PlatformNamespace, aws("", nil)), true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ns, _ := it.Get(tc.obj, "metadata.namespace").(string)
			req := map[string]any{"namespace": ns}
			admit := true
			matched := true
			for _, c := range it.Get(vap, "spec.matchConditions").([]any) {
				if !eval(t, c.(map[string]any)["expression"].(string), tc.obj, req) {
					matched = false
				}
			}
			if matched {
				for _, v := range it.Get(vap, "spec.validations").([]any) {
					if !eval(t, v.(map[string]any)["expression"].(string), tc.obj, req) {
						admit = false
					}
				}
			}
			if admit != tc.admit {
				t.Errorf("%s admitted = %v, want %v", tc.reason, admit, tc.admit)
			}
		})
	}
}

// TestStoresSplit: the application namespaces' store runs on the tenant role and admits only them; the
// platform namespace's store (the operator's own role, which fills the generated secrets) only it, and
// the PushSecrets and the platform's ExternalSecrets use it.
func TestStoresSplit(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	ext := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, secrets.TenantRole).Object), "metadata.annotations").(map[string]any)["crossplane.io/external-name"].(string)
	acct, _ := observed.AccountID()
	app := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.SecretStore))
	if got := it.Get(app, "spec.provider.aws.role"); got != "arn:aws:iam::"+acct+":role/"+ext {
		t.Errorf("the application namespaces' store names the tenant role: %v", got)
	}
	if got := it.Get(app, "spec.conditions.0.namespaces").([]any); len(got) != 1 || got[0] != ct.Namespace {
		t.Errorf("only the application namespaces use it: %v", got)
	}
	plat := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.PlatformSecretStore))
	if got := it.Get(plat, "spec.conditions.0.namespaces").([]any); len(got) != 1 || got[0] != incluster.PlatformNamespace {
		t.Errorf("only the platform namespace uses the operator's own role: %v", got)
	}
	if it.Get(plat, "spec.provider.aws.role") != nil {
		t.Errorf("the platform store runs on the operator's role")
	}
	push := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.JWTSecret.Push()))
	if got := it.Get(push, "spec.secretStoreRefs.0.name"); got != incluster.PlatformSecretStoreName {
		t.Errorf("PushSecrets use the platform store: %v", got)
	}
	smoke := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.SecretSmokeTest))
	if got := it.Get(smoke, "spec.secretStoreRef.name"); got != incluster.PlatformSecretStoreName {
		t.Errorf("the platform namespace's ExternalSecrets use its store: %v", got)
	}
	es := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.AppSecretObject(ct.Namespace)))
	if got := it.Get(es, "spec.secretStoreRef.name"); got != incluster.SecretStoreName {
		t.Errorf("the application namespaces' ExternalSecrets use theirs: %v", got)
	}
}
