package database

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// PostgreSQL majors in RDS standard support when this was written (late 2026: 13 ended in February 2026,
// 14 ends in February 2027). The XRD admits the same range; a test keeps the two in step.
const (
	minMajor     = 14
	maxMajor     = 18
	defaultMajor = 17
)

// Profile-independent defaults: the seed's values.
const (
	defaultInstanceClass     = "db.t3.medium"
	defaultAllocatedStorage  = 100
	defaultBackupWindow      = "03:00-04:00"
	defaultMaintenanceWindow = "sun:04:00-sun:05:00"
	defaultDatabaseName      = "consulting"
	defaultMasterUsername    = "dbadmin"
	defaultSlowQueryMs       = 1000
	defaultPIRetention       = 7
	// monitoringInterval is the seed's enhanced monitoring interval in seconds.
	monitoringInterval = 60
	// storageCeilingFactor: storage autoscaling may grow the volume to this multiple of its start.
	storageCeilingFactor = 5
	maxStorage           = 65536
)

var (
	versionRE       = regexp.MustCompile(`^([0-9]+)(\.[0-9]{1,2})?$`)
	instanceClassRE = regexp.MustCompile(`^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	identifierRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,62}$`)
	reservedUsers   = map[string]bool{"postgres": true, "rdsadmin": true, "rdsrepladmin": true, "rds_superuser": true, "public": true}
)

// Resolve applies the profile's defaults to the database spec and checks it, including against the
// observed instance: an existing instance keeps its major version unless the spec raises it with
// allowMajorVersionUpgrade, is never downgraded, and keeps the snapshot it was restored from. The XRD
// rejects most bad input at admission; the function checks again because not every path to it validates.
func Resolve(spec v1alpha1.DatabaseSpec, env *compose.Env) (v1alpha1.ResolvedDatabase, error) {
	dev := env.Profile == "dev"
	r := v1alpha1.ResolvedDatabase{
		Identifier:                       env.AWSName(compose.RuleRDS, "db"),
		Engine:                           compose.Or(spec.Engine, "postgres"),
		InstanceClass:                    compose.Or(spec.InstanceClass, defaultInstanceClass),
		AllocatedStorageGiB:              compose.Deref(spec.AllocatedStorageGiB, defaultAllocatedStorage),
		MultiAZ:                          compose.Deref(spec.MultiAZ, !dev),
		BackupRetentionDays:              compose.Deref(spec.BackupRetentionDays, map[bool]int32{true: 1, false: 7}[dev]),
		BackupWindow:                     compose.Or(spec.BackupWindow, defaultBackupWindow),
		MaintenanceWindow:                compose.Or(spec.MaintenanceWindow, defaultMaintenanceWindow),
		DatabaseName:                     compose.Or(spec.DatabaseName, defaultDatabaseName),
		MasterUsername:                   compose.Or(spec.MasterUsername, defaultMasterUsername),
		SlowQueryThresholdMs:             compose.Deref(spec.SlowQueryThresholdMs, defaultSlowQueryMs),
		PerformanceInsightsRetentionDays: compose.Deref(spec.PerformanceInsightsRetentionDays, defaultPIRetention),
		MonitoringIntervalSeconds:        monitoringInterval,
		AllowMajorVersionUpgrade:         spec.AllowMajorVersionUpgrade,
	}
	if r.Engine != "postgres" {
		return r, compose.Invalid("spec.database.engine", "use postgres", "%q is not supported", r.Engine)
	}

	version, err := resolveVersion(spec, env.Observed)
	if err != nil {
		return r, err
	}
	r.EngineVersion = version
	r.ParameterGroupFamily = "postgres" + strconv.Itoa(major(version))

	if !instanceClassRE.MatchString(r.InstanceClass) || len(r.InstanceClass) > 32 {
		return r, compose.Invalid("spec.database.instanceClass", "use an RDS instance class such as db.t3.medium or db.m7g.large", "%q is not an RDS instance class", r.InstanceClass)
	}
	if r.AllocatedStorageGiB < 20 || r.AllocatedStorageGiB > maxStorage {
		return r, compose.Invalid("spec.database.allocatedStorageGiB", "use 20 to 65536 (gp3 limits)", "%d GiB is out of range", r.AllocatedStorageGiB)
	}
	if spec.MaxAllocatedStorageGiB != nil {
		r.MaxAllocatedStorageGiB = *spec.MaxAllocatedStorageGiB
		if r.MaxAllocatedStorageGiB != 0 && (r.MaxAllocatedStorageGiB < r.AllocatedStorageGiB || r.MaxAllocatedStorageGiB > maxStorage) {
			return r, compose.Invalid("spec.database.maxAllocatedStorageGiB",
				fmt.Sprintf("use 0 (no autoscaling) or %d to %d", r.AllocatedStorageGiB, maxStorage),
				"%d GiB is below spec.database.allocatedStorageGiB (%d) or above the gp3 limit", r.MaxAllocatedStorageGiB, r.AllocatedStorageGiB)
		}
	} else {
		r.MaxAllocatedStorageGiB = min(r.AllocatedStorageGiB*storageCeilingFactor, maxStorage)
	}
	if r.BackupRetentionDays < 1 || r.BackupRetentionDays > 35 {
		return r, compose.Invalid("spec.database.backupRetentionDays", "use 1 to 35 days", "%d is out of range", r.BackupRetentionDays)
	}
	if err := compose.CheckWindows("spec.database.backupWindow", r.BackupWindow, 30, "spec.database.maintenanceWindow", r.MaintenanceWindow); err != nil {
		return r, err
	}
	if !identifierRE.MatchString(r.DatabaseName) {
		return r, compose.Invalid("spec.database.databaseName", "start with a letter; use letters, digits and underscores, 63 at most", "%q is not a PostgreSQL database name RDS accepts", r.DatabaseName)
	}
	if !identifierRE.MatchString(r.MasterUsername) || reservedUsers[strings.ToLower(r.MasterUsername)] {
		return r, compose.Invalid("spec.database.masterUsername", "start with a letter; use letters, digits and underscores, 63 at most; avoid postgres, rdsadmin, rdsrepladmin, rds_superuser and public", "%q is not a master user name RDS accepts", r.MasterUsername)
	}
	if r.SlowQueryThresholdMs < -1 || r.SlowQueryThresholdMs > 3600000 {
		return r, compose.Invalid("spec.database.slowQueryThresholdMs", "use -1 (off) to 3600000 ms", "%d is out of range", r.SlowQueryThresholdMs)
	}
	if p := r.PerformanceInsightsRetentionDays; p != 7 && p != 731 && (p%31 != 0 || p < 31 || p > 713) {
		return r, compose.Invalid("spec.database.performanceInsightsRetentionDays", "use 7, a multiple of 31 up to 713, or 731", "%d days is not a retention Performance Insights offers", p)
	}

	snapshot, err := resolveSnapshot(spec, env.Observed)
	if err != nil {
		return r, err
	}
	r.SnapshotIdentifier = snapshot

	if compose.Deref(spec.FinalSnapshot, !dev) {
		r.FinalSnapshotIdentifier = env.FinalSnapshotName("db-final")
	}
	return r, nil
}

// resolveVersion returns the engine version to render. A spec without a version keeps an existing
// instance's major (so that a new default never upgrades a database behind anyone's back) and gives a
// new one the default major. A major change is allowed upwards only, with the flag.
func resolveVersion(spec v1alpha1.DatabaseSpec, observed compose.Observed) (string, error) {
	const field = "spec.database.engineVersion"
	observedMajor := observedPostgresMajor(observed)

	version := spec.EngineVersion
	if version == "" {
		if observedMajor != 0 {
			return strconv.Itoa(observedMajor), nil
		}
		return strconv.Itoa(defaultMajor), nil
	}
	if !versionRE.MatchString(version) {
		return "", compose.Invalid(field, "use a major such as 17, or major.minor such as 17.6", "%q is not a PostgreSQL version", version)
	}
	m := major(version)
	if m < minMajor || m > maxMajor {
		return "", compose.Invalid(field, fmt.Sprintf("use %d to %d, e.g. %d", minMajor, maxMajor, defaultMajor),
			"PostgreSQL %d is not a major in RDS standard support (%d to %d)", m, minMajor, maxMajor)
	}
	switch {
	case observedMajor == 0 || m == observedMajor:
	case m < observedMajor:
		return "", compose.Invalid(field, fmt.Sprintf("set %d or later", observedMajor),
			"%q would downgrade the instance from PostgreSQL %d; RDS cannot downgrade (restore a snapshot into a new environment instead)", version, observedMajor)
	case !spec.AllowMajorVersionUpgrade:
		return "", compose.Invalid(field,
			"set spec.database.allowMajorVersionUpgrade: true to upgrade in the next maintenance window (take a snapshot and test the application first), or keep "+strconv.Itoa(observedMajor),
			"raising the major version from %d to %d needs spec.database.allowMajorVersionUpgrade", observedMajor, m)
	}
	return version, nil
}

// resolveSnapshot returns the snapshot the instance is (or was) restored from. RDS reads it at creation
// only and the provider would replace the instance if it changed, so an existing instance keeps its own.
func resolveSnapshot(spec v1alpha1.DatabaseSpec, observed compose.Observed) (string, error) {
	if !observed.Exists(compose.Database) {
		return spec.SnapshotIdentifier, nil
	}
	had, _ := observed.String(compose.Database, "spec.forProvider.snapshotIdentifier")
	if spec.SnapshotIdentifier != "" && spec.SnapshotIdentifier != had {
		return "", compose.Invalid("spec.database.snapshotIdentifier", "remove it, or restore into a new environment",
			"%q is read only when the instance is created; this one exists (restored from %q)", spec.SnapshotIdentifier, had)
	}
	return had, nil
}

// major returns the major version of "17" or "17.6" (0 when unparsable).
// observedPostgresMajor is the major the instance runs (AWS's engineVersionActual, else the version last
// rendered), 0 when neither reads as a PostgreSQL version RDS ever offered (9 or later). An unreadable
// status is not a reason to refuse the spec or to move the version: it is treated as not observed.
func observedPostgresMajor(observed compose.Observed) int {
	for _, path := range []string{"status.atProvider.engineVersionActual", "spec.forProvider.engineVersion"} {
		v, ok := observed.String(compose.Database, path)
		if !ok || !observedVersionRE.MatchString(v) {
			continue
		}
		if m := major(v); m >= 9 && m <= 99 {
			return m
		}
	}
	return 0
}

// observedVersionRE is how RDS reports PostgreSQL versions: "17", "17.6", "9.6.24".
var observedVersionRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)

func major(v string) int {
	m, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	return m
}
