package database

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestInstance(t *testing.T) {
	common := func() map[string]any {
		return map[string]any{
			"region":                             "us-east-1",
			"identifier":                         "cloud-consulting-prod-db-f9d3e898",
			"engine":                             "postgres",
			"engineVersion":                      "17",
			"autoMinorVersionUpgrade":            true,
			"instanceClass":                      "db.t3.medium",
			"allocatedStorage":                   int32(100),
			"maxAllocatedStorage":                int32(500),
			"storageType":                        "gp3",
			"multiAz":                            true,
			"port":                               5432,
			"dbSubnetGroupNameRef":               map[string]any{"name": "prod-database-subnet-group"},
			"vpcSecurityGroupIdRefs":             []any{map[string]any{"name": "prod-network-sg-database"}},
			"publiclyAccessible":                 false,
			"parameterGroupNameRef":              map[string]any{"name": "prod-database-params-postgres17"},
			"manageMasterUserPassword":           true,
			"masterUserSecretKmsKeyIdRef":        map[string]any{"name": "prod-database-kms-key"},
			"iamDatabaseAuthenticationEnabled":   true,
			"caCertIdentifier":                   "rds-ca-rsa2048-g1",
			"backupRetentionPeriod":              int32(7),
			"backupWindow":                       "03:00-04:00",
			"maintenanceWindow":                  "sun:04:00-sun:05:00",
			"copyTagsToSnapshot":                 true,
			"deletionProtection":                 true,
			"deleteAutomatedBackups":             false,
			"performanceInsightsEnabled":         true,
			"performanceInsightsKmsKeyId":        keyARN,
			"performanceInsightsRetentionPeriod": int32(7),
			"databaseInsightsMode":               "standard",
			"monitoringInterval":                 int32(60),
			"monitoringRoleArnRef":               map[string]any{"name": "prod-database-monitoring-role"},
			"enabledCloudwatchLogsExports":       []any{"postgresql", "upgrade"},
			"dbName":                             "consulting",
			"username":                           "dbadmin",
			"storageEncrypted":                   true,
			"kmsKeyIdRef":                        map[string]any{"name": "prod-database-kms-key"},
			"skipFinalSnapshot":                  false,
			"finalSnapshotIdentifier":            "cloud-consulting-prod-db-final-96dafc97",
			"tags":                               map[string]any{"environment": "cloud-consulting/prod", "component": "database", "managed-by": "crossplane"},
		}
	}
	cases := map[string]struct {
		reason  string
		profile string
		spec    v1alpha1.DatabaseSpec
		want    func(fp map[string]any)
	}{
		"Seed": {
			reason:  "The seed's instance: Multi-AZ, encrypted with our key, protected, PI and enhanced monitoring, managed master password, log exports, final snapshot.",
			profile: "prod",
		},
		"Dev": {
			reason:  "dev: single-AZ, one day of backups, no protection, no final snapshot, automated backups go with it.",
			profile: "dev",
			want: func(fp map[string]any) {
				fp["multiAz"], fp["backupRetentionPeriod"], fp["deletionProtection"] = false, int32(1), false
				fp["skipFinalSnapshot"], fp["deleteAutomatedBackups"] = true, true
				delete(fp, "finalSnapshotIdentifier")
			},
		},
		"Restore": {
			reason:  "A restore takes database, master user and encryption from the snapshot.",
			profile: "prod",
			spec:    v1alpha1.DatabaseSpec{SnapshotIdentifier: "rds:seed-2026-11-01"},
			want: func(fp map[string]any) {
				fp["snapshotIdentifier"] = "rds:seed-2026-11-01"
				for _, k := range []string{"dbName", "username", "storageEncrypted", "kmsKeyIdRef"} {
					delete(fp, k)
				}
			},
		},
		"MajorUpgrade": {
			reason:  "With the flag, RDS is allowed to upgrade the major and the instance moves to the new family's group.",
			profile: "prod",
			spec:    v1alpha1.DatabaseSpec{EngineVersion: "18", AllowMajorVersionUpgrade: true},
			want: func(fp map[string]any) {
				fp["engineVersion"], fp["allowMajorVersionUpgrade"] = "18", true
				fp["parameterGroupNameRef"] = map[string]any{"name": "prod-database-params-postgres18"}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env(tc.profile, keyObserved())
			r := resolve(t, e, tc.spec)
			res := instance(e, r)
			if len(res.Resources) != 1 {
				t.Fatalf("want the instance, got %v (waiting %v)", ct.Names(res.Resources), res.Waiting)
			}
			want := common()
			if tc.want != nil {
				tc.want(want)
			}
			got := res.Resources[0]
			if diff := cmp.Diff(want, ct.ForProvider(got)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(map[string]any{"name": "prod-database-instance"}, got.Object["spec"].(map[string]any)["writeConnectionSecretToRef"]); diff != "" {
				t.Errorf("connection secret -want +got:\n%s", diff)
			}
			ct.Validate(t, res.Resources)
		})
	}
}

func TestSubnetGroup(t *testing.T) {
	e := ct.Env("prod", nil)
	res := dbSubnetGroup(e)
	sg := res.Resources[0]
	want := []any{
		map[string]any{"name": "prod-network-subnet-database-a"},
		map[string]any{"name": "prod-network-subnet-database-b"},
		map[string]any{"name": "prod-network-subnet-database-c"},
	}
	if diff := cmp.Diff(want, ct.ForProvider(sg)["subnetIdRefs"]); diff != "" {
		t.Errorf("the subnet group spans the database subnets of every zone; -want +got:\n%s", diff)
	}
	if got := sg.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != "cloud-consulting-prod-db-subnets-3ff066ac" {
		t.Errorf("external name %v", got)
	}
	ct.Validate(t, res.Resources)
}
