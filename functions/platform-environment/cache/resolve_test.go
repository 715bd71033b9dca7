package cache

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
	"github.com/cloudpartner/platform-environment/test/validate"
)

func TestResolveDefaults(t *testing.T) {
	base := v1alpha1.ResolvedCache{
		ReplicationGroupID: "cloud-consulting-prod-redis-00000000", Engine: "redis", EngineVersion: "7.1",
		NodeType: "cache.t3.micro", NumCacheClusters: 2, AutomaticFailoverEnabled: true, MultiAZ: true,
		SnapshotRetentionDays: 7, SnapshotWindow: "02:00-03:00", MaintenanceWindow: "sun:05:00-sun:06:00",
		FinalSnapshotIdentifier: "cloud-consulting-prod-redis-fi-00000000",
	}
	cases := map[string]struct {
		reason  string
		profile string
		spec    v1alpha1.CacheSpec
		want    func(r *v1alpha1.ResolvedCache)
	}{
		"Prod": {
			reason:  "prod: Redis 7.1 (the seed's 6.2 is old), two nodes with failover and Multi-AZ, a week of snapshots.",
			profile: "prod",
		},
		"SeedOneNode": {
			reason:  "The seed asks for one node: no failover, no Multi-AZ (the security test names this exception).",
			profile: "prod", spec: v1alpha1.CacheSpec{NumCacheClusters: ct.Ptr(int32(1))},
			want: func(r *v1alpha1.ResolvedCache) {
				r.NumCacheClusters, r.AutomaticFailoverEnabled, r.MultiAZ = 1, false, false
			},
		},
		"Dev": {
			reason:  "dev: one node, a day of snapshots, no final snapshot.",
			profile: "dev",
			want: func(r *v1alpha1.ResolvedCache) {
				r.NumCacheClusters, r.AutomaticFailoverEnabled, r.MultiAZ = 1, false, false
				r.SnapshotRetentionDays, r.FinalSnapshotIdentifier = 1, ""
			},
		},
		"Valkey": {
			reason:  "valkey takes its own default version.",
			profile: "prod", spec: v1alpha1.CacheSpec{Engine: "valkey"},
			want: func(r *v1alpha1.ResolvedCache) { r.Engine, r.EngineVersion = "valkey", "8.1" },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := ct.Env(tc.profile, nil)
			got := resolve(t, e, tc.spec)
			want := base
			want.ReplicationGroupID = e.AWSName(compose.RuleElastiCache, "redis")
			want.FinalSnapshotIdentifier = e.AWSName(compose.RuleRDS, "redis-final")
			if tc.want != nil {
				tc.want(&want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
			if n := len(got.ReplicationGroupID); n > 40 {
				t.Errorf("replication group id %q has %d characters; ElastiCache allows 40", got.ReplicationGroupID, n)
			}
		})
	}
}

func TestResolveEngine(t *testing.T) {
	cases := map[string]struct {
		reason   string
		spec     v1alpha1.CacheSpec
		observed map[string]any
		engine   string
		want     string
		wantErr  []string
	}{
		"KeepsObserved": {
			reason:   "A spec without a version keeps the group's.",
			observed: observedGroup("redis", "7.0", "7.0.7"), want: "7.0",
		},
		"Upgrade": {
			reason:   "Raising the version is a modification ElastiCache applies in place.",
			spec:     v1alpha1.CacheSpec{EngineVersion: "7.1"},
			observed: observedGroup("redis", "7.0", "7.0.7"), want: "7.1",
		},
		"Downgrade": {
			reason:   "ElastiCache cannot downgrade.",
			spec:     v1alpha1.CacheSpec{EngineVersion: "6.2"},
			observed: observedGroup("redis", "7.1", "7.1.0"),
			wantErr:  []string{"spec.cache.engineVersion:", "downgrade", "set 7.1 or later"},
		},
		"ToValkey": {
			reason:   "redis to valkey is an in-place upgrade; without a version the group gets valkey's default.",
			spec:     v1alpha1.CacheSpec{Engine: "valkey"},
			observed: observedGroup("redis", "7.1", "7.1.0"), engine: "valkey", want: "8.1",
		},
		"UnreadableActualFallsBackToRendered": {
			reason:   "A status that is not a version (a broken status) is not what runs: the version last rendered says it.",
			spec:     v1alpha1.CacheSpec{EngineVersion: "7.1"},
			observed: observedGroup("redis", "7.1", "10.0.0.0/16"), want: "7.1",
		},
		"UnreadableVersionsAreNotADowngrade": {
			reason:   "Neither the status nor the last render reads as a version: nothing to compare, no Fatal for a spec nobody changed.",
			spec:     v1alpha1.CacheSpec{EngineVersion: "7.1"},
			observed: observedGroup("redis", "17", "true"), want: "7.1",
		},
		"KeepsUnlistedObserved": {
			reason:   "A spec without a version keeps what runs even when the table no longer lists it: nobody asked for a change.",
			observed: observedGroup("redis", "6.0", "6.0.5"), want: "6.0",
		},
		"BackToRedis": {
			reason:   "valkey cannot go back to redis.",
			spec:     v1alpha1.CacheSpec{Engine: "redis"},
			observed: observedGroup("valkey", "8.1", "8.1.1"),
			wantErr:  []string{"spec.cache.engine:", "cannot move it back to redis"},
		},
		"Old": {
			reason:  "The seed's 6.x wildcard is not a version we render.",
			spec:    v1alpha1.CacheSpec{EngineVersion: "6.x"},
			wantErr: []string{"spec.cache.engineVersion:", `"6.x" is not a redis version`, "use one of 6.2, 7.0, 7.1"},
		},
		"WrongEngineVersion": {
			reason:  "7.2 is Valkey's, not Redis OSS's.",
			spec:    v1alpha1.CacheSpec{EngineVersion: "7.2"},
			wantErr: []string{"spec.cache.engineVersion:", `"7.2" is not a redis version`},
		},
		"UnknownEngine": {
			reason:  "memcached is not this cache.",
			spec:    v1alpha1.CacheSpec{Engine: "memcached"},
			wantErr: []string{"spec.cache.engine:", "use redis or valkey"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := compose.Observed{}
			if tc.observed != nil {
				obs[compose.CacheReplicationGroup] = tc.observed
			}
			r, err := Resolve(tc.spec, ct.Env("prod", obs))
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("%s\nwant an error, got %s %s", tc.reason, r.Engine, r.EngineVersion)
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
			wantEngine := tc.engine
			if wantEngine == "" {
				wantEngine = "redis"
			}
			if r.EngineVersion != tc.want || r.Engine != wantEngine {
				t.Errorf("%s\ngot %s %s, want %s %s", tc.reason, r.Engine, r.EngineVersion, wantEngine, tc.want)
			}
		})
	}
}

func TestResolveInvalid(t *testing.T) {
	cases := map[string]struct {
		spec     v1alpha1.CacheSpec
		field    string
		contains string
	}{
		"NodeTypeRDS":       {spec: v1alpha1.CacheSpec{NodeType: "db.t3.micro"}, field: "spec.cache.nodeType", contains: "not an ElastiCache node type"},
		"NodeTypeNoFamily":  {spec: v1alpha1.CacheSpec{NodeType: "cache.micro"}, field: "spec.cache.nodeType", contains: "not an ElastiCache node type"},
		"NodesZero":         {spec: v1alpha1.CacheSpec{NumCacheClusters: ct.Ptr(int32(0))}, field: "spec.cache.numCacheClusters", contains: "out of range"},
		"NodesMany":         {spec: v1alpha1.CacheSpec{NumCacheClusters: ct.Ptr(int32(7))}, field: "spec.cache.numCacheClusters", contains: "out of range"},
		"RetentionZero":     {spec: v1alpha1.CacheSpec{SnapshotRetentionDays: ct.Ptr(int32(0))}, field: "spec.cache.snapshotRetentionDays", contains: "out of range"},
		"SnapshotShort":     {spec: v1alpha1.CacheSpec{SnapshotWindow: "02:00-02:30"}, field: "spec.cache.snapshotWindow", contains: "lasts 30 minutes"},
		"WindowsOverlap":    {spec: v1alpha1.CacheSpec{SnapshotWindow: "05:00-06:00"}, field: "spec.cache.snapshotWindow", contains: "overlaps"},
		"MaintenanceFormat": {spec: v1alpha1.CacheSpec{MaintenanceWindow: "sun:5-sun:6"}, field: "spec.cache.maintenanceWindow", contains: "not a weekly window"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Resolve(tc.spec, ct.Env("prod", nil))
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

// TestVersionsMatchXRD keeps the XRD's admission rule and the function's version lists in step.
func TestVersionsMatchXRD(t *testing.T) {
	v := validate.Shared(t)
	candidates := []string{"5.0", "6.0", "6.2", "6.x", "7.0", "7.1", "7.2", "7.3", "8.0", "8.1", "8.2", "8.3", "9.0"}
	for _, engine := range []string{"redis", "valkey"} {
		for _, version := range candidates {
			xr := map[string]any{
				"apiVersion": "platform.cloudpartner.pro/v1alpha1", "kind": "PlatformEnvironment",
				"metadata": map[string]any{"name": "prod", "namespace": "cloud-consulting"},
				"spec":     map[string]any{"region": "us-east-1", "cache": map[string]any{"engine": engine, "engineVersion": version}},
			}
			admitted := len(v.XR(xr)) == 0
			_, err := Resolve(v1alpha1.CacheSpec{Engine: engine, EngineVersion: version}, ct.Env("prod", nil))
			if admitted != (err == nil) {
				t.Errorf("%s %s: the XRD admits it: %v, the function accepts it: %v (%v)", engine, version, admitted, err == nil, err)
			}
		}
	}
}
