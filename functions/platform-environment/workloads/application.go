package workloads

import (
	"maps"
	"slices"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Composition resource names of an application's resources.
func ConfigObject(app string) string    { return incluster.AppPrefix(app) + "config" }
func AccountObject(app string) string   { return incluster.AppPrefix(app) + "service-account" }
func ServiceObject(app string) string   { return incluster.AppPrefix(app) + "service" }
func HPAObject(app string) string       { return incluster.AppPrefix(app) + "autoscaler" }
func PDBObject(app string) string       { return incluster.AppPrefix(app) + "disruption-budget" }
func BindingObject(app string) string   { return incluster.AppPrefix(app) + "binding" }
func MigrationPrefix(app string) string { return incluster.AppPrefix(app) + "migration-" }

// appIdentity is an application's IAM role binding (apps-app-<name>-role, -policy, -identity).
func appIdentity(a *App) incluster.Identity {
	return incluster.Identity{
		Prefix: strings.TrimSuffix(incluster.AppPrefix(a.Name), "-"), AWSPart: "app-" + a.Name,
		Description: "Application " + a.Name, Namespace: a.Namespace, SA: a.Name,
	}
}

// labels are the labels of an application's objects; selector the ones that select its pods (the seed's
// app label, immutable in a Deployment's selector).
func (b *builder) labels(a *App) map[string]any {
	return map[string]any{
		"app":                       a.Name,
		"app.kubernetes.io/name":    a.Name,
		"app.kubernetes.io/part-of": b.Env.Name,
	}
}

func selector(a *App) map[string]any { return map[string]any{"app": a.Name} }

// application renders one application's objects, each once what it depends on exists.
func (b *builder) application(a *App) compose.Result {
	var res compose.Result
	base := []compose.Cond{b.InCluster(), b.NamespaceExists(a.Namespace)}

	if len(a.Config) > 0 && res.Gate(b.Env.Observed, ConfigObject(a.Name), base...) {
		m := incluster.Manifest("v1", "ConfigMap", a.Namespace, a.Name+"-config", b.labels(a))
		m["data"] = incluster.AnyMap(a.Config)
		res.Add(b.Object(ConfigObject(a.Name), m, incluster.OnCreate))
	}
	if res.Gate(b.Env.Observed, AccountObject(a.Name), base...) {
		m := incluster.Manifest("v1", "ServiceAccount", a.Namespace, a.Name, b.labels(a))
		m["automountServiceAccountToken"] = false
		res.Add(b.Object(AccountObject(a.Name), m, incluster.OnCreate))
	}
	if len(a.IAM) > 0 {
		res.Merge(b.WorkloadIdentity(appIdentity(a), func() (compose.PolicyDocument, bool, string) { return b.appPolicy(a) }))
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
	acct, acctOK := b.Account()
	vars := strings.NewReplacer(
		"$(partition)", b.Env.Partition(),
		"$(region)", b.Env.Region,
		"$(account)", acct,
		"$(secretsPrefix)", b.Env.SecretsPrefix(),
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
	return b.Env.Observed.ReadyCond(incluster.AppSecretObject(a.Namespace))
}

// appEnv is the container environment of the application (and its migration): the plain variables, then
// the secret ones, each sorted by name; the ConfigMap comes in through envFrom.
func appEnv(a *App) []any {
	out := incluster.EnvList(a.Env)
	for _, k := range slices.Sorted(maps.Keys(a.EnvFromSecrets)) {
		out = append(out, map[string]any{
			"name": k,
			"valueFrom": map[string]any{"secretKeyRef": map[string]any{
				"name": incluster.AppSecretName,
				"key":  a.EnvFromSecrets[k],
			}},
		})
	}
	return out
}

// appEnvFrom takes the application's ConfigMap as variables.
func appEnvFrom(a *App) []any {
	if len(a.Config) == 0 {
		return nil
	}
	return []any{map[string]any{"configMapRef": map[string]any{"name": a.Name + "-config"}}}
}

// appVolumes are the writable empty directories the application asks for (/tmp comes with every pod).
func appVolumes(a *App) ([]any, []any) {
	var vols, mounts []any
	for i, p := range a.WritablePaths {
		if p == "/tmp" {
			continue
		}
		name := "writable-" + incluster.Itoa(int64(i))
		vols = append(vols, map[string]any{"name": name, "emptyDir": map[string]any{}})
		mounts = append(mounts, map[string]any{"name": name, "mountPath": p})
	}
	return vols, mounts
}
