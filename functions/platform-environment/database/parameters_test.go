package database

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestParameterGroup(t *testing.T) {
	e := ct.Env("prod", nil)
	res := parameterGroup(e, resolve(t, e, v1alpha1.DatabaseSpec{SlowQueryThresholdMs: ct.Ptr(int32(250))}))
	pg := ct.Find(t, res.Resources, "database-params-postgres17")
	fp := ct.ForProvider(pg)
	if fp["family"] != "postgres17" {
		t.Errorf("family %v", fp["family"])
	}
	got := map[string]string{}
	for _, p := range fp["parameter"].([]any) {
		m := p.(map[string]any)
		got[m["name"].(string)] = m["value"].(string) + " " + m["applyMethod"].(string)
	}
	want := map[string]string{
		"rds.force_ssl": "1 immediate", "log_connections": "1 immediate", "log_disconnections": "1 immediate", "log_lock_waits": "1 immediate",
		"log_min_duration_statement": "250 immediate", "log_statement": "ddl immediate", "log_temp_files": "10240 immediate",
		"log_autovacuum_min_duration": "10000 immediate",
		// The seed's db.t3.medium; static, so RDS takes it only at the next reboot.
		"max_connections": "337 pending-reboot",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	ct.Validate(t, res.Resources)
}

// TestParameterGroupRetire: after a major upgrade the old family's group stays until the instance runs
// on the new one, then it is retired.
func TestParameterGroupRetire(t *testing.T) {
	spec := v1alpha1.DatabaseSpec{EngineVersion: "18", AllowMajorVersionUpgrade: true}
	old := ct.WithARN("arn:aws:rds:us-east-1:123456789012:pg:old")
	cases := map[string]struct {
		reason string
		inUse  string
		want   []string
	}{
		"Upgrading": {
			reason: "The instance still uses the postgres17 group: nothing is retired (it is kept as observed).",
			inUse:  "cloud-consulting-prod-pg-postgres17-x",
		},
		"Upgraded": {
			reason: "The instance reports the postgres18 group: the postgres17 group is retired.",
			inUse:  "", // filled below with the new group's AWS name
			want:   []string{"database-params-postgres17"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env("prod", nil)
			r := resolve(t, e, spec)
			inUse := tc.inUse
			if inUse == "" {
				inUse = e.AWSName(compose.RuleRDS, "pg-postgres18")
			}
			inst := observedInstance("17", "17.6")
			inst["status"].(map[string]any)["atProvider"].(map[string]any)["parameterGroupName"] = inUse
			e.Observed = compose.Observed{compose.Database: inst, "database-params-postgres17": old, "database-params-postgres18": old}
			// The observed instance is on 17; the spec raises it with the flag.
			a, err := compose.Assemble(e, parameterGroup(e, r))
			if err != nil {
				t.Fatal(err)
			}
			desired := map[string]bool{}
			for _, d := range a.Resources {
				desired[d.Name] = true
			}
			var retired []string
			for _, n := range []string{"database-params-postgres17", "database-params-postgres18"} {
				if !desired[n] {
					retired = append(retired, n)
				}
			}
			if diff := cmp.Diff(tc.want, retired); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMaxConnectionsParameter: max_connections follows the instance class (the connections alarm derives
// its threshold from the same function), and a class outside the table leaves RDS's default.
func TestMaxConnectionsParameter(t *testing.T) {
	cases := map[string]struct {
		reason string
		class  string
		want   string // "" for no max_connections parameter
	}{
		"T3Micro":  {reason: "1 GiB.", class: "db.t3.micro", want: "84"},
		"R6gLarge": {reason: "16 GiB.", class: "db.r6g.large", want: "1351"},
		"Unknown":  {reason: "An unknown class keeps RDS's default formula.", class: "db.x2iedn.xlarge"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env("prod", nil)
			res := parameterGroup(e, resolve(t, e, v1alpha1.DatabaseSpec{InstanceClass: tc.class}))
			var got string
			for _, p := range ct.ForProvider(ct.Find(t, res.Resources, "database-params-postgres17"))["parameter"].([]any) {
				if m := p.(map[string]any); m["name"] == "max_connections" {
					got = m["value"].(string)
					if m["applyMethod"] != "pending-reboot" {
						t.Errorf("%s\nmax_connections applyMethod = %v; it is static, RDS refuses immediate", tc.reason, m["applyMethod"])
					}
				}
			}
			if got != tc.want {
				t.Errorf("%s\nmax_connections = %q, want %q", tc.reason, got, tc.want)
			}
		})
	}
}
