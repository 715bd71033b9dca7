//go:build e2e

package e2e

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/cloudpartner/platform-environment/apis/admission"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/plan"
)

// The plan's proof (issue 14, item 5): before each edit of the Ready seed, the eventual-state plan is computed in
// process from the live state, as `penv plan` computes it (OLD: the live XR; NEW: the live XR with the edit applied
// to a copy of its spec; observed: the composed resources as the API server returns them; admission of NEW as
// apis/admission.XRUpdate runs it), and once the edit has been applied and walked to its fixed point, the plan must
// equal what the control plane did, per composition resource name.
//
// What the control plane did is read from the two settled snapshots around the edit, checked against the fake
// provider's sequence (fakeprovider_test.go), and classified as:
//
//   - create: a composition resource name composed after the edit and not before (a managed one was created in the
//     fake cloud, and made Ready by the walk, after the plan);
//   - delete / orphan: composed before and not after; for a managed resource the fake provider decides which, from
//     its management and deletion policies, as crossplane-runtime does (a Usage or ProviderConfig is a delete);
//   - update: composed before and after, and the object as Crossplane applies it changed: apiVersion, kind,
//     metadata.name, labels and annotations, and spec (spec.forProvider, a manifest, a release's values, a Usage's
//     spec.of) — what the function renders. Not an update: status (the walk's observations, the fake provider's
//     Synced condition and atProvider mirror), runtime metadata (resourceVersion, generation, managedFields,
//     finalizers: the API server's, Crossplane's and the fake provider's), and what Crossplane's Usage controller
//     writes on a used resource (the crossplane.io/in-use label, the usage-details annotation, its owner
//     references) — none of it comes from the render, so a render-to-render plan cannot, and should not, show it.
//     That is golden_test.go's comparable(), the projection the golden comparison uses. An update of a managed
//     resource's spec must have reached the provider: its last applied update is the object's final generation;
//   - blocked: an update the fake provider refused at the final generation (the walks fail on any refusal first).
//
// The plan's replace is a create of its new name and a delete of the name it retires. For updates the changed
// field paths are compared too (the plan's leaves: maps walked, lists whole, as plan.Field.Path). A resource that
// stays with no net change must not have changed in passing either (its generation moved, or the fake provider
// applied or refused an update since the plan): the eventual-state plan shows only the net change, and a passing
// change the plan cannot show is a difference to know about. Changes on resources that go away (the old node
// group's taint before its deletion) are not counted: what is deleted is deleted.

// planned is an eventual-state plan computed before an edit, with what it was computed from.
type planned struct {
	plan   *plan.Plan
	took   time.Duration
	seq    int // the fake provider's sequence when the plan was computed
	before map[string]*unstructured.Unstructured
}

// planEdit computes the plan of an edit from the live XR u and its composed resources (both from one settle) in
// process. edit changes a copy of the spec as the step will change the live one.
func planEdit(t *testing.T, u *unstructured.Unstructured, composed map[string]*unstructured.Unstructured, edit func(spec map[string]any) error) *planned {
	t.Helper()
	start := time.Now()
	oldObj := runtime.DeepCopyJSON(u.Object)
	newObj := runtime.DeepCopyJSON(u.Object)
	delete(newObj, "status") // an update sends no status (the subresource's), as overLive in penv leaves it out
	spec, _ := newObj["spec"].(map[string]any)
	if err := edit(spec); err != nil {
		t.Fatalf("plan: the edit: %v", err)
	}
	in := plan.Input{Observed: compose.Observed{}}
	var err error
	if in.Old, err = plan.DecodeXR(oldObj); err != nil {
		t.Fatalf("plan: the live XR: %v", err)
	}
	if in.New, err = plan.DecodeXR(newObj); err != nil {
		t.Fatalf("plan: the edited XR: %v", err)
	}
	if in.Refused, err = admission.XRUpdate(oldObj, newObj); err != nil {
		t.Fatalf("plan: admission: %v", err)
	}
	for rn, o := range composed {
		in.Observed[rn] = runtime.DeepCopyJSON(o.Object)
	}
	p, err := plan.Compute(in)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	pl := &planned{plan: p, took: time.Since(start), seq: env.fake.now(), before: composed}
	env.timings.add("plan in process, "+t.Name(), pl.took)
	var b strings.Builder
	if err := plan.Text(&b, p); err != nil {
		t.Fatal(err)
	}
	t.Logf("plan computed in process in %s (%d composed resources observed), before the edit:\n%s",
		pl.took.Round(time.Millisecond), len(composed), b.String())
	if p.Fatal != "" || p.FirstReconcile.Fatal != "" {
		t.Errorf("the plan's render failed: %s %s", p.FirstReconcile.Fatal, p.Fatal)
	}
	return pl
}

// plannedChange is one resource's action in a plan or in reality, with the changed field paths of an update.
type plannedChange struct {
	action string
	fields []string
}

func (c plannedChange) String() string {
	if c.action == "" {
		return "no change"
	}
	if len(c.fields) == 0 {
		return c.action
	}
	return c.action + " " + strings.Join(c.fields, ", ")
}

// expected is the plan's eventual view by composition resource name.
func (pl *planned) expected() map[string]plannedChange {
	out := map[string]plannedChange{}
	for _, r := range pl.plan.Resources {
		switch r.Action {
		case plan.Replace:
			// Create before destroy: the new name is created, the old one deleted once it is no longer needed.
			out[r.Name] = plannedChange{action: plan.Create}
			out[r.Replaces] = plannedChange{action: plan.Delete}
		case plan.Update, plan.Blocked:
			paths := make([]string, 0, len(r.Fields))
			for _, f := range r.Fields {
				paths = append(paths, f.Path)
			}
			sort.Strings(paths)
			out[r.Name] = plannedChange{action: r.Action, fields: paths}
		default:
			out[r.Name] = plannedChange{action: r.Action}
		}
	}
	return out
}

// reality classifies what the control plane did from the snapshot before the plan to after (see the top of the
// file); problems are inconsistencies between the snapshots and the fake provider's record.
func (pl *planned) reality(after map[string]*unstructured.Unstructured) (map[string]plannedChange, []string) {
	out := map[string]plannedChange{}
	var problems []string
	for _, rn := range sortedKeys(after) {
		a := after[rn]
		b := pl.before[rn]
		if b == nil {
			out[rn] = plannedChange{action: plan.Create}
			if isManaged(a) {
				e, ok := env.fake.lookup(keyOf(a))
				switch {
				case !ok || e.CreatedSeq <= pl.seq:
					problems = append(problems, fmt.Sprintf("%s: composed after the edit, but the fake provider saw no creation of %s since the plan", rn, keyOf(a)))
				case e.ReadySeq == 0:
					problems = append(problems, fmt.Sprintf("%s: created but never Ready", rn))
				}
			}
			continue
		}
		if b.GetUID() != a.GetUID() {
			problems = append(problems, fmt.Sprintf("%s: a new object under the same composition resource name (%s → %s): Crossplane never replaces a composed resource", rn, b.GetUID(), a.GetUID()))
		}
		fields := leafDiff(comparable(b, false), comparable(a, false))
		var e external
		ok := false
		if isManaged(a) {
			e, ok = env.fake.lookup(keyOf(a))
		}
		var applied, refused []update
		for _, u := range e.Updates {
			if u.Seq > pl.seq {
				applied = append(applied, u)
			}
		}
		for _, u := range e.Refusals {
			if u.Seq > pl.seq {
				refused = append(refused, u)
			}
		}
		if len(fields) == 0 {
			if g0, g1 := b.GetGeneration(), a.GetGeneration(); g0 != g1 || len(applied) > 0 || len(refused) > 0 {
				problems = append(problems, fmt.Sprintf("%s: no net change, but it changed in passing (generation %d → %d; %d updates applied, %d refused by the provider since the plan)", rn, g0, g1, len(applied), len(refused)))
			}
			continue
		}
		c := plannedChange{action: plan.Update, fields: fields}
		if len(refused) > 0 && refused[len(refused)-1].Gen == a.GetGeneration() {
			c.action = plan.Blocked
		} else if ok && a.GetGeneration() != b.GetGeneration() {
			// The spec changed: the provider must have applied the final generation.
			if len(applied) == 0 || applied[len(applied)-1].Gen != a.GetGeneration() {
				problems = append(problems, fmt.Sprintf("%s: its spec changed (generation %d → %d), but the fake provider applied no update at generation %d since the plan (applied: %v)", rn, b.GetGeneration(), a.GetGeneration(), a.GetGeneration(), applied))
			}
		}
		out[rn] = c
	}
	for _, rn := range sortedKeys(pl.before) {
		b := pl.before[rn]
		if after[rn] != nil {
			continue
		}
		c := plannedChange{action: plan.Delete}
		if isManaged(b) {
			e, ok := env.fake.lookup(keyOf(b))
			switch {
			case !ok || e.ReleasedSeq <= pl.seq:
				problems = append(problems, fmt.Sprintf("%s: no longer composed, but the fake provider handled no deletion of %s since the plan", rn, keyOf(b)))
			case e.Orphaned:
				c.action = plan.Orphan
			}
		}
		out[rn] = c
	}
	return out, problems
}

// check compares the plan with what the control plane did, one error per resource on which they differ.
func (pl *planned) check(t *testing.T, after map[string]*unstructured.Unstructured) {
	t.Helper()
	want := pl.expected()
	got, problems := pl.reality(after)
	for _, p := range problems {
		t.Errorf("the control plane's record: %s", p)
	}
	names := map[string]bool{}
	for rn := range want {
		names[rn] = true
	}
	for rn := range got {
		names[rn] = true
	}
	var diffs []string
	for _, rn := range sortedKeys(names) {
		w, g := want[rn], got[rn]
		if w.action != g.action || !samePaths(w.fields, g.fields) {
			diffs = append(diffs, fmt.Sprintf("  %s:\n    plan:          %s\n    control plane: %s", rn, w, g))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("the plan computed before the edit differs from what the control plane did on %d of %d resources:\n%s",
			len(diffs), len(names), strings.Join(diffs, "\n"))
		return
	}
	counts := map[string]int{}
	for _, c := range got {
		counts[c.action]++
	}
	t.Logf("the plan (%s to compute) equals what the control plane did: %d created, %d updated, %d deleted, %d orphaned, %d blocked",
		pl.took.Round(time.Millisecond), counts[plan.Create], counts[plan.Update], counts[plan.Delete], counts[plan.Orphan], counts[plan.Blocked])
}

// samePaths reports whether two lists of changed field paths name the same changes. A path may be the parent of
// the other side's: where one object lacks a map the other has, the walk stops there (the render has no
// metadata.annotations, the live object always has Crossplane's), so "metadata.annotations" on one side covers
// "metadata.annotations[a/b]" on the other.
func samePaths(a, b []string) bool {
	covered := func(p string, qs []string) bool {
		for _, q := range qs {
			if p == q || nested(p, q) || nested(q, p) {
				return true
			}
		}
		return false
	}
	for _, p := range a {
		if !covered(p, b) {
			return false
		}
	}
	for _, q := range b {
		if !covered(q, a) {
			return false
		}
	}
	return true
}

// nested reports whether path p lies below path parent.
func nested(p, parent string) bool {
	return strings.HasPrefix(p, parent+".") || strings.HasPrefix(p, parent+"[")
}

// leafDiff lists the paths of the leaves that differ between two objects, as the plan's fields do: maps are
// walked, lists and scalars compared whole, a key with a dot or a slash (an annotation, a label) bracketed.
func leafDiff(old, nu map[string]any) []string {
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		am, aok := a.(map[string]any)
		bm, bok := b.(map[string]any)
		if aok && bok {
			for k, av := range am {
				walk(joinPath(path, k), av, bm[k])
			}
			for k, bv := range bm {
				if _, ok := am[k]; !ok {
					walk(joinPath(path, k), nil, bv)
				}
			}
			return
		}
		if !reflect.DeepEqual(a, b) {
			out = append(out, path)
		}
	}
	walk("", old, nu)
	sort.Strings(out)
	return out
}

func joinPath(path, k string) string {
	if strings.ContainsAny(k, "./") {
		return path + "[" + k + "]"
	}
	if path == "" {
		return k
	}
	return path + "." + k
}

// mergeSpec applies a JSON merge patch (RFC 7386: maps merge, null deletes, anything else replaces) to a spec, as
// the API server applies patchSpec's.
func mergeSpec(patch map[string]any) func(spec map[string]any) error {
	var merge func(dst, p map[string]any)
	merge = func(dst, p map[string]any) {
		for k, v := range p {
			pm, pok := v.(map[string]any)
			dm, dok := dst[k].(map[string]any)
			switch {
			case v == nil:
				delete(dst, k)
			case pok && dok:
				merge(dm, pm)
			case pok:
				m := map[string]any{}
				merge(m, pm)
				dst[k] = m
			default:
				dst[k] = runtime.DeepCopyJSONValue(v)
			}
		}
	}
	return func(spec map[string]any) error {
		merge(spec, patch)
		return nil
	}
}

// now is the fake provider's sequence number: everything it records later has a higher one.
func (f *fakeProvider) now() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seq
}
