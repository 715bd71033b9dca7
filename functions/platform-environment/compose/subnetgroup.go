package compose

// DatabaseSubnetGroup starts the subnet group of a database or cache (RDS or ElastiCache, by apiVersion)
// over the database subnets of every zone: they have no route out of the VPC, so what runs in them is
// reachable from inside only (FSBP ElastiCache.7 asks for a group that is not the default one). part
// names it in AWS by the RDS rule (63, lower case), which ElastiCache's 255 characters fit unshortened.
// Stateful: an instance or replication group left in AWS needs its subnet group.
func (e *Env) DatabaseSubnetGroup(name, apiVersion, part, description string) *MR {
	return e.NewAWS(name, apiVersion, "SubnetGroup").
		ExternalName(e.AWSName(RuleRDS, part)).
		Stateful().
		ForProvider(map[string]any{
			"description":  description,
			"subnetIdRefs": e.Refs(e.Subnets(TierDatabase)...),
		})
}
