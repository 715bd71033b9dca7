package apps

import (
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// appPrefix starts the composition resource names of an application's resources. The "app-" keeps them
// apart from the environment-level ones (apps-namespace-…, apps-secret-…) whatever the application's name.
func appPrefix(app string) string { return "apps-app-" + app + "-" }

// Composition resource names of an application's resources.
func configObject(app string) string     { return appPrefix(app) + "config" }
func accountObject(app string) string    { return appPrefix(app) + "service-account" }
func deploymentObject(app string) string { return appPrefix(app) + "deployment" }
func serviceObject(app string) string    { return appPrefix(app) + "service" }
func hpaObject(app string) string        { return appPrefix(app) + "autoscaler" }
func pdbObject(app string) string        { return appPrefix(app) + "disruption-budget" }
func bindingObject(app string) string    { return appPrefix(app) + "binding" }
func migrationPrefix(app string) string  { return appPrefix(app) + "migration-" }

// appIdentity is an application's IAM role binding (apps-app-<name>-role, -policy, -identity).
func appIdentity(a *App) identity {
	return identity{
		prefix: strings.TrimSuffix(appPrefix(a.Name), "-"), awsPart: "app-" + a.Name,
		description: "Application " + a.Name, namespace: a.Namespace, sa: a.Name,
	}
}

// labels are the labels of an application's objects; selector the ones that select its pods (the seed's
// app label, immutable in a Deployment's selector).
func (b *builder) labels(a *App) map[string]any {
	return map[string]any{
		"app":                       a.Name,
		"app.kubernetes.io/name":    a.Name,
		"app.kubernetes.io/part-of": b.env.Name,
	}
}

func selector(a *App) map[string]any { return map[string]any{"app": a.Name} }

// application renders one application's objects, each once what it depends on exists.
func (b *builder) application(a *App) compose.Result {
	var res compose.Result
	base := []compose.Cond{b.inCluster(), b.namespaceExists(a.Namespace)}

	if len(a.Config) > 0 && res.Gate(b.env.Observed, configObject(a.Name), base...) {
		m := manifest("v1", "ConfigMap", a.Namespace, a.Name+"-config", b.labels(a))
		m["data"] = anyMap(a.Config)
		res.Add(b.object(configObject(a.Name), m, onCreate))
	}
	if res.Gate(b.env.Observed, accountObject(a.Name), base...) {
		m := manifest("v1", "ServiceAccount", a.Namespace, a.Name, b.labels(a))
		m["automountServiceAccountToken"] = false
		res.Add(b.object(accountObject(a.Name), m, onCreate))
	}
	if len(a.IAM) > 0 {
		res.Merge(b.workloadIdentity(appIdentity(a), func() (compose.PolicyDocument, bool, string) { return b.appPolicy(a) }))
	}
	res.Merge(b.migration(a))
	res.Merge(b.deployment(a))
	res.Merge(b.service(a))
	res.Merge(b.scaling(a))
	res.Merge(b.binding(a))
	return res
}

// appPolicy is the application's policy with the variables replaced. It waits for the account when a
// resource names it.
func (b *builder) appPolicy(a *App) (compose.PolicyDocument, bool, string) {
	acct, acctOK := b.account()
	vars := strings.NewReplacer(
		"$(partition)", b.env.Partition(),
		"$(region)", b.env.Region,
		"$(account)", acct,
		"$(secretsPrefix)", b.env.SecretsPrefix(),
	)
	var stmts []compose.Statement
	for _, s := range a.IAM {
		st := compose.Statement{Sid: s.Sid, Effect: s.Effect, Action: append([]string(nil), s.Actions...)}
		for _, r := range s.Resources {
			if strings.Contains(r, "$(account)") && !acctOK {
				return compose.PolicyDocument{}, false, "the AWS account (from any observed ARN) for " + a.Name + "'s policy"
			}
			st.Resource = append(st.Resource, vars.Replace(r))
		}
		stmts = append(stmts, st)
	}
	return compose.Policy(stmts...), true, ""
}

// secretsReady is the condition that the application secret of the application's namespace is built.
func (b *builder) secretsReady(a *App) compose.Cond {
	if len(a.EnvFromSecrets) == 0 {
		return compose.Known(true, "")
	}
	return b.env.Observed.ReadyCond(appSecretObject(a.Namespace))
}

// usesSecret reports whether the application takes the key.
func (a *App) usesSecret(key string) bool {
	for _, v := range a.EnvFromSecrets {
		if v == key {
			return true
		}
	}
	return false
}

// env is the container environment of the application (and its migration): the plain variables, then
// the secret ones, each sorted by name; the ConfigMap comes in through envFrom.
func (a *App) env() []any {
	out := envList(a.Env)
	for _, k := range sortedKeys(a.EnvFromSecrets) {
		out = append(out, map[string]any{
			"name": k,
			"valueFrom": map[string]any{"secretKeyRef": map[string]any{
				"name": appSecretName,
				"key":  a.EnvFromSecrets[k],
			}},
		})
	}
	return out
}

// envFrom takes the application's ConfigMap as variables.
func (a *App) envFrom() []any {
	if len(a.Config) == 0 {
		return nil
	}
	return []any{map[string]any{"configMapRef": map[string]any{"name": a.Name + "-config"}}}
}

// volumes are the writable empty directories the application asks for (/tmp comes with every pod).
func (a *App) volumes() ([]any, []any) {
	var vols, mounts []any
	for i, p := range a.WritablePaths {
		if p == "/tmp" {
			continue
		}
		name := "writable-" + itoa(int64(i))
		vols = append(vols, map[string]any{"name": name, "emptyDir": map[string]any{}})
		mounts = append(mounts, map[string]any{"name": name, "mountPath": p})
	}
	return vols, mounts
}
