package database

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestBuildGating: what appears at which observed stage, and what the component says it waits for.
func TestBuildGating(t *testing.T) {
	cases := map[string]struct {
		reason   string
		observed compose.Observed
		want     []string
		waiting  string
	}{
		"Nothing": {
			reason:  "Before anything is observed the account is unknown: only what needs no key policy.",
			want:    []string{subnetGroup, "database-params-postgres17"},
			waiting: "database-kms-key waits for the AWS account ID (read from observed ARNs) for its key policy",
		},
		"AccountKnown": {
			reason:   "The network reports ARNs: key, alias and monitoring role; the instance waits for the key's ARN.",
			observed: ct.NetworkObserved(),
			want:     []string{subnetGroup, "database-params-postgres17", kmsKey, kmsAlias, logsPrefix + "postgresql", logsPrefix + "upgrade", monitoringRole, monitoringPolicy},
			waiting:  "database-instance waits for database-kms-key's ARN (Performance Insights takes only an ARN)",
		},
		"KeyObserved": {
			reason:   "With the key's ARN, the instance still waits for the groups of its logs: RDS would create them without retention or key.",
			observed: keyOnlyObserved(),
			want:     []string{subnetGroup, "database-params-postgres17", kmsKey, kmsAlias, logsPrefix + "postgresql", logsPrefix + "upgrade", monitoringRole, monitoringPolicy},
			waiting:  "database-instance waits for database-logs-postgresql to be Ready",
		},
		"LogGroupsReady": {
			reason:   "With the key's ARN and both log groups Ready, the instance is rendered and nothing is waited for.",
			observed: keyObserved(),
			want:     []string{subnetGroup, "database-params-postgres17", kmsKey, kmsAlias, logsPrefix + "postgresql", logsPrefix + "upgrade", monitoringRole, monitoringPolicy, compose.Database},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env("prod", tc.observed)
			out := Build(e, resolve(t, e, v1alpha1.DatabaseSpec{}))
			ct.Stage(t, tc.reason, out.Result, component, tc.want, tc.waiting)
			noSecrets(t, out.Resources)
		})
	}
}

// TestBuildValidEveryProfile: every object of every profile passes the provider CRDs.
func TestBuildValidEveryProfile(t *testing.T) {
	for _, profile := range []string{"dev", "staging", "prod"} {
		t.Run(profile, func(t *testing.T) {
			e := ct.Env(profile, keyObserved())
			out := Build(e, resolve(t, e, v1alpha1.DatabaseSpec{}))
			if len(out.Resources) != 9 {
				t.Errorf("want 9 resources, got %v", ct.Names(out.Resources))
			}
			ct.Validate(t, out.Resources)
			noSecrets(t, out.Resources)
		})
	}
}

// TestDeletionProtection: with protection, everything the instance keeps using in AWS is rendered
// without Delete; the alias is not (deleting it loses nothing). Without, all are deleted.
func TestDeletionProtection(t *testing.T) {
	retained := map[string]bool{
		kmsKey: true, subnetGroup: true, "database-params-postgres17": true,
		monitoringRole: true, monitoringPolicy: true, compose.Database: true,
		logsPrefix + "postgresql": true, logsPrefix + "upgrade": true,
	}
	for _, protect := range []bool{true, false} {
		e := ct.Env("prod", keyObserved())
		e.DeletionProtection = protect
		out := Build(e, resolve(t, e, v1alpha1.DatabaseSpec{}))
		for _, r := range out.Resources {
			mp, has := r.Object["spec"].(map[string]any)["managementPolicies"]
			want := protect && retained[r.Name]
			if has != want {
				t.Errorf("protection %v: %s has managementPolicies: %v, want %v", protect, r.Name, has, want)
				continue
			}
			if has {
				for _, p := range mp.([]any) {
					if p == "Delete" || p == "*" {
						t.Errorf("%s: management policies %v include deletion", r.Name, mp)
					}
				}
			}
		}
		if got := ct.ForProvider(ct.Find(t, out.Resources, compose.Database))["deletionProtection"]; got != protect {
			t.Errorf("protection %v: AWS deletion protection %v", protect, got)
		}
	}
}

func TestOutputs(t *testing.T) {
	obs := keyObserved()
	inst := observedInstance("17", "17.6")
	ap := inst["status"].(map[string]any)["atProvider"].(map[string]any)
	ap["address"] = "db.abc.us-east-1.rds.amazonaws.com"
	ap["endpoint"] = "db.abc.us-east-1.rds.amazonaws.com:5432"
	ap["port"] = float64(5432)
	ap["masterUserSecret"] = []any{map[string]any{"secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf", "secretStatus": "active"}}
	obs[compose.Database] = inst
	e := ct.Env("prod", obs)
	r := resolve(t, e, v1alpha1.DatabaseSpec{})
	got := Build(e, r).Outputs
	want := &v1alpha1.DatabaseOutputs{
		Identifier: r.Identifier, Address: "db.abc.us-east-1.rds.amazonaws.com", Port: 5432,
		Endpoint: "db.abc.us-east-1.rds.amazonaws.com:5432", EngineVersion: "17.6",
		MasterUserSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf",
		KMSKeyArn:           keyARN, ConnectionSecret: "prod-database-instance",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if got := Build(ct.Env("prod", nil), r).Outputs; !cmp.Equal(got, &v1alpha1.DatabaseOutputs{}) {
		t.Errorf("nothing observed: want empty outputs, got %+v", got)
	}
}

// TestKeepObserved: an instance that exists stays in desired state even when a render cannot build it
// (here its key's observed status lost the ARN): the builder leaves it out, and the assembly keeps it as
// observed, so Crossplane never deletes a database because of partial observed state.
func TestKeepObserved(t *testing.T) {
	obs := ct.NetworkObserved()
	obs[kmsKey] = map[string]any{"apiVersion": apiKMS, "kind": "Key", "status": map[string]any{}}
	inst := observedInstance("17", "17.6")
	inst["metadata"] = map[string]any{"name": "prod-database-instance"}
	obs[compose.Database] = inst
	e := ct.Env("prod", obs)
	out := Build(e, resolve(t, e, v1alpha1.DatabaseSpec{}))
	for _, r := range out.Resources {
		if r.Name == compose.Database {
			t.Fatalf("the instance was rendered without its key's ARN")
		}
	}
	a, err := compose.Assemble(e, out.Result)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range a.Resources {
		if r.Name == compose.Database {
			if !r.Kept {
				t.Errorf("the instance is in desired state but not as kept-observed")
			}
			return
		}
	}
	t.Errorf("the observed instance left desired state: Crossplane would delete the database")
}

// TestLogGroups: the groups RDS writes the exported logs to are composed with the profile's retention and
// the database's key, under the names RDS uses, so that a running environment's groups (created by RDS
// before these MRs existed) are adopted: on the stage where the instance exists and the Group MRs do not,
// both are rendered with the external name of the group RDS made, and the instance is rendered exactly as
// with the groups observed (the gate holds back only a new instance).
func TestLogGroups(t *testing.T) {
	ready := keyObserved()
	ready[compose.Database] = observedInstance("17.6", "17.6")
	e := ct.Env("prod", ready)
	r := resolve(t, e, v1alpha1.DatabaseSpec{})
	want := Build(e, r)

	adopting := keyOnlyObserved()
	adopting[compose.Database] = observedInstance("17.6", "17.6")
	ea := ct.Env("prod", adopting)
	got := Build(ea, r)
	if w := got.Waiting[component]; w != "" {
		t.Errorf("adopting: the existing instance waits for nothing, got %q", w)
	}
	if diff := cmp.Diff(ct.Find(t, want.Resources, compose.Database).Object, ct.Find(t, got.Resources, compose.Database).Object); diff != "" {
		t.Errorf("adopting: the instance is not touched (-with groups +adopting):\n%s", diff)
	}
	for _, profile := range []string{"dev", "staging", "prod"} {
		ep := ct.Env(profile, adopting)
		out := Build(ep, resolve(t, ep, v1alpha1.DatabaseSpec{}))
		for _, export := range []string{"postgresql", "upgrade"} {
			g := ct.Find(t, out.Resources, logsPrefix+export)
			name := "/aws/rds/instance/" + r.Identifier + "/" + export
			if got := g.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != name {
				t.Errorf("%s %s: external name %v, want the group RDS writes to, %s", profile, g.Name, got, name)
			}
			wantFP := map[string]any{
				"region":                    "us-east-1",
				"retentionInDays":           map[string]int32{"dev": 30, "staging": 90, "prod": 365}[profile],
				"kmsKeyIdRef":               map[string]any{"name": "prod-database-kms-key"},
				"deletionProtectionEnabled": profile == "prod",
			}
			fp := ct.ForProvider(g)
			delete(fp, "tags")
			if diff := cmp.Diff(wantFP, fp); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", profile, g.Name, diff)
			}
		}
		ct.Validate(t, out.Resources)
	}
}
