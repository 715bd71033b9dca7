package cache

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestBuildGating(t *testing.T) {
	cases := map[string]struct {
		reason   string
		observed compose.Observed
		want     []string
		waiting  string
	}{
		"Nothing": {
			reason:  "Before anything is observed: the subnet group only.",
			want:    []string{subnetGroup},
			waiting: "waiting for the AWS account id (read from the first observed resource's ARN) to write the KMS key policy",
		},
		"AccountKnown": {
			reason:   "The account is known: the key; the group waits for its ARN.",
			observed: networkObserved(),
			want:     []string{subnetGroup, kmsKey, kmsAlias},
			waiting:  "waiting for KMS key prod-cache-kms-key to report its ARN (the replication group's key can only be set at creation)",
		},
		"KeyObserved": {
			reason:   "With the key's ARN, the group.",
			observed: keyObserved(),
			want:     []string{subnetGroup, kmsKey, kmsAlias, compose.CacheReplicationGroup},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := env("prod", tc.observed)
			out := Build(e, resolve(t, e, v1alpha1.CacheSpec{}))
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

func TestBuildValidEveryProfile(t *testing.T) {
	for _, profile := range []string{"dev", "staging", "prod"} {
		for _, engine := range []string{"redis", "valkey"} {
			t.Run(profile+"/"+engine, func(t *testing.T) {
				e := env(profile, keyObserved())
				out := Build(e, resolve(t, e, v1alpha1.CacheSpec{Engine: engine}))
				validObjects(t, out.Resources)
				noSecrets(t, out.Resources)
			})
		}
	}
}

func TestDeletionProtection(t *testing.T) {
	retained := map[string]bool{kmsKey: true, subnetGroup: true, compose.CacheReplicationGroup: true}
	for _, protect := range []bool{true, false} {
		e := env("prod", keyObserved())
		e.DeletionProtection = protect
		for _, r := range Build(e, resolve(t, e, v1alpha1.CacheSpec{})).Resources {
			mp, has := spec(r)["managementPolicies"]
			if want := protect && retained[r.Name]; has != want {
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
	}
}

func TestOutputs(t *testing.T) {
	obs := keyObserved()
	g := observedGroup("redis", "7.1", "7.1.0")
	ap := g["status"].(map[string]any)["atProvider"].(map[string]any)
	ap["primaryEndpointAddress"] = "master.x.abc.use1.cache.amazonaws.com"
	ap["readerEndpointAddress"] = "replica.x.abc.use1.cache.amazonaws.com"
	ap["port"] = float64(6379)
	ap["memberClusters"] = []any{"x-002", "x-001"}
	obs[compose.CacheReplicationGroup] = g
	e := env("prod", obs)
	r := resolve(t, e, v1alpha1.CacheSpec{})
	want := &v1alpha1.CacheOutputs{
		ReplicationGroupID: r.ReplicationGroupID, PrimaryEndpoint: "master.x.abc.use1.cache.amazonaws.com",
		ReaderEndpoint: "replica.x.abc.use1.cache.amazonaws.com", Port: 6379, EngineVersion: "7.1.0",
		MemberClusters: []string{"x-001", "x-002"}, AuthTokenSecret: "prod-cache-auth-token", AuthTokenSecretKey: "token",
		KMSKeyArn: keyARN,
	}
	if diff := cmp.Diff(want, Build(e, r).Outputs); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}
