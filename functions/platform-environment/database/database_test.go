package database

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
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
			observed: networkObserved(),
			want:     []string{subnetGroup, "database-params-postgres17", kmsKey, kmsAlias, monitoringRole, monitoringPolicy},
			waiting:  "database-instance waits for database-kms-key's ARN (Performance Insights takes only an ARN)",
		},
		"KeyObserved": {
			reason:   "With the key's ARN, the instance is rendered and nothing is waited for.",
			observed: keyObserved(),
			want:     []string{subnetGroup, "database-params-postgres17", kmsKey, kmsAlias, monitoringRole, monitoringPolicy, compose.Database},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := env("prod", tc.observed)
			out := Build(e, resolve(t, e, v1alpha1.DatabaseSpec{}))
			if diff := cmp.Diff(tc.want, names(out.Resources)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
			if got := out.Waiting[component]; got != tc.waiting {
				t.Errorf("%s\nwaiting %q, want %q", tc.reason, got, tc.waiting)
			}
			validObjects(t, out.Resources)
			noSecrets(t, out.Resources)
		})
	}
}

// TestBuildValidEveryProfile: every object of every profile passes the provider CRDs.
func TestBuildValidEveryProfile(t *testing.T) {
	for _, profile := range []string{"dev", "staging", "prod"} {
		t.Run(profile, func(t *testing.T) {
			e := env(profile, keyObserved())
			out := Build(e, resolve(t, e, v1alpha1.DatabaseSpec{}))
			if len(out.Resources) != 7 {
				t.Errorf("want 7 resources, got %v", names(out.Resources))
			}
			validObjects(t, out.Resources)
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
	}
	for _, protect := range []bool{true, false} {
		e := env("prod", keyObserved())
		e.DeletionProtection = protect
		out := Build(e, resolve(t, e, v1alpha1.DatabaseSpec{}))
		for _, r := range out.Resources {
			mp, has := spec(r)["managementPolicies"]
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
		if got := forProvider(find(t, out.Resources, compose.Database))["deletionProtection"]; got != protect {
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
	e := env("prod", obs)
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
	if got := Build(env("prod", nil), r).Outputs; !cmp.Equal(got, &v1alpha1.DatabaseOutputs{}) {
		t.Errorf("nothing observed: want empty outputs, got %+v", got)
	}
}

// TestKeepObserved: an instance that exists stays in desired state even when a render cannot build it
// (here its key's observed status lost the ARN): the builder leaves it out, and the assembly keeps it as
// observed, so Crossplane never deletes a database because of partial observed state.
func TestKeepObserved(t *testing.T) {
	obs := networkObserved()
	obs[kmsKey] = map[string]any{"apiVersion": apiKMS, "kind": "Key", "status": map[string]any{}}
	inst := observedInstance("17", "17.6")
	inst["metadata"] = map[string]any{"name": "prod-database-instance"}
	obs[compose.Database] = inst
	e := env("prod", obs)
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
