package main

import (
	"maps"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/test/validate"
)

// Immutability: fields AWS cannot change in place (or would change only by replacing what holds data)
// have CEL transition rules (oldSelf). Each case is an update checked against the generated XRD schema
// as kube-apiserver checks it, including the case the field-level `self == oldSelf` cannot see: an
// optional field added or removed (the spec-level has() rules).
func TestImmutableFields(t *testing.T) {
	seed := readXR(t, "seed-production")
	dev := readXR(t, "dev")
	prod := readXR(t, "prod")
	cases := map[string]struct {
		reason   string
		old, new map[string]any
		// field the rejection must name; "" means the update is allowed.
		field string
	}{
		"RegionChanged":           {reason: "An environment cannot move between regions.", old: seed, new: set(set(seed, "region", "us-east-2"), "network.availabilityZones", []any{"us-east-2a", "us-east-2b", "us-east-2c"}), field: "spec.region"},
		"VPCCIDRChanged":          {reason: "AWS cannot change a VPC's primary CIDR.", old: seed, new: set(seed, "network.vpcCidr", "10.1.0.0/16"), field: "spec.network.vpcCidr"},
		"VPCCIDRRemoved":          {reason: "Removing it re-defaults it to 10.0.0.0/16: a change.", old: dev, new: set(dev, "network.vpcCidr", nil), field: "spec.network.vpcCidr"},
		"ZonesChanged":            {reason: "Subnets cannot move between zones.", old: seed, new: set(seed, "network.availabilityZones", []any{"us-east-1a", "us-east-1b", "us-east-1d"}), field: "spec.network.availabilityZones"},
		"ZonesAdded":              {reason: "Zones resolved from the region at creation cannot be pinned to others later.", old: prod, new: set(prod, "network.availabilityZones", []any{"eu-central-1a", "eu-central-1b"}), field: "spec.network.availabilityZones"},
		"ZonesRemoved":            {reason: "Removing the zones would let the function resolve others.", old: dev, new: set(dev, "network.availabilityZones", nil), field: "spec.network.availabilityZones"},
		"SubnetCIDRChanged":       {reason: "AWS cannot change a subnet's CIDR.", old: seed, new: set(seed, "network.privateSubnetCidrs", []any{"10.0.11.0/24", "10.0.12.0/24", "10.0.14.0/24"}), field: "spec.network.privateSubnetCidrs"},
		"SubnetCIDRsRemoved":      {reason: "Removing explicit CIDRs would compute others.", old: seed, new: set(seed, "network.databaseSubnetCidrs", nil), field: "spec.network"},
		"SubnetPrefixAdded":       {reason: "A prefix length set later would recompute the subnets.", old: dev, new: set(dev, "network.subnetPrefixLength", 22), field: "spec.network"},
		"DatabaseEngineChanged":   {reason: "RDS cannot change an instance's engine (postgres is the only value today; the transition rule guards the day there are more).", old: seed, new: set(seed, "database.engine", "mysql"), field: "spec.database.engine"},
		"DatabaseNameChanged":     {reason: "RDS creates the database once.", old: seed, new: set(seed, "database.databaseName", "other"), field: "spec.database.databaseName"},
		"DatabaseNameRemoved":     {reason: "Removing it would switch to the default name and replace the instance.", old: seed, new: set(seed, "database.databaseName", nil), field: "spec.database.databaseName"},
		"DatabaseNameAdded":       {reason: "Adding it would replace the instance.", old: dev, new: set(dev, "database.databaseName", "app"), field: "spec.database.databaseName"},
		"MasterUsernameAdded":     {reason: "RDS cannot rename the master user.", old: seed, new: set(seed, "database.masterUsername", "admin2"), field: "spec.database.masterUsername"},
		"SnapshotAdded":           {reason: "A snapshot only seeds a new instance.", old: seed, new: set(seed, "database.snapshotIdentifier", "snap-1"), field: "spec.database.snapshotIdentifier"},
		"StorageShrunk":           {reason: "RDS cannot reduce storage.", old: seed, new: set(seed, "database.allocatedStorageGiB", 50), field: "spec.database.allocatedStorageGiB"},
		"CacheEngineDowngraded":   {reason: "ElastiCache cannot go from valkey back to redis.", old: set(set(seed, "cache.engine", "valkey"), "cache.engineVersion", "8.0"), new: set(seed, "cache.engineVersion", "7.1"), field: "spec.cache.engine"},
		"ProviderPrincipalChange": {reason: "An access entry's principal is immutable.", old: seed, new: set(seed, "cluster.providerPrincipalArn", "arn:aws:iam::123456789012:role/other"), field: "spec.cluster.providerPrincipalArn"},
		"ProviderPrincipalRemove": {reason: "Removing the principal is a change too.", old: seed, new: set(seed, "cluster.providerPrincipalArn", nil), field: "spec.cluster.providerPrincipalArn"},
		"ZoneIDAdded":             {reason: "Switching from a created to an existing hosted zone orphans records.", old: seed, new: set(seed, "dns.zoneId", "Z0123456789ABCDEFGHIJ"), field: "spec.dns.zoneId"},
		"ProviderConfigRenamed":   {reason: "Every MR would move to another ProviderConfig (possibly another account): all created again, the old ones leaked.", old: seed, new: set(seed, "providerConfigRef.name", "other-account"), field: "spec.providerConfigRef"},
		"ProviderConfigKind":      {reason: "A ClusterProviderConfig of the same name is another ProviderConfig.", old: seed, new: set(seed, "providerConfigRef.kind", "ClusterProviderConfig"), field: "spec.providerConfigRef"},
		"ProviderConfigRemoved":   {reason: "Removing it re-defaults it to ProviderConfig/default: a change when it named another.", old: set(seed, "providerConfigRef", map[string]any{"kind": "ProviderConfig", "name": "team-a"}), new: set(seed, "providerConfigRef", nil), field: "spec.providerConfigRef"},
		"DomainChanged":           {reason: "The zone, certificate, records and SES identities are the domain's (ForceNew or external name).", old: seed, new: set(seed, "domain", "example.org"), field: "spec.domain"},
		"DomainRemoved":           {reason: "Removing the domain retires the edge, the zone and SES of a live environment.", old: prod, new: set(prod, "domain", nil), field: "spec.domain"},
		"DomainCase":              {reason: "A change of case is a change of the stored value; the edit gains nothing.", old: seed, new: set(seed, "domain", "CloudPartner.pro"), field: "spec.domain"},
		"StorageRemoved":          {reason: "A left-out allocatedStorageGiB is 100 GiB: removing 200 shrinks the instance.", old: set(seed, "database.allocatedStorageGiB", 200), new: set(seed, "database.allocatedStorageGiB", nil), field: "spec.database.allocatedStorageGiB"},
		"StorageAddedSmaller":     {reason: "An instance created with the default 100 GiB cannot shrink to 50.", old: dev, new: set(dev, "database.allocatedStorageGiB", 50), field: "spec.database.allocatedStorageGiB"},
		"PostgresMajorDown":       {reason: "RDS cannot downgrade an instance's major version.", old: seed, new: set(seed, "database.engineVersion", "16"), field: "spec.database.engineVersion"},
		"PostgresMinorDown":       {reason: "RDS cannot downgrade a minor version either.", old: set(seed, "database.engineVersion", "17.6"), new: set(seed, "database.engineVersion", "17.4"), field: "spec.database.engineVersion"},
		"PostgresMinorTwoDigits":  {reason: "Minors compare as numbers: 17.10 → 17.9 is a downgrade (a string comparison would admit it).", old: set(seed, "database.engineVersion", "17.10"), new: set(seed, "database.engineVersion", "17.9"), field: "spec.database.engineVersion"},
		"CacheVersionDown":        {reason: "ElastiCache cannot downgrade a replication group.", old: seed, new: set(seed, "cache.engineVersion", "7.0"), field: "spec.cache.engineVersion"},
		"CacheValkeyVersionDown":  {reason: "Within valkey, too.", old: set(set(seed, "cache.engine", "valkey"), "cache.engineVersion", "8.1"), new: set(set(seed, "cache.engine", "valkey"), "cache.engineVersion", "8.0"), field: "spec.cache.engineVersion"},
		"ClusterVersionDown":      {reason: "EKS cannot downgrade a cluster.", old: set(seed, "cluster.version", "1.36"), new: set(seed, "cluster.version", "1.35"), field: "spec.cluster.version"},
		"ClusterVersionRemoved":   {reason: "A left-out version re-defaults to 1.35: below 1.36.", old: set(seed, "cluster.version", "1.36"), new: set(seed, "cluster.version", nil), field: "spec.cluster.version"},

		"AppNamespaceChanged": {reason: "Every object of the application would be created again in the new namespace and the old ones leaked.", old: withApps(seed, func(a []any) { app(a, 0)["namespace"] = "team-a" }), new: withApps(seed, func(a []any) { app(a, 0)["namespace"] = "team-b" }), field: "spec.applications[].namespace"},
		"AppNamespaceAdded":   {reason: "Adding a namespace moves the application out of the default one.", old: seed, new: withApps(seed, func(a []any) { app(a, 0)["namespace"] = "team-a" }), field: "spec.applications[].namespace"},
		"AppNamespaceRemoved": {reason: "Removing it moves the application back to the default namespace.", old: withApps(seed, func(a []any) { app(a, 0)["namespace"] = "team-a" }), new: seed, field: "spec.applications[].namespace"},

		"HealthIntervalChanged": {reason: "Route 53 request_interval is ForceNew.", old: seed, new: set(seed, "dns.healthCheck.requestIntervalSeconds", 10), field: "spec.dns.healthCheck.requestIntervalSeconds"},
		"HealthIntervalRemoved": {reason: "A left-out interval is 30: removing 10 is a change.", old: set(seed, "dns.healthCheck.requestIntervalSeconds", 10), new: set(seed, "dns.healthCheck.requestIntervalSeconds", nil), field: "spec.dns.healthCheck.requestIntervalSeconds"},

		// What may change.
		"NodeSizes":          {reason: "Node group sizes are mutable.", old: seed, new: set(set(seed, "cluster.nodeGroup.maxSize", 12), "cluster.nodeGroup.desiredSize", 4)},
		"StorageGrown":       {reason: "Storage may grow.", old: seed, new: set(seed, "database.allocatedStorageGiB", 200)},
		"CacheRedisToValkey": {reason: "redis → valkey is ElastiCache's supported upgrade.", old: seed, new: set(set(seed, "cache.engine", "valkey"), "cache.engineVersion", "8.0")},
		"ClusterVersionUp":   {reason: "Kubernetes upgrades are mutable (the function sequences them).", old: seed, new: set(seed, "cluster.version", "1.36")},
		"TagsAndProfile":     {reason: "Tags and alarm e-mails are mutable.", old: seed, new: set(set(seed, "tags", map[string]any{"team": "a"}), "observability.alarmEmails", []any{"x@cloudpartner.pro"})},
		"ProtectionOff":      {reason: "Turning deletion protection off is the documented first step of deleting data.", old: seed, new: set(seed, "deletionProtection", false)},
		"DomainAdded":        {reason: "A domain may be added to an environment without one: the edge, zone and SES are created.", old: dev, new: set(dev, "domain", "dev.example.com")},
		"ProviderConfigSame": {reason: "Spelling out the default ProviderConfig changes nothing.", old: prod, new: set(prod, "providerConfigRef", map[string]any{"kind": "ProviderConfig", "name": "default"})},
		"StorageAddedSame":   {reason: "Writing down the default 100 GiB (or more) is no shrink.", old: dev, new: set(dev, "database.allocatedStorageGiB", 100)},
		"PostgresMinorUp":    {reason: "A minor upgrade applies in place.", old: set(seed, "database.engineVersion", "17.9"), new: set(seed, "database.engineVersion", "17.10")},
		"PostgresMajorUp":    {reason: "A major upgrade is admitted (the function asks for allowMajorVersionUpgrade).", old: seed, new: set(set(seed, "database.engineVersion", "18"), "database.allowMajorVersionUpgrade", true)},
		"PostgresPinToMajor": {reason: "major.minor to the major alone: RDS keeps the newest minor.", old: set(seed, "database.engineVersion", "17.6"), new: set(seed, "database.engineVersion", "17")},
		"CacheVersionUp":     {reason: "ElastiCache upgrades in place.", old: set(seed, "cache.engineVersion", "7.0"), new: seed},
		"ClusterVersionSame": {reason: "Removing a version equal to the default changes nothing.", old: seed, new: set(seed, "cluster.version", nil)},
		"AppNewInOtherNamespace": {reason: "The way out: a new application under another name in the new namespace (the old one removed later).", old: seed, new: withApps(seed, func(a []any) {
			n := maps.Clone(app(a, 0))
			n["name"] = "moved"
			n["namespace"] = "team-b"
			delete(n, "route")
			a[0] = n
		})},
		"AppNamespaceSameOrder":  {reason: "Reordering applications keeps each one's namespace (the rule pairs items by name).", old: withApps(seed, func(a []any) { app(a, 0)["namespace"] = "team-a" }), new: withApps(withApps(seed, func(a []any) { app(a, 0)["namespace"] = "team-a" }), func(a []any) { a[0], a[len(a)-1] = a[len(a)-1], a[0] })},
		"HealthIntervalWhileOff": {reason: "The way out: the interval changes with the health check off.", old: seed, new: set(set(seed, "dns.healthCheck.enabled", false), "dns.healthCheck.requestIntervalSeconds", 10)},
		"HealthIntervalTurnOn":   {reason: "Turning the health check on again with the new interval.", old: set(seed, "dns.healthCheck.enabled", false), new: set(seed, "dns.healthCheck.requestIntervalSeconds", 10)},
		"HealthIntervalSame":     {reason: "Writing down the default 30 changes nothing.", old: seed, new: set(seed, "dns.healthCheck.requestIntervalSeconds", 30)},
		"RoutePriorityMoved":     {reason: "An application's path-rule priority may change (in place; the function orders moves).", old: seed, new: withApps(seed, func(a []any) { app(a, 0)["route"].(map[string]any)["priority"] = 200 })},
	}
	v := validate.Shared(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// The old object is stored with the schema's defaults, as the API server stores it.
			if errs := v.XR(tc.old); len(errs) != 0 {
				t.Fatalf("the old object is not admitted: %v", errs)
			}
			errs := strings.Join(v.XRUpdate(tc.old, tc.new), "\n")
			switch {
			case tc.field == "" && errs != "":
				t.Errorf("%s\nthe update must be allowed, got:\n%s", tc.reason, errs)
			case tc.field != "" && !strings.Contains(errs, tc.field):
				t.Errorf("%s\nwant a rejection naming %s, got:\n%s", tc.reason, tc.field, errs)
			case tc.field != "" && !strings.Contains(errs, "immutable") && !strings.Contains(errs, "cannot") && !strings.Contains(errs, "supported values"):
				t.Errorf("%s\nthe message must say why and what to do, got:\n%s", tc.reason, errs)
			}
		})
	}
}
