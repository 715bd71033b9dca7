package checks

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Composition resource names of the database setup.
const (
	DatabaseSetupPrefix = "apps-database-setup-"
	DatabaseRoleSync    = "apps-database-role-sync"
)

// databaseSetupScript creates the applications' role (if missing), lets it connect and create in the
// public schema, and sets its password from APP_DB_PASSWORD. The password is set with psql's \password,
// which sends only the SCRAM verifier computed in the client: the database's statement log (log_statement
// = ddl) never sees the password. The script itself holds no secret.
const databaseSetupScript = `set -eu
psql -v ON_ERROR_STOP=1 -v role="$APP_DB_USER" -v db="$PGDATABASE" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'role') \gexec
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'role') \gexec
SQL
printf '%s\n%s\n' "$APP_DB_PASSWORD" "$APP_DB_PASSWORD" | psql -v ON_ERROR_STOP=1 -c "\\password \"$APP_DB_USER\""
echo "database role $APP_DB_USER is ready"
`

// databaseSetup renders, when an application takes database-url, what gives the applications their own
// database role, with the credentials of the secrets package's database-setup ExternalSecret: a Job
// that runs the setup script once
// per database endpoint and script version (applications' migrations wait for it), and a CronJob that runs
// it hourly, so a password rotated in Secrets Manager reaches the role without a render. The master user
// is used by these Jobs only.
func (b *builder) databaseSetup() compose.Result {
	var res compose.Result
	if !b.Spec.Addons.ExternalSecrets.Enabled || !b.Spec.UsesSecret(incluster.SecretDatabaseURL) {
		return res
	}
	e := b.Endpoints()
	pod := func() map[string]any {
		return incluster.PodSpec(incluster.PodOptions{
			RestartPolicy: "Never",
			Containers: []any{incluster.Container(incluster.ContainerOptions{
				Name:    "setup",
				Image:   postgresImage,
				Command: []string{"/bin/sh", "-c", databaseSetupScript},
				Env: incluster.EnvList(map[string]string{
					"PGHOST":            e.DBHost,
					"PGPORT":            incluster.Itoa(e.DBPort),
					"PGDATABASE":        e.DBName,
					"PGSSLMODE":         "require",
					"PGCONNECT_TIMEOUT": "10",
					"APP_DB_USER":       incluster.AppDatabaseUser,
				}),
				EnvFromSecret: "database-setup",
				Requests:      map[string]string{"cpu": "50m", "memory": "64Mi"},
				Limits:        map[string]string{"memory": "128Mi"},
			})},
			RunAsUser: 70, // the postgres image's own user
		})
	}

	name, ok := b.databaseSetupJob()
	// One setup Job per endpoint: an older one stays until the current one is rendered; while the
	// endpoint is unknown the Jobs there are stay, and so does the CronJob.
	res.Supersede(DatabaseSetupPrefix, name)
	if !ok {
		res.Want(DatabaseRoleSync)
		res.Wait(incluster.AppsComponent, "the database setup waits for the database's address ("+compose.Database+")")
		return res
	}
	if res.Gate(b.Env.Observed, name, b.InCluster(), b.Env.Observed.ReadyCond(compose.Database), b.Env.Observed.ReadyCond(incluster.SecretDatabaseSetup)) {
		m := incluster.Manifest("batch/v1", "Job", incluster.PlatformNamespace, "database-setup-"+name[len(DatabaseSetupPrefix):], nil)
		m["spec"] = map[string]any{
			"backoffLimit":          4,
			"activeDeadlineSeconds": 600,
			"template":              map[string]any{"spec": pod()},
		}
		res.Add(b.Object(name, m, incluster.Completed))
	}
	if res.Gate(b.Env.Observed, DatabaseRoleSync, b.InCluster(), b.Env.Observed.ExistsCond(name)) {
		m := incluster.Manifest("batch/v1", "CronJob", incluster.PlatformNamespace, "database-role-sync", nil)
		m["spec"] = map[string]any{
			"schedule":                   "17 * * * *",
			"concurrencyPolicy":          "Forbid",
			"successfulJobsHistoryLimit": 1,
			"failedJobsHistoryLimit":     3,
			"jobTemplate": map[string]any{"spec": map[string]any{
				"backoffLimit":          2,
				"activeDeadlineSeconds": 600,
				"template":              map[string]any{"spec": pod()},
			}},
		}
		res.Add(b.Object(DatabaseRoleSync, m, incluster.OnCreate))
	}
	return res
}

// databaseSetupJob is the composition resource name of the current version's setup Job: one per database
// endpoint, database and script, so a new endpoint or script runs the setup again (the superseded
// version's Job is retired once its successor renders). ok is false while the database's address is
// unknown.
func (b *builder) databaseSetupJob() (string, bool) {
	e := b.Endpoints()
	if !e.DBOK {
		return "", false
	}
	return DatabaseSetupPrefix + incluster.Hash(e.DBHost, incluster.Itoa(e.DBPort), e.DBName, databaseSetupScript, postgresImage), true
}

// DatabaseReady is the condition that the applications' database role exists: the current setup Job
// succeeded. The applications' migrations wait for it (workloads.Input).
func DatabaseReady(env *compose.Env, spec *incluster.Spec) compose.Cond {
	b := &builder{Builder: incluster.Builder{Env: env, Spec: spec}}
	name, ok := b.databaseSetupJob()
	if !ok {
		return compose.Known(false, "the database's address ("+compose.Database+")")
	}
	return compose.Known(b.Env.Observed.Ready(name), "the database setup Job ("+name+") to succeed")
}
