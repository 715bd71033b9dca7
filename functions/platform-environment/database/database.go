// Package database renders the RDS PostgreSQL instance: its KMS key, DB subnet group on the database
// subnets, parameter group, enhanced-monitoring role and the instance itself.
//
// Creation order comes from references (…Ref), which Crossplane resolves and waits on, except where a
// value has no reference or the reference extracts the wrong form: the KMS key policy needs the account
// id (read from any observed ARN) and Performance Insights needs the key's ARN (its reference yields the
// key id, which the provider rejects), so the key waits for the account and the instance for the key.
//
// Deletion follows the environment's deletion protection: with it (prod), the instance, its key and what
// the instance keeps using (subnet group, parameter group, monitoring role) are rendered without the
// Delete management policy and AWS deletion protection is on, so deleting the environment leaves the
// database running in AWS; without it the instance is deleted after a final snapshot (none in dev).
package database

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	apiRDS = "rds.aws.m.upbound.io/v1beta1"
	apiKMS = "kms.aws.m.upbound.io/v1beta1"
	apiIAM = "iam.aws.m.upbound.io/v1beta1"
)

// Composition resource names of the database component (the instance is compose.Database).
const (
	kmsKey           = "database-kms-key"
	kmsAlias         = "database-kms-alias"
	subnetGroup      = "database-subnet-group"
	monitoringRole   = "database-monitoring-role"
	monitoringPolicy = "database-monitoring-policy"
	// parametersPrefix + family (e.g. database-params-postgres17): one parameter group per engine family,
	// because a major version upgrade switches the instance to a group of the new family.
	parametersPrefix = "database-params-"
	// logsPrefix + export (database-logs-postgresql, database-logs-upgrade): the log group RDS writes
	// each exported log to.
	logsPrefix = "database-logs-"
)

// component is the status component every resource here belongs to.
const component = "database"

// Output is the database's desired resources and status.
type Output struct {
	compose.Result
	Outputs *v1alpha1.DatabaseOutputs
}

// Build renders the database from its resolved spec.
func Build(env *compose.Env, r v1alpha1.ResolvedDatabase) Output {
	var out Output
	// The spec always composes the instance: what covers it (alarms, dashboard) follows that, not whether
	// it could be rendered this pass.
	out.Want(compose.Database)
	out.Merge(dbSubnetGroup(env))
	out.Merge(parameterGroup(env, r))
	account, ok := env.Observed.AccountID()
	if !ok {
		out.Wait(component, kmsKey+" waits for the AWS account ID (read from observed ARNs) for its key policy")
	} else {
		out.Merge(key(env, r, account))
		out.Merge(logGroups(env, r))
		out.Merge(monitoring(env, account))
		out.Merge(instance(env, r))
	}
	out.Outputs = outputs(env, r)
	return out
}

// outputs reads the instance's endpoint and secret from observed state. Nothing secret is read: the
// master password stays in Secrets Manager.
func outputs(env *compose.Env, r v1alpha1.ResolvedDatabase) *v1alpha1.DatabaseOutputs {
	o := &v1alpha1.DatabaseOutputs{}
	o.KMSKeyArn, _ = env.Observed.ARN(kmsKey)
	if !env.Observed.Exists(compose.Database) {
		return o
	}
	o.Identifier = r.Identifier
	o.ConnectionSecret = env.ResourceName(compose.Database)
	o.Address, _ = env.Observed.String(compose.Database, "status.atProvider.address")
	o.Endpoint, _ = env.Observed.String(compose.Database, "status.atProvider.endpoint")
	o.EngineVersion, _ = env.Observed.String(compose.Database, "status.atProvider.engineVersionActual")
	o.MasterUserSecretArn, _ = env.Observed.String(compose.Database, "status.atProvider.masterUserSecret[0].secretArn")
	o.Port, _ = env.Observed.Int32(compose.Database, "status.atProvider.port")
	return o
}
