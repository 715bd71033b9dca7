package database

import (
	"strconv"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// parameterGroupName returns the composition resource name of the family's parameter group.
func parameterGroupName(family string) string { return parametersPrefix + family }

// parameters returns the instance's PostgreSQL settings: TLS required for every connection (no
// clear-text database traffic, whatever the client asks for), and logging that answers "who connected, what changed
// and what was slow" in CloudWatch Logs without logging every statement. All are dynamic parameters, so
// RDS applies them without a reboot.
func parameters(r v1alpha1.ResolvedDatabase) []any {
	p := []struct{ name, value string }{
		{"rds.force_ssl", "1"},
		{"log_connections", "1"},
		{"log_disconnections", "1"},
		{"log_lock_waits", "1"},
		{"log_min_duration_statement", strconv.Itoa(int(r.SlowQueryThresholdMs))},
		// DDL only: data statements can carry personal data and would flood the logs.
		{"log_statement", "ddl"},
		// Temporary files over 10 MB point at queries that need more work_mem or an index.
		{"log_temp_files", "10240"},
		{"log_autovacuum_min_duration", "10000"},
	}
	out := make([]any, len(p))
	for i, x := range p {
		out[i] = map[string]any{"name": x.name, "value": x.value, "applyMethod": "immediate"}
	}
	return out
}

// parameterGroup renders the parameter group of the resolved engine family, and retires the groups of
// earlier families once the instance has moved off them: after a major version upgrade, the old group
// stays (kept as observed) until the instance reports the new one, because RDS refuses to delete a group
// in use. Stateful: an instance left in AWS by deletion protection keeps its group.
func parameterGroup(env *compose.Env, r v1alpha1.ResolvedDatabase) compose.Result {
	var res compose.Result
	name := parameterGroupName(r.ParameterGroupFamily)
	awsName := env.AWSName(compose.RuleRDS, "pg-"+r.ParameterGroupFamily)
	res.Add(env.NewAWS(name, apiRDS, "ParameterGroup").
		ExternalName(awsName).
		Stateful().
		ForProvider(map[string]any{
			"family":      r.ParameterGroupFamily,
			"description": "PostgreSQL settings of " + env.Namespace + "/" + env.Name + ": TLS required, connection, DDL and slow-query logging",
			"parameter":   parameters(r),
		}))

	// Older families' groups stay until the instance reports this one.
	inUse, ok := env.Observed.String(compose.Database, "status.atProvider.parameterGroupName")
	res.Supersede(parametersPrefix, name, compose.Cond{OK: ok && inUse == awsName, Reason: compose.Database + " to use " + awsName})
	return res
}
