package workloads

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// migrationJob is the composition resource name of the migration Job of the application's spec version:
// one Job per version (the application's image) and per template (namespace and everything the pod is
// built from: migration image and command, env, config, secrets, resources, user, writable paths), since
// a Job runs once and Kubernetes cannot change its template. ok is false without a migration.
func (b *builder) migrationJob(a *App) (string, bool) {
	if a.Migration == nil {
		return "", false
	}
	return MigrationPrefix(a.Name) + incluster.Hash(a.Image, a.Namespace, compose.MustJSON(b.migrationTemplate(a))), true
}

// migrationTemplate is the migration Job's spec.template: the application's environment and service
// account, the migration's image and command.
func (b *builder) migrationTemplate(a *App) map[string]any {
	m := a.Migration
	vols, mounts := podVolumes(a)
	pod := incluster.PodSpec(incluster.PodOptions{
		ServiceAccount: a.Name,
		RestartPolicy:  "Never",
		Containers: []any{incluster.Container(incluster.ContainerOptions{
			Name:     "migrate",
			Image:    m.Image,
			Command:  m.Command,
			Env:      appEnv(a),
			EnvFrom:  appEnvFrom(a),
			Requests: a.Requests,
			Limits:   a.Limits,
			Mounts:   mounts,
		})},
		RunAsUser: a.RunAsUser,
		Volumes:   vols,
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
	return compose.Known(b.Env.Observed.Ready(name), "the migration Job "+name+" to succeed")
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
	res.Supersede(MigrationPrefix(a.Name), name)
	conds := []compose.Cond{b.InCluster(), b.NamespaceExists(a.Namespace), b.Env.Observed.ExistsCond(AccountObject(a.Name)), b.secretsReady(a)}
	if len(a.Config) > 0 {
		conds = append(conds, b.Env.Observed.ExistsCond(ConfigObject(a.Name)))
	}
	if a.UsesSecret(incluster.SecretDatabaseURL) {
		conds = append(conds, b.in.DatabaseReady)
	}
	if len(a.IAM) > 0 {
		conds = append(conds, b.IdentityReady(appIdentity(a)))
	}
	if !res.Gate(b.Env.Observed, name, conds...) {
		return res
	}
	m := a.Migration
	job := incluster.Manifest("batch/v1", "Job", a.Namespace, a.Name+"-migrate-"+name[len(MigrationPrefix(a.Name)):], b.migrationLabels(a))
	job["spec"] = map[string]any{
		"backoffLimit":          m.BackoffLimit,
		"activeDeadlineSeconds": m.TimeoutSeconds,
		"template":              b.migrationTemplate(a),
	}
	res.Add(b.Object(name, job, incluster.Completed))
	return res
}
