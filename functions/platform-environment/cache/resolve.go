package cache

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// engines lists the versions ElastiCache offers per engine for node-based groups (late 2026): Redis OSS
// ends at 7.1, its successor Valkey starts at 7.2. The XRD admits the same lists; a test keeps them in
// step. The default is each engine's newest version but one where a newer exists, so that the default
// has had a few months of fixes.
var engines = map[string]struct {
	versions       []string
	defaultVersion string
}{
	"redis":  {versions: []string{"6.2", "7.0", "7.1"}, defaultVersion: "7.1"},
	"valkey": {versions: []string{"7.2", "8.0", "8.1", "8.2"}, defaultVersion: "8.1"},
}

// Defaults: the seed's node type and port; windows that follow the database's (03:00-04:00 backups,
// Sunday 04:00-05:00 maintenance) without overlapping them.
const (
	defaultEngine            = "redis"
	defaultNodeType          = "cache.t3.micro"
	defaultSnapshotWindow    = "02:00-03:00"
	defaultMaintenanceWindow = "sun:05:00-sun:06:00"
	// minSnapshotWindow is ElastiCache's shortest snapshot window, in minutes.
	minSnapshotWindow = 60
)

var nodeTypeRE = regexp.MustCompile(`^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)

// Resolve applies the profile's defaults to the cache spec and checks it, including against the
// observed replication group: an existing group keeps its version unless the spec changes it, is never
// downgraded, and can move from redis to valkey but not back.
func Resolve(spec v1alpha1.CacheSpec, env *compose.Env) (v1alpha1.ResolvedCache, error) {
	dev := env.Profile == "dev"
	r := v1alpha1.ResolvedCache{
		ReplicationGroupID:    env.AWSName(compose.RuleElastiCache, "redis"),
		Engine:                compose.Or(spec.Engine, defaultEngine),
		NodeType:              compose.Or(spec.NodeType, defaultNodeType),
		NumCacheClusters:      compose.Deref(spec.NumCacheClusters, map[bool]int32{true: 1, false: 2}[dev]),
		SnapshotRetentionDays: compose.Deref(spec.SnapshotRetentionDays, map[bool]int32{true: 1, false: 7}[dev]),
		SnapshotWindow:        compose.Or(spec.SnapshotWindow, defaultSnapshotWindow),
		MaintenanceWindow:     compose.Or(spec.MaintenanceWindow, defaultMaintenanceWindow),
	}
	version, err := resolveEngine(spec, r.Engine, env.Observed)
	if err != nil {
		return r, err
	}
	r.EngineVersion = version

	if !nodeTypeRE.MatchString(r.NodeType) || len(r.NodeType) > 32 {
		return r, compose.Invalid("spec.cache.nodeType", "use an ElastiCache node type such as cache.t3.micro or cache.m7g.large", "%q is not an ElastiCache node type", r.NodeType)
	}
	if r.NumCacheClusters < 1 || r.NumCacheClusters > 6 {
		return r, compose.Invalid("spec.cache.numCacheClusters", "use 1 (no replica) to 6 (a primary and five replicas)", "%d is out of range", r.NumCacheClusters)
	}
	// A replica in another zone is what failover and Multi-AZ need; with one node there is nothing to
	// fail over to.
	r.AutomaticFailoverEnabled = r.NumCacheClusters >= 2
	r.MultiAZ = r.NumCacheClusters >= 2
	if r.SnapshotRetentionDays < 1 || r.SnapshotRetentionDays > 35 {
		return r, compose.Invalid("spec.cache.snapshotRetentionDays", "use 1 to 35 days (FSBP ElastiCache.1 wants automatic backups)", "%d is out of range", r.SnapshotRetentionDays)
	}
	if err := compose.CheckWindows("spec.cache.snapshotWindow", r.SnapshotWindow, minSnapshotWindow, "spec.cache.maintenanceWindow", r.MaintenanceWindow); err != nil {
		return r, err
	}
	if compose.Deref(spec.FinalSnapshot, !dev) {
		// Snapshot names are not limited to the 40 characters of a replication group id.
		r.FinalSnapshotIdentifier = env.FinalSnapshotName("redis-final")
	}
	return r, nil
}

// resolveEngine checks the engine and returns the version to render. A spec without a version keeps the
// observed group's (a new default never upgrades a cache behind anyone's back); a new group, or one
// moving to another engine, gets the engine's default.
func resolveEngine(spec v1alpha1.CacheSpec, engine string, observed compose.Observed) (string, error) {
	e, ok := engines[engine]
	if !ok {
		return "", compose.Invalid("spec.cache.engine", "use redis or valkey", "%q is not an ElastiCache engine for this cache", engine)
	}
	obsEngine, _ := observed.String(compose.CacheReplicationGroup, "spec.forProvider.engine")
	obsVersion, hasVersion := observedEngineVersion(observed)
	if obsEngine == "valkey" && engine == "redis" {
		return "", compose.Invalid("spec.cache.engine", "keep valkey", "the replication group runs valkey; ElastiCache cannot move it back to redis")
	}

	version := spec.EngineVersion
	switch {
	case version != "":
	case hasVersion && obsEngine == engine:
		// What runs stays, even a version this table no longer lists: nobody asked for a change.
		return majorMinor(obsVersion), nil
	default:
		version = e.defaultVersion
	}
	supported := false
	for _, v := range e.versions {
		supported = supported || v == version
	}
	if !supported {
		return "", compose.Invalid("spec.cache.engineVersion", "use one of "+strings.Join(e.versions, ", "),
			"%q is not a %s version ElastiCache offers", version, engine)
	}
	if hasVersion && obsEngine == engine && compareVersions(version, majorMinor(obsVersion)) < 0 {
		return "", compose.Invalid("spec.cache.engineVersion", "set "+majorMinor(obsVersion)+" or later",
			"%q would downgrade the replication group from %s; ElastiCache cannot downgrade", version, obsVersion)
	}
	return version, nil
}

// observedEngineVersion is the version the replication group runs (AWS's engineVersionActual, else the
// version last rendered). A value that does not read as a version (a broken status) counts as not observed:
// it is no reason to refuse the spec or to move the version.
func observedEngineVersion(observed compose.Observed) (string, bool) {
	for _, path := range []string{"status.atProvider.engineVersionActual", "spec.forProvider.engineVersion"} {
		if v, ok := observed.String(compose.CacheReplicationGroup, path); ok && observedVersionRE.MatchString(v) {
			return v, true
		}
	}
	return "", false
}

// observedVersionRE is how ElastiCache reports versions: "7.1", "7.1.0", "8.0.1".
var observedVersionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

// majorMinor returns "7.1" of "7.1.0".
func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// compareVersions compares dotted numeric versions.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}
