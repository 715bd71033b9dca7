package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Composition resource names of the database setup.
const (
	databaseSetupPrefix = "apps-database-setup-"
	databaseRoleSync    = "apps-database-role-sync"
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

// database renders, when an application takes database-url, what gives the applications their own
// database role: an ExternalSecret with the master credentials (from RDS's managed secret, JSON keys
// username and password) and the generated application password, a Job that runs the setup script once
// per database endpoint and script version (applications' migrations wait for it), and a CronJob that runs
// it hourly, so a password rotated in Secrets Manager reaches the role without a render. The master user
// is used by these Jobs only.
func (b *builder) database() compose.Result {
	var res compose.Result
	if !b.r.Addons.ExternalSecrets.Enabled || !b.r.UsesSecret(SecretDatabaseURL) {
		return res
	}
	e := b.endpoints()
	master, masterOK := b.masterSecretARN()
	if res.Gate(b.env.Observed, secretDatabaseSetup, b.inCluster(), b.esoReady(), b.namespaceExists(PlatformNamespace), b.env.Observed.ExistsCond(secretStore),
		compose.Needs(masterOK, "the database's master user secret ("+compose.Database+")"), b.env.Observed.ExistsCond(databasePassword.push())) {
		m := externalSecret(PlatformNamespace, "database-setup", "database-setup", map[string]string{
			"PGUSER":          "{{ .username }}",
			"PGPASSWORD":      "{{ .password }}",
			"APP_DB_PASSWORD": "{{ .apppassword }}",
		}, []secretSource{
			{variable: "username", key: master, property: "username"},
			{variable: "password", key: master, property: "password"},
			{variable: "apppassword", key: b.env.SecretsPrefix() + databasePassword.key},
		})
		res.Add(b.object(secretDatabaseSetup, m, fromObject))
	}
	res.Merge(b.usage(secretDatabaseSetup+"-uses-eso", esoRelease, secretDatabaseSetup))

	pod := func() map[string]any {
		return podSpec(podOptions{
			restartPolicy: "Never",
			containers: []any{container(containerOptions{
				name:    "setup",
				image:   postgresImage,
				command: []string{"/bin/sh", "-c", databaseSetupScript},
				env: envList(map[string]string{
					"PGHOST":            e.dbHost,
					"PGPORT":            itoa(e.dbPort),
					"PGDATABASE":        e.dbName,
					"PGSSLMODE":         "require",
					"PGCONNECT_TIMEOUT": "10",
					"APP_DB_USER":       appDatabaseUser,
				}),
				envFromSecret: "database-setup",
				requests:      map[string]string{"cpu": "50m", "memory": "64Mi"},
				limits:        map[string]string{"memory": "128Mi"},
			})},
			runAsUser: 70, // the postgres image's own user
		})
	}

	name, ok := b.databaseSetupJob()
	// One setup Job per endpoint: an older one stays until the current one is rendered; while the
	// endpoint is unknown the Jobs there are stay, and so does the CronJob.
	res.Supersede(databaseSetupPrefix, name)
	if !ok {
		res.Want(databaseRoleSync)
		res.Wait(appsComponent, "the database setup waits for the database's address ("+compose.Database+")")
		return res
	}
	if res.Gate(b.env.Observed, name, b.inCluster(), b.env.Observed.ReadyCond(compose.Database), b.env.Observed.ReadyCond(secretDatabaseSetup)) {
		m := manifest("batch/v1", "Job", PlatformNamespace, "database-setup-"+name[len(databaseSetupPrefix):], nil)
		m["spec"] = map[string]any{
			"backoffLimit":          4,
			"activeDeadlineSeconds": 600,
			"template":              map[string]any{"spec": pod()},
		}
		res.Add(b.object(name, m, completed))
	}
	if res.Gate(b.env.Observed, databaseRoleSync, b.inCluster(), b.env.Observed.ExistsCond(name)) {
		m := manifest("batch/v1", "CronJob", PlatformNamespace, "database-role-sync", nil)
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
		res.Add(b.object(databaseRoleSync, m, onCreate))
	}
	return res
}

// databaseSetupJob is the composition resource name of the current version's setup Job: one per database
// endpoint, database and script, so a new endpoint or script runs the setup again (the superseded
// version's Job is retired once its successor renders). ok is false while the database's address is
// unknown.
func (b *builder) databaseSetupJob() (string, bool) {
	e := b.endpoints()
	if !e.dbOK {
		return "", false
	}
	return databaseSetupPrefix + hash(e.dbHost, itoa(e.dbPort), e.dbName, databaseSetupScript, postgresImage), true
}

// databaseReady is the condition that the applications' database role exists: the current setup Job
// succeeded.
func (b *builder) databaseReady() compose.Cond {
	name, ok := b.databaseSetupJob()
	if !ok {
		return compose.Known(false, "the database's address ("+compose.Database+")")
	}
	return compose.Known(b.env.Observed.Ready(name), "the database setup Job ("+name+") to succeed")
}
