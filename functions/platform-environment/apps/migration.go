package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// migrationJob is the composition resource name of the migration Job of the application's spec version:
// one Job per version (the application's image) and per template (namespace and everything the pod is
// built from: migration image and command, env, config, secrets, resources, user, writable paths), since
// a Job runs once and Kubernetes cannot change its template. ok is false without a migration.
func (b *builder) migrationJob(a *App) (string, bool) {
	if a.Migration == nil {
		return "", false
	}
	return migrationPrefix(a.Name) + hash(a.Image, a.Namespace, compose.MustJSON(b.migrationTemplate(a))), true
}

// migrationTemplate is the migration Job's spec.template: the application's environment and service
// account, the migration's image and command.
func (b *builder) migrationTemplate(a *App) map[string]any {
	m := a.Migration
	vols, mounts := a.volumes()
	pod := podSpec(podOptions{
		serviceAccount: a.Name,
		restartPolicy:  "Never",
		containers: []any{container(containerOptions{
			name:     "migrate",
			image:    m.Image,
			command:  m.Command,
			env:      a.env(),
			envFrom:  a.envFrom(),
			requests: a.Requests,
			limits:   a.Limits,
			mounts:   mounts,
		})},
		runAsUser: a.RunAsUser,
		volumes:   vols,
	})
	return map[string]any{"metadata": map[string]any{"labels": b.migrationLabels(a)}, "spec": pod}
}

// migrationLabels are the migration Job's and its pod's labels.
func (b *builder) migrationLabels(a *App) map[string]any {
	labels := b.labels(a)
	labels["app.kubernetes.io/component"] = "migration"
	return labels
}

// migrated is the condition that the spec version's migration succeeded (true without a migration).
func (b *builder) migrated(a *App) compose.Cond {
	name, ok := b.migrationJob(a)
	if !ok {
		return compose.Known(true, "")
	}
	return compose.Known(b.env.Observed.Ready(name), "the migration Job "+name+" to succeed")
}

// migratedNeeded is migrated as a value the Deployment is made of: an existing Deployment stays at the
// version it runs (not rendered, kept as observed) until the spec version's migration succeeded.
func (b *builder) migratedNeeded(a *App) compose.Cond {
	c := b.migrated(a)
	c.Needed = true
	return c
}

// migration renders the Job of the spec version's migration step. It runs with the application's
// environment (ConfigMap, env, secrets: DATABASE_URL is the application's own role, which then owns the
// schema) and service account, after the database setup created that role. One Job per version (a Job
// cannot be updated): the previous version's Job is retired once the current one renders.
func (b *builder) migration(a *App) compose.Result {
	var res compose.Result
	name, ok := b.migrationJob(a)
	if !ok {
		return res
	}
	res.Supersede(migrationPrefix(a.Name), name)
	conds := []compose.Cond{b.inCluster(), b.namespaceExists(a.Namespace), b.env.Observed.ExistsCond(accountObject(a.Name)), b.secretsReady(a)}
	if len(a.Config) > 0 {
		conds = append(conds, b.env.Observed.ExistsCond(configObject(a.Name)))
	}
	if a.usesSecret(SecretDatabaseURL) {
		conds = append(conds, b.databaseReady())
	}
	if len(a.IAM) > 0 {
		conds = append(conds, b.identityReady(appIdentity(a)))
	}
	if !res.Gate(b.env.Observed, name, conds...) {
		return res
	}
	m := a.Migration
	job := manifest("batch/v1", "Job", a.Namespace, a.Name+"-migrate-"+name[len(migrationPrefix(a.Name)):], b.migrationLabels(a))
	job["spec"] = map[string]any{
		"backoffLimit":          m.BackoffLimit,
		"activeDeadlineSeconds": m.TimeoutSeconds,
		"template":              b.migrationTemplate(a),
	}
	res.Add(b.object(name, job, completed))
	return res
}

// jobPhase reads a Job's phase from the cluster's report: Succeeded, Failed, Running or Pending.
func (b *builder) jobPhase(name string) (string, string) {
	job, ok := b.remote(name)
	if !ok {
		if b.env.Observed.Exists(name) {
			return "Pending", ""
		}
		return "", ""
	}
	st, _ := job["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["status"] != "True" {
			continue
		}
		switch m["type"] {
		case "Complete", "SuccessCriteriaMet":
			return "Succeeded", ""
		case "Failed", "FailureTarget":
			msg, _ := m["message"].(string)
			return "Failed", msg
		}
	}
	if number(st["succeeded"]) > 0 {
		return "Succeeded", ""
	}
	if number(st["active"]) > 0 {
		return "Running", ""
	}
	return "Pending", ""
}

// number reads a JSON number, whichever Go type the decoder chose.
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return 0
}
