package cache

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// port is Redis's; the network's cache security group admits it from the nodes only.
const port = 6379

// cacheSubnetGroup renders the cache subnet group over the database subnets of every zone (no route out
// of the VPC), not the default one (FSBP ElastiCache.7). Stateful: a group left in AWS needs it.
func cacheSubnetGroup(env *compose.Env) compose.Result {
	var res compose.Result
	res.Add(env.DatabaseSubnetGroup(subnetGroup, apiElastiCache, "cache-subnets", "Cache subnets of "+env.Namespace+"/"+env.Name))
	return res
}

// replicationGroup renders the replication group once its KMS key reports an ARN (see the package doc).
// Encryption at rest (FSBP ElastiCache.4) with our key and in transit (ElastiCache.5) with an AUTH token
// (ElastiCache.6) that the provider generates into a Secret of the environment's namespace on creation;
// daily snapshots (ElastiCache.1); minor upgrades in the maintenance window (ElastiCache.2); failover
// and Multi-AZ with two nodes or more (ElastiCache.3: the seed asks for one node, so its example does
// without).
func replicationGroup(env *compose.Env, r v1alpha1.ResolvedCache) compose.Result {
	var res compose.Result
	keyARN, ok := env.Observed.ARN(kmsKey)
	if !ok {
		res.Wait(component, compose.CacheReplicationGroup+" waits for "+kmsKey+"'s ARN (ElastiCache reports its key as an ARN, set once at creation)")
		return res
	}
	fp := map[string]any{
		"description":              "Cache of " + env.Namespace + "/" + env.Name,
		"engine":                   r.Engine,
		"engineVersion":            r.EngineVersion,
		"autoMinorVersionUpgrade":  "true",
		"nodeType":                 r.NodeType,
		"numCacheClusters":         r.NumCacheClusters,
		"automaticFailoverEnabled": r.AutomaticFailoverEnabled,
		"multiAzEnabled":           r.MultiAZ,
		"port":                     port,
		"subnetGroupNameRef":       env.Ref(subnetGroup),
		"securityGroupIdRefs":      env.Refs(compose.SecurityGroupCache),

		"atRestEncryptionEnabled":  "true",
		"kmsKeyId":                 keyARN,
		"transitEncryptionEnabled": true,
		"authTokenSecretRef":       map[string]any{"name": AuthTokenSecret(env), "key": authTokenKey},
		"autoGenerateAuthToken":    true,

		"snapshotRetentionLimit": r.SnapshotRetentionDays,
		"snapshotWindow":         r.SnapshotWindow,
		"maintenanceWindow":      r.MaintenanceWindow,
	}
	if r.FinalSnapshotIdentifier != "" {
		fp["finalSnapshotIdentifier"] = r.FinalSnapshotIdentifier
	}
	res.Add(env.NewAWS(compose.CacheReplicationGroup, apiElastiCache, "ReplicationGroup").
		ExternalName(r.ReplicationGroupID).
		Stateful().
		ConnectionSecret().
		ForProvider(fp))
	return res
}
