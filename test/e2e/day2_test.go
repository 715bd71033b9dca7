//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Day-2 edits of the Ready seed (issue 13, item 7), after the in-place spec edits and before deletion: each is
// walked to its new fixed point (Ready and Applied=True) with the fake provider refusing, as upjet and the API
// server do, every update of a field of the day-2 table. So an edit that changes such a field in place fails here
// with the provider's message (walkWith fails fast on a refusal), instead of leaving a Ready XR whose change never
// happened. Before each edit the eventual-state plan is computed from the live state, and after the walk it must
// equal what the control plane did (planreality_test.go).

const (
	day2NodeGroup    = "nodes-group"
	day2InstanceType = "t3.large" // the seed runs t3.medium
	day2App          = "backend"
	day2AppPort      = int64(8062) // the seed's backend listens on 8061
	day2Deployment   = "apps-app-backend-deployment"
	day2TargetGroup  = "edge-tg-backend"
	// The seed runs 1.35; 1.36 is the next minor the API admits.
	day2Cluster        = "cluster-eks"
	day2ClusterVersion = "1.36"
)

// day2AddonVersions are the unpinned add-ons the release's table has a 1.36 version for
// (functions/platform-environment/cluster/addonversions.go): after the step they run it.
var day2AddonVersions = map[string]string{
	"addons-kube-proxy": "v1.36.0-eksbuild.14",
	"addons-coredns":    "v1.14.3-eksbuild.3",
}

// day2Steps runs the day-2 walk on the Ready seed. step is TestSeedProduction's (timed, each step builds on the
// previous one); final is the composed set the deletion step starts from.
func day2Steps(ctx context.Context, x *xr, obs observations, step func(string, func(*testing.T)), final *map[string]*unstructured.Unstructured) {
	step("day 2: new instance types replace the node group, create before destroy", func(t *testing.T) {
		live, before, err := x.settle(ctx, time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		old := before[day2NodeGroup]
		if old == nil {
			t.Fatalf("the seed composes no %s", day2NodeGroup)
		}
		oldKey := keyOf(old)
		usingOld := usagesNaming(before, old.GetName())
		if len(usingOld) == 0 {
			t.Fatalf("no Usage names %s; the replacement must move some", old.GetName())
		}
		patch := map[string]any{"cluster": map[string]any{"nodeGroup": map[string]any{
			"instanceTypes": []any{day2InstanceType},
		}}}
		pl := planEdit(t, live, before, mergeSpec(patch))
		if err := x.patchSpec(ctx, patch); err != nil {
			t.Fatalf("patch spec: %v", err)
		}
		// The walk starts once the function has seen the edit, so that the fixed point it finds is the edit's.
		if err := x.waitComposed(ctx, 2*time.Minute, func(c map[string]*unstructured.Unstructured) bool {
			for rn, o := range c {
				if strings.HasPrefix(rn, day2NodeGroup+"-") && o.GetKind() == "NodeGroup" {
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatalf("no replacement node group composed: %v", err)
		}
		res, err := x.walkWith(ctx, obs, 6, 3*time.Minute, walkOptions{observed: sortedKeys(before), untilApplied: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("walk: %s", res)
		env.timings.add("seed-production day 2, instance types: "+res.String(), 0)
		_, after, err := x.settle(ctx, 2*time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		*final = after

		// The new group: a new composition resource, metadata.name and EKS name, with the new instance types.
		if after[day2NodeGroup] != nil {
			t.Errorf("%s is still composed after the replacement", day2NodeGroup)
		}
		var groups []string
		for rn, o := range after {
			if strings.HasPrefix(rn, day2NodeGroup+"-") && o.GetKind() == "NodeGroup" {
				groups = append(groups, rn)
			}
		}
		if len(groups) != 1 {
			t.Fatalf("want one replacement node group, got %v", groups)
		}
		next := after[groups[0]]
		t.Logf("%s (%s) replaced by %s (%s)", day2NodeGroup, old.GetName(), groups[0], next.GetName())
		if next.GetName() == old.GetName() {
			t.Errorf("the replacement keeps the old metadata.name %s", old.GetName())
		}
		got, _, _ := unstructured.NestedStringSlice(next.Object, "spec", "forProvider", "instanceTypes")
		if !cmp.Equal(got, []string{day2InstanceType}) {
			t.Errorf("%s instanceTypes = %v, want [%s]", groups[0], got, day2InstanceType)
		}
		oldEKS := old.GetAnnotations()[annotationExternalName]
		if n := next.GetAnnotations()[annotationExternalName]; n != "" && n == oldEKS {
			t.Errorf("the replacement keeps the old EKS name %s", n)
		}

		// Create before destroy, in the fake cloud's one sequence: new group created, then Ready, then the old
		// one tainted (an update applied in place), then the old one deleted.
		oldE, ok1 := env.fake.lookup(oldKey)
		newE, ok2 := env.fake.lookup(keyOf(next))
		if !ok1 || !ok2 {
			t.Fatalf("the fake provider has no record of %s or %s", oldKey, keyOf(next))
		}
		taintSeq := 0
		for _, u := range oldE.Updates {
			if containsString(u.Fields, "taint") {
				taintSeq = u.Seq
				break
			}
		}
		t.Logf("sequence: new group created #%d, Ready #%d; old group tainted #%d, deleted #%d (deleted in AWS: %v)",
			newE.CreatedSeq, newE.ReadySeq, taintSeq, oldE.ReleasedSeq, oldE.Deleted)
		switch {
		case oldE.ReleasedSeq == 0 || !oldE.Deleted:
			t.Errorf("the old node group %s was not deleted in AWS (released #%d)", oldKey, oldE.ReleasedSeq)
		case taintSeq == 0:
			t.Errorf("the old node group was never tainted before its deletion")
		case !(newE.CreatedSeq < newE.ReadySeq && newE.ReadySeq < taintSeq && taintSeq < oldE.ReleasedSeq):
			t.Errorf("not create before destroy: new created #%d, new Ready #%d, old tainted #%d, old deleted #%d",
				newE.CreatedSeq, newE.ReadySeq, taintSeq, oldE.ReleasedSeq)
		}

		// The Usages that named the old group name the new one; none names the old one.
		for _, rn := range usingOld {
			u := after[rn]
			if u == nil {
				t.Errorf("Usage %s, which named the old group, is gone", rn)
				continue
			}
			if n, _, _ := unstructured.NestedString(u.Object, "spec", "of", "resourceRef", "name"); n != next.GetName() {
				t.Errorf("Usage %s names %q, want the new group %s", rn, n, next.GetName())
			}
		}
		if left := usagesNaming(after, old.GetName()); len(left) > 0 {
			t.Errorf("Usages still name the old group: %v", left)
		}
		if len(res.Refused) > 0 || res.AppliedRefused != "" {
			t.Errorf("refusals seen during the replacement: %v (Applied: %s)", res.Refused, res.AppliedRefused)
		}
		if r := env.fake.refusals(x); len(r) > 0 {
			t.Errorf("the fake provider refused updates: %v", r)
		}
		logSetChange(t, before, after)
		pl.check(t, after)
	})

	step("day 2: an application's port changes in place", func(t *testing.T) {
		live, before, err := x.settle(ctx, time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, rn := range []string{day2Deployment, day2TargetGroup} {
			if before[rn] == nil {
				t.Fatalf("the seed composes no %s", rn)
			}
		}
		tgPort, _, _ := unstructured.NestedFieldNoCopy(before[day2TargetGroup].Object, "spec", "forProvider", "port")
		refusedBefore := env.fake.refusals(x)
		// spec.applications is a list: a merge patch would replace all of it, so edit the one field and PUT.
		setPort := func(spec map[string]any) error {
			apps, _ := spec["applications"].([]any)
			for _, a := range apps {
				if m, ok := a.(map[string]any); ok && m["name"] == day2App {
					m["port"] = day2AppPort
					return nil
				}
			}
			return fmt.Errorf("no application %s", day2App)
		}
		pl := planEdit(t, live, before, setPort)
		if err := x.updateSpec(ctx, setPort); err != nil {
			t.Fatal(err)
		}
		if err := x.waitComposed(ctx, 2*time.Minute, func(c map[string]*unstructured.Unstructured) bool {
			return c[day2Deployment] != nil && listensOn(c[day2Deployment], day2AppPort)
		}); err != nil {
			t.Fatalf("%s never listened on %d: %v", day2Deployment, day2AppPort, err)
		}
		// Strict: the per-rollout smoke and load test Jobs are named per template hash, so a new port is a new
		// rollout's Job, never an in-place edit of a Job's template (which the API server refuses, "field is
		// immutable"); the walk fails on any refusal.
		res, err := x.walkWith(ctx, obs, 6, 3*time.Minute, walkOptions{observed: sortedKeys(before), untilApplied: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("walk: %s", res)
		env.timings.add("seed-production day 2, application port: "+res.String(), 0)
		_, after, err := x.settle(ctx, 2*time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		*final = after
		for _, rn := range []string{day2Deployment, day2TargetGroup} {
			if after[rn] == nil || after[rn].GetUID() != before[rn].GetUID() {
				t.Errorf("%s was replaced or removed; the port changes in place", rn)
			}
		}
		if d := after[day2Deployment]; d != nil && !listensOn(d, day2AppPort) {
			t.Errorf("%s does not listen on %d", day2Deployment, day2AppPort)
		}
		if tg := after[day2TargetGroup]; tg != nil {
			if got, _, _ := unstructured.NestedFieldNoCopy(tg.Object, "spec", "forProvider", "port"); !cmp.Equal(got, tgPort) {
				t.Errorf("%s port %v → %v: it is frozen at creation (ForceNew, and unused by instance targets)", day2TargetGroup, tgPort, got)
			}
		}
		for k, ups := range env.fake.refusals(x) {
			for _, u := range ups[len(refusedBefore[k]):] {
				t.Errorf("the fake provider refused %s generation %d: %s", k, u.Gen, u.Message)
			}
		}
		if len(res.Refused) > 0 || res.AppliedRefused != "" {
			t.Errorf("refusals seen during the port change: %v (Applied: %s)", res.Refused, res.AppliedRefused)
		}
		logSetChange(t, before, after)
		pl.check(t, after)
	})

	step("day 2: the cluster version steps one minor and the add-ons follow", func(t *testing.T) {
		live, before, err := x.settle(ctx, time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		patch := map[string]any{"cluster": map[string]any{"version": day2ClusterVersion}}
		pl := planEdit(t, live, before, mergeSpec(patch))
		if err := x.patchSpec(ctx, patch); err != nil {
			t.Fatalf("patch spec: %v", err)
		}
		if err := x.waitComposed(ctx, 2*time.Minute, func(c map[string]*unstructured.Unstructured) bool {
			v, _, _ := unstructured.NestedString(c[day2Cluster].Object, "spec", "forProvider", "version")
			return v == day2ClusterVersion
		}); err != nil {
			t.Fatalf("the control plane was never asked for %s: %v", day2ClusterVersion, err)
		}
		res, err := x.walkWith(ctx, obs, 8, 3*time.Minute, walkOptions{observed: sortedKeys(before), untilApplied: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("walk: %s", res)
		env.timings.add("seed-production day 2, cluster version: "+res.String(), 0)
		// The function steps the control plane, then the node groups, then the add-ons, each once the one before
		// reports its version, and says Applied=False/Upgrading until the add-ons report theirs: the walk (Ready
		// and Applied=True) ends with every step done. (Before Upgrading, CI 2026-12-03 once ended the walk with
		// the node group stepped and kube-proxy not yet: Applied was True between two steps.)
		_, after, err := x.settle(ctx, 2*time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		*final = after
		// Control plane first, then the node group, then the unpinned add-ons to this release's default for the
		// new minor: each in place (same UID), none refused.
		for rn, o := range after {
			if o.GetKind() == "NodeGroup" || rn == day2Cluster {
				if v, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "version"); v != day2ClusterVersion {
					t.Errorf("%s version %q, want %s", rn, v, day2ClusterVersion)
				}
			}
		}
		for rn, want := range day2AddonVersions {
			o := after[rn]
			if o == nil {
				t.Errorf("%s is not composed", rn)
				continue
			}
			if v, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "addonVersion"); v != want {
				t.Errorf("%s addonVersion %q, want %s (the table's for %s)", rn, v, want, day2ClusterVersion)
			}
			if before[rn] == nil || o.GetUID() != before[rn].GetUID() {
				t.Errorf("%s was replaced; an add-on's version changes in place", rn)
			}
		}
		if len(res.Refused) > 0 || res.AppliedRefused != "" {
			t.Errorf("refusals seen during the upgrade: %v (Applied: %s)", res.Refused, res.AppliedRefused)
		}
		logSetChange(t, before, after)
		pl.check(t, after)
	})

	step("day 2: a refused edit is refused at admission, with the CEL message", func(t *testing.T) {
		u0, before, err := x.settle(ctx, time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		patch := map[string]any{"cluster": map[string]any{
			"providerPrincipalArn": "arn:aws:iam::123456789012:role/another-provider",
		}}
		const want = "spec.cluster.providerPrincipalArn is immutable"
		// The plan refuses it as the API server does, with the same CEL message, and plans nothing.
		pl := planEdit(t, u0, before, mergeSpec(patch))
		if !slices.ContainsFunc(pl.plan.Refused, func(m string) bool { return strings.Contains(m, want) }) {
			t.Errorf("the plan's admission does not refuse the edit with %q: %v", want, pl.plan.Refused)
		}
		err = x.patchSpec(ctx, patch)
		switch {
		case err == nil:
			t.Fatal("the API server accepted a change of spec.cluster.providerPrincipalArn")
		case !kerrors.IsInvalid(err):
			t.Errorf("refused, but not as Invalid (422): %v", err)
		case !strings.Contains(err.Error(), want):
			t.Errorf("message lacks %q: %v", want, err)
		default:
			t.Logf("refused: %v", err)
		}
		u1, err := x.get(ctx)
		if err != nil || u1 == nil {
			t.Fatalf("get %s: %v", x, err)
		}
		if u1.GetGeneration() != u0.GetGeneration() {
			t.Errorf("the XR's generation moved from %d to %d: the refused edit was stored", u0.GetGeneration(), u1.GetGeneration())
		}
		_, after, err := x.composed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pl.check(t, after)
	})
}

// listensOn reports whether a Deployment Object's containers declare the port.
func listensOn(u *unstructured.Unstructured, port int64) bool {
	cs, _, _ := unstructured.NestedSlice(u.Object, "spec", "forProvider", "manifest", "spec", "template", "spec", "containers")
	for _, c := range cs {
		ports, _, _ := unstructured.NestedSlice(c.(map[string]any), "ports")
		for _, p := range ports {
			if v, ok := p.(map[string]any)["containerPort"]; ok && fmt.Sprint(v) == fmt.Sprint(port) {
				return true
			}
		}
	}
	return false
}

// waitComposed polls the XR's composed resources until ok holds.
func (x *xr) waitComposed(ctx context.Context, timeout time.Duration, ok func(map[string]*unstructured.Unstructured) bool) error {
	return poll(ctx, timeout, 250*time.Millisecond, func() (bool, error) {
		if err := x.cp.alive(); err != nil {
			return false, err
		}
		_, composed, err := x.composed(ctx)
		if err != nil || composed == nil {
			return false, nil
		}
		return ok(composed), nil
	})
}

// usagesNaming returns the composition resource names of the Usages whose used resource is named name.
func usagesNaming(composed map[string]*unstructured.Unstructured, name string) []string {
	var out []string
	for _, rn := range sortedKeys(composed) {
		u := composed[rn]
		if u.GetKind() != "Usage" {
			continue
		}
		if n, _, _ := unstructured.NestedString(u.Object, "spec", "of", "resourceRef", "name"); n == name {
			out = append(out, rn)
		}
	}
	return out
}

// logSetChange logs which composition resources an edit added and removed.
func logSetChange(t *testing.T, before, after map[string]*unstructured.Unstructured) {
	t.Helper()
	var added, removed []string
	for rn := range after {
		if before[rn] == nil {
			added = append(added, rn)
		}
	}
	for rn := range before {
		if after[rn] == nil {
			removed = append(removed, rn)
		}
	}
	t.Logf("composed resources: %d → %d; added %v; removed %v", len(before), len(after), sortedStrings(added), sortedStrings(removed))
}

func sortedStrings(s []string) []string {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return sortedKeys(m)
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// updateSpec reads the XR, lets edit change its spec and writes it back (PUT), again on a conflict.
func (x *xr) updateSpec(ctx context.Context, edit func(spec map[string]any) error) error {
	var err error
	for range 5 {
		var u *unstructured.Unstructured
		if u, err = x.get(ctx); err != nil || u == nil {
			return fmt.Errorf("get %s: %v", x, err)
		}
		spec, _ := u.Object["spec"].(map[string]any)
		if err := edit(spec); err != nil {
			return err
		}
		if _, err = x.cp.kube.update(ctx, u); !kerrors.IsConflict(err) {
			return err
		}
	}
	return err
}
