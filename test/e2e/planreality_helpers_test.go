//go:build e2e

package e2e

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/plan"
)

// TestPlanRealityHelpers checks the comparison's pieces without the control plane: field paths as the plan writes
// them, a parent path covering its children, the local merge patch, and a replacement counted as a create and a
// delete.
func TestPlanRealityHelpers(t *testing.T) {
	before := map[string]any{
		"metadata": map[string]any{"annotations": map[string]any{"crossplane.io/external-name": "a", "k": "v"}},
		"spec":     map[string]any{"forProvider": map[string]any{"version": "1.35", "tags": []any{"x"}, "keep": 1.0}},
	}
	after := map[string]any{
		"metadata": map[string]any{"annotations": map[string]any{"crossplane.io/external-name": "b", "k": "v"}},
		"spec":     map[string]any{"forProvider": map[string]any{"version": "1.36", "tags": []any{"x", "y"}, "keep": 1.0, "new": true}},
	}
	want := []string{
		"metadata.annotations[crossplane.io/external-name]",
		"spec.forProvider.new", "spec.forProvider.tags", "spec.forProvider.version",
	}
	if d := cmp.Diff(want, leafDiff(before, after)); d != "" {
		t.Errorf("leafDiff (-want +got):\n%s", d)
	}
	if leafDiff(before, before) != nil {
		t.Error("leafDiff of an object with itself is not empty")
	}

	for _, c := range []struct {
		a, b []string
		same bool
	}{
		{[]string{"metadata.annotations"}, []string{"metadata.annotations[a/b]"}, true},
		{[]string{"spec.forProvider.version"}, []string{"spec.forProvider.version"}, true},
		{[]string{"spec.forProvider.version"}, []string{"spec.forProvider.versions"}, false},
		{[]string{"spec.forProvider.version", "spec.watch"}, []string{"spec.forProvider.version"}, false},
		{nil, []string{"spec.watch"}, false},
		{nil, nil, true},
	} {
		if got := samePaths(c.a, c.b); got != c.same {
			t.Errorf("samePaths(%v, %v) = %v, want %v", c.a, c.b, got, c.same)
		}
	}

	spec := map[string]any{"cluster": map[string]any{"version": "1.35", "nodeGroup": map[string]any{"instanceTypes": []any{"t3.medium"}, "maxSize": int64(10)}}, "drop": "me"}
	if err := mergeSpec(map[string]any{"cluster": map[string]any{"nodeGroup": map[string]any{"instanceTypes": []any{"t3.large"}}}, "drop": nil, "added": map[string]any{"a": int64(1)}})(spec); err != nil {
		t.Fatal(err)
	}
	wantSpec := map[string]any{"cluster": map[string]any{"version": "1.35", "nodeGroup": map[string]any{"instanceTypes": []any{"t3.large"}, "maxSize": int64(10)}}, "added": map[string]any{"a": int64(1)}}
	if d := cmp.Diff(wantSpec, spec); d != "" {
		t.Errorf("mergeSpec (-want +got):\n%s", d)
	}

	pl := &planned{plan: &plan.Plan{View: plan.View{Resources: []plan.Resource{
		{Name: "nodes-group-abc", Replaces: "nodes-group", Action: plan.Replace},
		{Name: "uses-nodes", Action: plan.Update, Fields: []plan.Field{{Path: "spec.of.resourceRef.name"}}},
		{Name: "gone", Action: plan.Orphan},
	}}}}
	wantChanges := map[string]plannedChange{
		"nodes-group-abc": {action: plan.Create},
		"nodes-group":     {action: plan.Delete},
		"uses-nodes":      {action: plan.Update, fields: []string{"spec.of.resourceRef.name"}},
		"gone":            {action: plan.Orphan},
	}
	if d := cmp.Diff(wantChanges, pl.expected(), cmp.AllowUnexported(plannedChange{})); d != "" {
		t.Errorf("expected (-want +got):\n%s", d)
	}
}
