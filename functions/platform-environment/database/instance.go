package database

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// port is PostgreSQL's; the network's database security group admits it from the nodes only.
const port = 5432

// logExports go to CloudWatch Logs (FSBP RDS.9): the server log (connections, DDL, slow statements, per
// the parameter group) and the major-version upgrade log.
var logExports = []any{"postgresql", "upgrade"}

// subnetGroup renders the DB subnet group over the database subnets of every zone: no route out of the
// VPC, so the instance is reachable from inside only. Stateful: an instance left in AWS needs it.
func dbSubnetGroup(env *compose.Env) compose.Result {
	var res compose.Result
	res.Add(env.DatabaseSubnetGroup(subnetGroup, apiRDS, "db-subnets", "Database subnets of "+env.Namespace+"/"+env.Name))
	return res
}

// instance renders the RDS instance once its KMS key reports an ARN (Performance Insights takes the ARN
// only, and its key can never change afterwards, so the instance must not be created without it).
func instance(env *compose.Env, r v1alpha1.ResolvedDatabase) compose.Result {
	var res compose.Result
	keyARN, ok := env.Observed.ARN(kmsKey)
	conds := []compose.Cond{compose.Needs(ok, kmsKey+"'s ARN (Performance Insights takes only an ARN)")}
	// A new instance waits for the groups of its exported logs, or RDS creates them without retention or
	// encryption; an existing one is rendered whatever they say (their MRs adopt the groups RDS made).
	for _, e := range logExports {
		conds = append(conds, env.Observed.ReadyCond(logGroupResource(e.(string))))
	}
	if !res.Gate(env.Observed, compose.Database, conds...) {
		if !ok && env.Observed.Exists(compose.Database) {
			res.Wait(component, compose.Database+" waits for "+kmsKey+"'s ARN (Performance Insights takes only an ARN)")
		}
		return res
	}
	observedCA, _ := env.Observed.String(compose.Database, "status.atProvider.caCertIdentifier")
	fp := map[string]any{
		"identifier":              r.Identifier,
		"engine":                  r.Engine,
		"engineVersion":           r.EngineVersion,
		"autoMinorVersionUpgrade": true,
		"instanceClass":           r.InstanceClass,
		"allocatedStorage":        r.AllocatedStorageGiB,
		"maxAllocatedStorage":     r.MaxAllocatedStorageGiB,
		"storageType":             "gp3",
		"multiAz":                 r.MultiAZ,
		"port":                    port,
		"dbSubnetGroupNameRef":    env.Ref(subnetGroup),
		"vpcSecurityGroupIdRefs":  env.Refs(compose.SecurityGroupDatabase),
		"publiclyAccessible":      false,
		"parameterGroupNameRef":   env.Ref(parameterGroupName(r.ParameterGroupFamily)),

		// RDS generates the master password, keeps it in Secrets Manager under our key and rotates it;
		// no password ever passes through Kubernetes.
		"manageMasterUserPassword":    true,
		"masterUserSecretKmsKeyIdRef": env.Ref(kmsKey),
		// IAM database authentication (FSBP RDS.10) lets workloads connect with their IAM role instead.
		"iamDatabaseAuthenticationEnabled": true,
		// Pinned: the pods verify the server against this CA's bundle (sslmode=verify-full); an instance
		// already on another CA the bundle trusts keeps it (a change restarts the instance).
		"caCertIdentifier": compose.RDSCAFor(observedCA),

		"backupRetentionPeriod": r.BackupRetentionDays,
		"backupWindow":          r.BackupWindow,
		"maintenanceWindow":     r.MaintenanceWindow,
		"copyTagsToSnapshot":    true,
		"deletionProtection":    env.DeletionProtection,
		// Automated backups outlive a deleted instance for their retention period, except in dev.
		"deleteAutomatedBackups": env.Profile == "dev",

		"performanceInsightsEnabled":         true,
		"performanceInsightsKmsKeyId":        keyARN,
		"performanceInsightsRetentionPeriod": r.PerformanceInsightsRetentionDays,
		// Performance Insights lives on as CloudWatch Database Insights' standard mode.
		"databaseInsightsMode":         "standard",
		"monitoringInterval":           r.MonitoringIntervalSeconds,
		"monitoringRoleArnRef":         env.Ref(monitoringRole),
		"enabledCloudwatchLogsExports": logExports,
	}
	if r.SnapshotIdentifier != "" {
		// A restored instance takes its database, master user and encryption from the snapshot (RDS
		// offers no key choice on restore; a different key would be a change the provider refuses).
		fp["snapshotIdentifier"] = r.SnapshotIdentifier
	} else {
		fp["dbName"] = r.DatabaseName
		fp["username"] = r.MasterUsername
		fp["storageEncrypted"] = true
		fp["kmsKeyIdRef"] = env.Ref(kmsKey)
	}
	if r.FinalSnapshotIdentifier != "" {
		fp["skipFinalSnapshot"] = false
		fp["finalSnapshotIdentifier"] = r.FinalSnapshotIdentifier
	} else {
		fp["skipFinalSnapshot"] = true
	}
	if r.AllowMajorVersionUpgrade {
		fp["allowMajorVersionUpgrade"] = true
	}
	res.Add(env.NewAWS(compose.Database, apiRDS, "Instance").
		Stateful().
		ConnectionSecret().
		ForProvider(fp))
	return res
}
