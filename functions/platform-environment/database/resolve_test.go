package database

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
	"github.com/cloudpartner/platform-environment/test/validate"
)

func TestResolveDefaults(t *testing.T) {
	base := v1alpha1.ResolvedDatabase{
		Identifier: "cloud-consulting-prod-db-f9d3e898", Engine: "postgres", EngineVersion: "17",
		ParameterGroupFamily: "postgres17", InstanceClass: "db.t3.medium",
		AllocatedStorageGiB: 100, MaxAllocatedStorageGiB: 500, MultiAZ: true, BackupRetentionDays: 7,
		BackupWindow: "03:00-04:00", MaintenanceWindow: "sun:04:00-sun:05:00",
		DatabaseName: "consulting", MasterUsername: "dbadmin", SlowQueryThresholdMs: 1000,
		PerformanceInsightsRetentionDays: 7, MonitoringIntervalSeconds: 60,
		FinalSnapshotIdentifier: "cloud-consulting-prod-db-final-96dafc97",
	}
	cases := map[string]struct {
		reason  string
		profile string
		uid     string
		spec    v1alpha1.DatabaseSpec
		want    func(r *v1alpha1.ResolvedDatabase)
	}{
		"Prod": {
			reason:  "The seed's values: PostgreSQL 17 (13.13 is past standard support), db.t3.medium, 100 GB, Multi-AZ, 7-day backups, final snapshot.",
			profile: "prod",
		},
		"Staging": {
			reason: "staging mirrors prod.", profile: "staging",
		},
		"Dev": {
			reason:  "dev: single-AZ, one day of backups, no final snapshot.",
			profile: "dev",
			want: func(r *v1alpha1.ResolvedDatabase) {
				r.MultiAZ, r.BackupRetentionDays, r.FinalSnapshotIdentifier = false, 1, ""
			},
		},
		"UID": {
			reason:  "With a uid, the final snapshot name differs between two lives of the same environment.",
			profile: "prod", uid: "3f2a9c1e-77b0-4c1d-9e2f-0a1b2c3d4e5f",
			want: func(r *v1alpha1.ResolvedDatabase) {
				r.FinalSnapshotIdentifier = "cloud-consulting-prod-db-final-3f2a9c1e-2fb5ea43"
			},
		},
		"Explicit": {
			reason:  "Spec values win over the profile's.",
			profile: "dev",
			spec: v1alpha1.DatabaseSpec{
				EngineVersion: "16.4", InstanceClass: "db.m7g.large", AllocatedStorageGiB: ct.Ptr(int32(200)),
				MaxAllocatedStorageGiB: ct.Ptr(int32(0)), MultiAZ: ct.Ptr(true), BackupRetentionDays: ct.Ptr(int32(14)),
				FinalSnapshot: ct.Ptr(true), SlowQueryThresholdMs: ct.Ptr(int32(-1)), PerformanceInsightsRetentionDays: ct.Ptr(int32(93)),
			},
			want: func(r *v1alpha1.ResolvedDatabase) {
				r.EngineVersion, r.ParameterGroupFamily, r.InstanceClass = "16.4", "postgres16", "db.m7g.large"
				r.AllocatedStorageGiB, r.MaxAllocatedStorageGiB, r.MultiAZ, r.BackupRetentionDays = 200, 0, true, 14
				r.SlowQueryThresholdMs, r.PerformanceInsightsRetentionDays = -1, 93
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env(tc.profile, nil)
			e.UID = tc.uid
			got := resolve(t, e, tc.spec)
			want := base
			if tc.want != nil {
				tc.want(&want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestResolveVersion covers the upgrade rules against the observed instance.
func TestResolveVersion(t *testing.T) {
	cases := map[string]struct {
		reason   string
		spec     v1alpha1.DatabaseSpec
		observed map[string]any
		want     string
		wantErr  []string
	}{
		"NewDefault": {reason: "A new instance gets the default major.", want: "17"},
		"KeepsObservedMajor": {
			reason:   "A spec without a version keeps the instance's major: a new default never upgrades a database.",
			observed: observedInstance("16", "16.9"), want: "16",
		},
		"KeepsMajorFromSpecWhenNoActual": {
			reason:   "Before RDS reports its actual version, the observed desired version says the major.",
			observed: observedInstance("15.8", ""), want: "15",
		},
		"UnreadableActualFallsBackToRendered": {
			reason:   "An actual version that is not a PostgreSQL version (a broken status) is ignored; the last render says the major.",
			spec:     v1alpha1.DatabaseSpec{EngineVersion: "17"},
			observed: observedInstance("17", "1.35"), want: "17",
		},
		"UnreadableVersionsAreNotObserved": {
			reason:   "Neither field reads as a version RDS offered: the spec is not refused (no upgrade flag asked for), nothing moves.",
			spec:     v1alpha1.DatabaseSpec{EngineVersion: "17"},
			observed: observedInstance("10.0.0.0/16", "x"), want: "17",
		},
		"MinorChange": {
			reason:   "A minor version within the major needs no flag.",
			spec:     v1alpha1.DatabaseSpec{EngineVersion: "16.10"},
			observed: observedInstance("16", "16.9"), want: "16.10",
		},
		"MajorUpgradeWithoutFlag": {
			reason:   "Raising the major needs the explicit flag; the error names both fields.",
			spec:     v1alpha1.DatabaseSpec{EngineVersion: "17"},
			observed: observedInstance("16", "16.9"),
			wantErr:  []string{"spec.database.engineVersion:", "spec.database.allowMajorVersionUpgrade", "from 16 to 17"},
		},
		"MajorUpgradeWithFlag": {
			reason:   "With the flag the new major is rendered.",
			spec:     v1alpha1.DatabaseSpec{EngineVersion: "17", AllowMajorVersionUpgrade: true},
			observed: observedInstance("16", "16.9"), want: "17",
		},
		"Downgrade": {
			reason:   "RDS cannot downgrade, flag or not.",
			spec:     v1alpha1.DatabaseSpec{EngineVersion: "15", AllowMajorVersionUpgrade: true},
			observed: observedInstance("16", "16.9"),
			wantErr:  []string{"spec.database.engineVersion:", "downgrade", "set 16 or later"},
		},
		"PastStandardSupport": {
			reason:  "The seed's 13 is past RDS standard support.",
			spec:    v1alpha1.DatabaseSpec{EngineVersion: "13.13"},
			wantErr: []string{"spec.database.engineVersion:", "PostgreSQL 13 is not a major in RDS standard support", "use 14 to 18"},
		},
		"Future": {
			reason:  "A major RDS does not offer yet.",
			spec:    v1alpha1.DatabaseSpec{EngineVersion: "19"},
			wantErr: []string{"spec.database.engineVersion:", "PostgreSQL 19"},
		},
		"Malformed": {
			reason:  "Wildcards are not versions.",
			spec:    v1alpha1.DatabaseSpec{EngineVersion: "17.x"},
			wantErr: []string{"spec.database.engineVersion:", `"17.x" is not a PostgreSQL version`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := compose.Observed{}
			if tc.observed != nil {
				obs[compose.Database] = tc.observed
			}
			r, err := Resolve(tc.spec, ct.Env("prod", obs))
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("%s\nwant an error, got version %q", tc.reason, r.EngineVersion)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s\nerror %q does not contain %q", tc.reason, err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("%s\nunexpected error: %v", tc.reason, err)
			}
			if r.EngineVersion != tc.want {
				t.Errorf("%s\nversion %q, want %q", tc.reason, r.EngineVersion, tc.want)
			}
		})
	}
}

// TestResolveInvalid is the bad-input table: each is a Fatal naming the field.
func TestResolveInvalid(t *testing.T) {
	cases := map[string]struct {
		spec     v1alpha1.DatabaseSpec
		observed compose.Observed
		field    string
		contains string
	}{
		"Engine":                {spec: v1alpha1.DatabaseSpec{Engine: "mysql"}, field: "spec.database.engine", contains: "not supported"},
		"InstanceClassNoPrefix": {spec: v1alpha1.DatabaseSpec{InstanceClass: "t3.medium"}, field: "spec.database.instanceClass", contains: "not an RDS instance class"},
		"InstanceClassUpper":    {spec: v1alpha1.DatabaseSpec{InstanceClass: "db.T3.medium"}, field: "spec.database.instanceClass", contains: "not an RDS instance class"},
		"InstanceClassCache":    {spec: v1alpha1.DatabaseSpec{InstanceClass: "cache.t3.micro"}, field: "spec.database.instanceClass", contains: "not an RDS instance class"},
		"StorageSmall":          {spec: v1alpha1.DatabaseSpec{AllocatedStorageGiB: ct.Ptr(int32(10))}, field: "spec.database.allocatedStorageGiB", contains: "out of range"},
		"CeilingBelowStorage":   {spec: v1alpha1.DatabaseSpec{MaxAllocatedStorageGiB: ct.Ptr(int32(50))}, field: "spec.database.maxAllocatedStorageGiB", contains: "below"},
		"Retention":             {spec: v1alpha1.DatabaseSpec{BackupRetentionDays: ct.Ptr(int32(40))}, field: "spec.database.backupRetentionDays", contains: "out of range"},
		"WindowsOverlap":        {spec: v1alpha1.DatabaseSpec{BackupWindow: "04:30-05:30"}, field: "spec.database.backupWindow", contains: "overlaps"},
		"BackupWindowShort":     {spec: v1alpha1.DatabaseSpec{BackupWindow: "01:00-01:15"}, field: "spec.database.backupWindow", contains: "lasts 15 minutes"},
		"MaintenanceWindow":     {spec: v1alpha1.DatabaseSpec{MaintenanceWindow: "sunday 4am"}, field: "spec.database.maintenanceWindow", contains: "not a weekly window"},
		"DatabaseName":          {spec: v1alpha1.DatabaseSpec{DatabaseName: "1consulting"}, field: "spec.database.databaseName", contains: "not a PostgreSQL database name"},
		"MasterUserReserved":    {spec: v1alpha1.DatabaseSpec{MasterUsername: "postgres"}, field: "spec.database.masterUsername", contains: "not a master user name"},
		"MasterUserHyphen":      {spec: v1alpha1.DatabaseSpec{MasterUsername: "db-admin"}, field: "spec.database.masterUsername", contains: "not a master user name"},
		"SlowQuery":             {spec: v1alpha1.DatabaseSpec{SlowQueryThresholdMs: ct.Ptr(int32(-5))}, field: "spec.database.slowQueryThresholdMs", contains: "out of range"},
		"PIRetention":           {spec: v1alpha1.DatabaseSpec{PerformanceInsightsRetentionDays: ct.Ptr(int32(30))}, field: "spec.database.performanceInsightsRetentionDays", contains: "not a retention"},
		"SnapshotOnExisting": {
			spec:     v1alpha1.DatabaseSpec{SnapshotIdentifier: "rds:old-2026-01-01"},
			observed: compose.Observed{compose.Database: observedInstance("17", "17.6")},
			field:    "spec.database.snapshotIdentifier", contains: "read only when the instance is created",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Resolve(tc.spec, ct.Env("prod", tc.observed))
			fe, ok := err.(*compose.FieldError)
			if !ok {
				t.Fatalf("want a FieldError, got %v", err)
			}
			if fe.Field != tc.field || !strings.Contains(fe.Error(), tc.contains) {
				t.Errorf("got %q; want field %s and %q", fe.Error(), tc.field, tc.contains)
			}
		})
	}
}

// TestResolveSnapshot: a restore is read at creation; afterwards the instance keeps its own.
func TestResolveSnapshot(t *testing.T) {
	r := resolve(t, ct.Env("prod", nil), v1alpha1.DatabaseSpec{SnapshotIdentifier: "rds:seed-2026-11-01"})
	if r.SnapshotIdentifier != "rds:seed-2026-11-01" {
		t.Errorf("new instance: snapshot %q", r.SnapshotIdentifier)
	}
	existing := observedInstance("17", "17.6")
	existing["spec"].(map[string]any)["forProvider"].(map[string]any)["snapshotIdentifier"] = "rds:seed-2026-11-01"
	r = resolve(t, ct.Env("prod", compose.Observed{compose.Database: existing}), v1alpha1.DatabaseSpec{})
	if r.SnapshotIdentifier != "rds:seed-2026-11-01" {
		t.Errorf("removing the field from the spec must not change a restored instance (the provider would refuse or replace): got %q", r.SnapshotIdentifier)
	}
}

// TestVersionRangeMatchesXRD keeps the XRD's admission rule and the function's check in step: every
// major the XRD admits, the function accepts, and the majors around the range both reject.
func TestVersionRangeMatchesXRD(t *testing.T) {
	v := validate.Shared(t)
	for m := minMajor - 2; m <= maxMajor+2; m++ {
		version := fmt.Sprint(m)
		xr := map[string]any{
			"apiVersion": "platform.cloudpartner.pro/v1alpha1", "kind": "PlatformEnvironment",
			"metadata": map[string]any{"name": "prod", "namespace": "cloud-consulting"},
			"spec":     map[string]any{"region": "us-east-1", "database": map[string]any{"engineVersion": version}},
		}
		admitted := len(v.XR(xr)) == 0
		_, err := Resolve(v1alpha1.DatabaseSpec{EngineVersion: version}, ct.Env("prod", nil))
		if admitted != (err == nil) {
			t.Errorf("PostgreSQL %s: the XRD admits it: %v, the function accepts it: %v (err %v)", version, admitted, err == nil, err)
		}
	}
}

// TestStorageDefaultMatchesXRD keeps the XRD's no-shrink rule in step with the function's default: the rule
// writes the storage of a left-out allocatedStorageGiB as a literal, so that adding a smaller value to an
// instance created with the default (or removing a larger one) is refused like lowering it.
func TestStorageDefaultMatchesXRD(t *testing.T) {
	v := validate.Shared(t)
	xr := func(db map[string]any) map[string]any {
		return map[string]any{
			"apiVersion": "platform.cloudpartner.pro/v1alpha1", "kind": "PlatformEnvironment",
			"metadata": map[string]any{"name": "prod", "namespace": "cloud-consulting"},
			"spec":     map[string]any{"region": "us-east-1", "database": db},
		}
	}
	r := resolve(t, ct.Env("prod", nil), v1alpha1.DatabaseSpec{})
	if r.AllocatedStorageGiB != defaultAllocatedStorage {
		t.Fatalf("a left-out allocatedStorageGiB resolves to %d, want the default %d", r.AllocatedStorageGiB, defaultAllocatedStorage)
	}
	left := xr(map[string]any{})
	if errs := v.XRUpdate(left, xr(map[string]any{"allocatedStorageGiB": defaultAllocatedStorage})); len(errs) != 0 {
		t.Errorf("writing down the default %d GiB must be admitted: %v", defaultAllocatedStorage, errs)
	}
	if errs := v.XRUpdate(left, xr(map[string]any{"allocatedStorageGiB": defaultAllocatedStorage - 1})); len(errs) == 0 {
		t.Errorf("%d GiB on an instance created with the default %d must be refused", defaultAllocatedStorage-1, defaultAllocatedStorage)
	}
	if errs := v.XRUpdate(xr(map[string]any{"allocatedStorageGiB": defaultAllocatedStorage + 1}), left); len(errs) == 0 {
		t.Errorf("removing %d GiB (back to the default %d) must be refused", defaultAllocatedStorage+1, defaultAllocatedStorage)
	}
}
