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
// and what was slow" in CloudWatch Logs without logging every statement. These are dynamic parameters,
// which RDS applies without a reboot.
//
// max_connections is set explicitly (compose.PostgresMaxConnections) so that the connections alarm, which
// derives its threshold from the same value, matches the server's limit. It is a static parameter: RDS
// takes it only with apply method pending-reboot, so a new instance starts with it, but a running one
// keeps its current limit until its next reboot (a maintenance, a class change, or by hand); RDS shows the
// group as pending-reboot until then. The value errs below RDS's default, so meanwhile the alarm fires
// early rather than late. A class outside the table keeps RDS's default and no connections alarm.
// The parameter set changes in place (ModifyDBParameterGroup): only the family and the name replace a group.
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
	out := make([]any, 0, len(p)+1)
	for _, x := range p {
		out = append(out, map[string]any{"name": x.name, "value": x.value, "applyMethod": "immediate"})
	}
	if n, ok := compose.PostgresMaxConnections(r.InstanceClass); ok {
		out = append(out, map[string]any{"name": "max_connections", "value": strconv.Itoa(n), "applyMethod": "pending-reboot"})
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
