package cache

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
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
			waiting: "cache-kms-key waits for the AWS account ID (read from observed ARNs) for its key policy",
		},
		"AccountKnown": {
			reason:   "The account is known: the key; the group waits for its ARN.",
			observed: ct.NetworkObserved(),
			want:     []string{subnetGroup, kmsKey, kmsAlias},
			waiting:  "cache-replication-group waits for cache-kms-key's ARN (ElastiCache reports its key as an ARN, set once at creation)",
		},
		"KeyObserved": {
			reason:   "With the key's ARN, the group.",
			observed: keyObserved(),
			want:     []string{subnetGroup, kmsKey, kmsAlias, compose.CacheReplicationGroup},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env("prod", tc.observed)
			out := Build(e, resolve(t, e, v1alpha1.CacheSpec{}))
			ct.Stage(t, tc.reason, out.Result, component, tc.want, tc.waiting)
			noSecrets(t, out.Resources)
		})
	}
}

func TestBuildValidEveryProfile(t *testing.T) {
	for _, profile := range []string{"dev", "staging", "prod"} {
		for _, engine := range []string{"redis", "valkey"} {
			t.Run(profile+"/"+engine, func(t *testing.T) {
				e := ct.Env(profile, keyObserved())
				out := Build(e, resolve(t, e, v1alpha1.CacheSpec{Engine: engine}))
				ct.Validate(t, out.Resources)
				noSecrets(t, out.Resources)
			})
		}
	}
}

func TestDeletionProtection(t *testing.T) {
	retained := map[string]bool{kmsKey: true, subnetGroup: true, compose.CacheReplicationGroup: true}
	for _, protect := range []bool{true, false} {
		e := ct.Env("prod", keyObserved())
		e.DeletionProtection = protect
		for _, r := range Build(e, resolve(t, e, v1alpha1.CacheSpec{})).Resources {
			mp, has := r.Object["spec"].(map[string]any)["managementPolicies"]
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
	e := ct.Env("prod", obs)
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

// TestKeepObserved: a replication group that exists stays in desired state when a render cannot build it
// (its key's observed status lost the ARN): the assembly keeps it as observed.
func TestKeepObserved(t *testing.T) {
	obs := ct.NetworkObserved()
	obs[kmsKey] = map[string]any{"apiVersion": apiKMS, "kind": "Key", "status": map[string]any{}}
	g := observedGroup("redis", "7.1", "7.1.0")
	g["metadata"] = map[string]any{"name": "prod-cache-replication-group"}
	obs[compose.CacheReplicationGroup] = g
	e := ct.Env("prod", obs)
	out := Build(e, resolve(t, e, v1alpha1.CacheSpec{}))
	a, err := compose.Assemble(e, out.Result)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range a.Resources {
		if r.Name == compose.CacheReplicationGroup {
			if !r.Kept {
				t.Errorf("the group is in desired state but was rendered without its key's ARN")
			}
			return
		}
	}
	t.Errorf("the observed replication group left desired state: Crossplane would delete the cache")
}
