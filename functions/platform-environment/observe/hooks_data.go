package observe

import (
	"fmt"
	"strings"
)

// Observed fields of the data tier: what RDS and ElastiCache report once an instance or replication
// group exists, shaped like AWS's answers (KMS keys are observed in hooks_kms_logs_iam.go).
func init() {
	Register("rds.aws.m.upbound.io", "Instance", func(obj map[string]any, f Facts) {
		fp := forProviderMap(obj)
		identifier, _ := fp["identifier"].(string)
		// The external name of an instance is its resource id (db-…), which AWS makes up.
		rid := "db-" + strings.ToUpper(hashHex("rds", f.Name)[:26])
		setExternalName(obj, rid)
		port := int64(5432)
		if p, ok := fp["port"].(float64); ok {
			port = int64(p)
		}
		address := identifier + ".c" + hashHex("rds-host", f.Name)[:10] + "." + f.Region + ".rds.amazonaws.com"
		version, _ := fp["engineVersion"].(string)
		if version != "" && !strings.Contains(version, ".") {
			version += ".6" // RDS picks the major's newest minor
		}
		at := atProvider(obj)
		at["id"] = rid
		at["resourceId"] = rid
		at["identifier"] = identifier
		at["arn"] = "arn:aws:rds:" + f.Region + ":" + Account + ":db:" + identifier
		at["address"] = address
		at["port"] = port
		at["endpoint"] = fmt.Sprintf("%s:%d", address, port)
		at["engineVersionActual"] = version
		at["status"] = "available"
		if fp["manageMasterUserPassword"] == true {
			// RDS names the secret after the resource id and appends six random characters.
			at["masterUserSecret"] = []any{map[string]any{
				"secretArn":    "arn:aws:secretsmanager:" + f.Region + ":" + Account + ":secret:rds!" + strings.ToLower(rid) + "-" + hashHex("secret", f.Name)[:6],
				"secretStatus": "active",
			}}
		}
	})
	Register("elasticache.aws.m.upbound.io", "ReplicationGroup", func(obj map[string]any, f Facts) {
		fp := forProviderMap(obj)
		id := f.ID // the replication group id is the external name
		n := 1
		if v, ok := fp["numCacheClusters"].(float64); ok && v > 0 {
			n = int(v)
		}
		members := make([]any, n)
		for i := range members {
			members[i] = fmt.Sprintf("%s-%03d", id, i+1)
		}
		host := id + "." + hashHex("elasticache", f.Name)[:6] + "." + dataRegionShort(f.Region) + ".cache.amazonaws.com"
		version, _ := fp["engineVersion"].(string)
		at := atProvider(obj)
		at["arn"] = "arn:aws:elasticache:" + f.Region + ":" + Account + ":replicationgroup:" + id
		at["primaryEndpointAddress"] = "master." + host
		at["readerEndpointAddress"] = "replica." + host
		at["port"] = int64(6379)
		at["memberClusters"] = members
		at["engineVersionActual"] = version + ".0"
		at["clusterEnabled"] = false
	})
}

// dataRegionShort is how ElastiCache endpoints abbreviate a region: us-east-1 → use1.
func dataRegionShort(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	return parts[0] + parts[1][:1] + parts[2]
}
