//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// statefulKinds are the kinds deletionProtection keeps in AWS when a protected XR is deleted (XRD:
// "database, cache, KMS keys, buckets, log groups, the hosted zone").
var statefulKinds = []string{
	"rds.aws.m.upbound.io/Instance", "rds.aws.m.upbound.io/Cluster",
	"elasticache.aws.m.upbound.io/ReplicationGroup",
	"kms.aws.m.upbound.io/Key",
	"s3.aws.m.upbound.io/Bucket",
	"cloudwatchlogs.aws.m.upbound.io/Group",
	"route53.aws.m.upbound.io/Zone",
}

func isStateful(k objKey) bool { return slices.Contains(statefulKinds, k.GVK.Group+"/"+k.GVK.Kind) }

// specEdits are in-place changes to a Ready seed environment: the XR spec patch, and the one composed resource and
// field it must change. Nothing else may change.
var specEdits = []struct {
	name     string
	patch    map[string]any
	resource func(u *unstructured.Unstructured) bool // picks the composed resource that must change
	field    []string
	want     any
}{
	{
		name:  "flow log retention",
		patch: map[string]any{"network": map[string]any{"flowLogRetentionDays": int64(30)}},
		resource: func(u *unstructured.Unstructured) bool {
			return u.GetKind() == "Group" && strings.HasPrefix(u.GetAPIVersion(), "cloudwatchlogs.")
		},
		field: []string{"spec", "forProvider", "retentionInDays"},
		want:  int64(30),
	},
}

// TestSeedProduction follows the seed environment (a prod-profile XR) through its life on the control plane: the
// first stage as the render golden says, the lifecycle walk to Ready, in-place spec edits, and deletion with
// deletion protection on.
func TestSeedProduction(t *testing.T) {
	ctx := ctxFor(t)
	ex := exampleNamed(t, "seed-production")
	first, ready := ex.stages(t)
	obs, err := loadObservations(ex.observedDir)
	if err != nil {
		t.Fatal(err)
	}
	env.ensureNamespace(ctx, t, dryRunNamespace)
	x := env.createXR(ctx, t, ex.file, "")
	t.Logf("created %s", x)

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, func(t *testing.T) { timed(t, "seed-production: "+name, func() { f(t) }) }) {
			t.FailNow() // each step builds on the previous one
		}
	}

	step("first stage equals the render golden", func(t *testing.T) {
		u, composed, err := x.settle(ctx, 2*time.Second, 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		diffs, err := env.compareComposed(ctx, first, composed)
		if err != nil {
			t.Fatal(err)
		}
		diffs = append(diffs, compareXR(first.xr, u)...)
		for _, d := range diffs {
			t.Error(d)
		}
		t.Logf("%d composed resources, as in %s", len(composed), first.path)
	})

	var final map[string]*unstructured.Unstructured
	step("lifecycle walk reaches Ready", func(t *testing.T) {
		res, err := x.walk(ctx, obs, 20)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("walk: %s", res)
		env.timings.add("seed-production walk: "+res.String(), 0)
		u, composed, err := x.settle(ctx, 2*time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		final = composed
		if s, r, m := condition(u, "Ready"); s != "True" {
			t.Fatalf("XR not Ready: %s %s", r, m)
		}
		if outs, _, _ := unstructured.NestedMap(u.Object, "status", "outputs"); len(outs) == 0 {
			t.Error("XR is Ready but status.outputs is empty")
		}
		diffs, err := env.compareComposed(ctx, ready, composed)
		if err != nil {
			t.Fatal(err)
		}
		diffs = append(diffs, compareXR(ready.xr, u)...)
		for _, d := range diffs {
			t.Error(d)
		}
	})

	for _, e := range specEdits {
		step("spec edit in place: "+e.name, func(t *testing.T) {
			_, before, err := x.settle(ctx, time.Second, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			var target string
			for rn, u := range before {
				if e.resource(u) {
					if target != "" {
						t.Fatalf("more than one composed resource matches: %s and %s", target, rn)
					}
					target = rn
				}
			}
			if target == "" {
				t.Fatal("no composed resource matches")
			}
			if err := x.patchSpec(ctx, e.patch); err != nil {
				t.Fatalf("patch spec: %v", err)
			}
			var after map[string]*unstructured.Unstructured
			err = poll(ctx, time.Minute, 250*time.Millisecond, func() (bool, error) {
				_, after, err = x.composed(ctx)
				if err != nil || after[target] == nil {
					return false, err
				}
				got, _, _ := unstructured.NestedFieldNoCopy(after[target].Object, e.field...)
				return cmp.Equal(got, e.want), nil
			})
			if err != nil {
				t.Fatalf("%s never got %s=%v: %v", target, strings.Join(e.field, "."), e.want, err)
			}
			u, after, err := x.settle(ctx, 2*time.Second, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if s, r, m := condition(u, "Ready"); s != "True" {
				t.Errorf("XR not Ready after the edit: %s %s", r, m)
			}
			if before[target].GetUID() != after[target].GetUID() {
				t.Errorf("%s was replaced, not updated in place", target)
			}
			// Everything else: the same set, the same objects, the same spec and metadata.
			if d := cmp.Diff(sortedKeys(before), sortedKeys(after)); d != "" {
				t.Errorf("composed resources changed (-before +after):\n%s", d)
			}
			for rn, b := range before {
				a := after[rn]
				if a == nil {
					continue
				}
				bc, ac := comparable(b, false), comparable(a, false)
				if rn == target {
					_ = unstructured.SetNestedField(bc, e.want, e.field...)
				}
				if d := cmp.Diff(bc, ac); d != "" {
					t.Errorf("%s changed (-before +after):\n%s", rn, d)
				}
				if b.GetUID() != a.GetUID() {
					t.Errorf("%s was replaced", rn)
				}
			}
			final = after
		})
	}

	step("deleting the protected XR keeps the stateful resources", func(t *testing.T) {
		start := time.Now()
		if err := x.deleteAndWait(ctx, final, 5*time.Minute); err != nil {
			t.Fatal(err)
		}
		t.Logf("XR and %d composed resources gone in %s", len(final), time.Since(start).Round(10*time.Millisecond))
		var kept, wantKept []string
		for _, e := range env.fake.remaining(x) {
			kept = append(kept, e.Key.GVK.Kind+"/"+e.Key.Name)
		}
		for _, u := range final {
			if k := keyOf(u); isManaged(u) && isStateful(k) {
				wantKept = append(wantKept, k.GVK.Kind+"/"+k.Name)
			}
		}
		slices.Sort(wantKept)
		if len(wantKept) == 0 {
			t.Fatal("the seed composes no stateful resource; nothing to protect")
		}
		if d := cmp.Diff(wantKept, kept); d != "" {
			t.Errorf("cloud resources left after deletion (-stateful +left):\n%s", d)
		}
		t.Logf("kept in the cloud: %s", strings.Join(kept, ", "))
	})
}
