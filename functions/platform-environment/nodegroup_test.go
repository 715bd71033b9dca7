package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

// TestNodeGroupReplacementWalk edits each example's instance types at its fully observed stage and walks
// the whole function (so the add-on releases' Usages and gates take part) to the new fixed point, one
// RunFunction per pass, everything observed Ready and every update applied as soon as it is desired.
// At every pass:
//   - no node group that stays changes its instance types in place (EKS cannot; upjet would refuse);
//   - the old group leaves desired state only once the new group is observed Ready, the old group's
//     NoSchedule taint is observed applied and no observed Usage names it any more;
//   - the releases never lose their gate on nodes (they stay rendered).
//
// At the fixed point only the new group is left and every "uses nodes" Usage names it.
func TestNodeGroupReplacementWalk(t *testing.T) {
	for _, ex := range goldenExamples {
		t.Run(ex, func(t *testing.T) {
			xr := readXR(t, ex)
			observed, _ := walk(t, xr, func(string) bool { return true })
			if _, ok := observed[compose.NodeGroup]; !ok {
				t.Fatalf("%s has no %s at its ready stage", ex, compose.NodeGroup)
			}
			setPath(xr["spec"].(map[string]any), []string{"cluster", "nodeGroup", "instanceTypes"}, []any{"m5.large"})
			md := xr["metadata"].(map[string]any)
			opts := observe.Options{Namespace: md["namespace"].(string), Region: xr["spec"].(map[string]any)["region"].(string)}
			oldName := metadataName(observed[compose.NodeGroup])
			tainted := false
			for pass := 1; ; pass++ {
				if pass > 12 {
					t.Fatal("no fixed point after 12 passes")
				}
				rsp := run(t, xr, observed)
				if msg := fatal(rsp); msg != "" {
					t.Fatalf("pass %d: fatal: %s", pass, msg)
				}
				if pass <= 2 {
					if msg := componentMessage(rsp.GetDesired().GetComposite().GetResource().AsMap(), "nodes"); !strings.Contains(msg, "replacing the node group") {
						t.Errorf("pass %d: the nodes component does not say the replacement's step: %q", pass, msg)
					}
					// A replacement's steps each wait on the last: a short TTL (ttl.go) bounds every step.
					if got := rsp.GetMeta().GetTtl().AsDuration(); got != shortTTL {
						t.Errorf("pass %d: TTL %v during the replacement, want %v", pass, got, shortTTL)
					}
				}
				desired := map[string]map[string]any{}
				for name, r := range rsp.GetDesired().GetResources() {
					desired[name] = r.GetResource().AsMap()
				}
				for name, d := range desired {
					if d["kind"] != "NodeGroup" || observed[name] == nil {
						continue
					}
					was, now := compose.Lookup(observed[name], "spec.forProvider.instanceTypes"), compose.Lookup(d, "spec.forProvider.instanceTypes")
					if !reflect.DeepEqual(was, now) {
						t.Errorf("pass %d: %s changes instanceTypes in place: %v → %v", pass, name, was, now)
					}
					if taint := compose.Lookup(d, "spec.forProvider.taint"); taint != nil {
						tainted = true
					}
				}
				if _, ok := desired[compose.NodeGroup]; !ok && observed[compose.NodeGroup] != nil {
					successor := ""
					for name, d := range desired {
						if d["kind"] == "NodeGroup" {
							successor = name
						}
					}
					if !compose.Observed(observed).Ready(successor) {
						t.Errorf("pass %d: the old group is retired before its successor %q is observed Ready", pass, successor)
					}
					if compose.Lookup(observed[compose.NodeGroup], "status.atProvider.taint") == nil {
						t.Errorf("pass %d: the old group is retired before its taint is observed applied", pass)
					}
					for name, o := range observed {
						if o["kind"] == "Usage" && compose.Lookup(o, "spec.of.resourceRef.name") == oldName {
							t.Errorf("pass %d: the old group is retired while the Usage %s still names it", pass, name)
						}
					}
				}
				for _, r := range []string{"releases-lbc", "releases-lbc-uses-nodes"} {
					if _, ok := observed[r]; ok && desired[r] == nil {
						t.Errorf("pass %d: %s left desired state during the replacement", pass, r)
					}
				}
				next := map[string]map[string]any{}
				for name, d := range desired {
					next[name] = observe.Resource(name, d, opts)
				}
				if reflect.DeepEqual(next, observed) {
					// At rest the watches wake every wait: the long TTL.
					if got := rsp.GetMeta().GetTtl().AsDuration(); got != longTTL {
						t.Errorf("fixed point: TTL %v, want %v", got, longTTL)
					}
					t.Logf("%s: fixed point after %d passes", ex, pass)
					break
				}
				observed = next
			}
			if !tainted {
				t.Error("the old group was never tainted")
			}
			var groups []string
			for name, o := range observed {
				if o["kind"] == "NodeGroup" {
					groups = append(groups, name)
				}
			}
			if len(groups) != 1 || !strings.HasPrefix(groups[0], compose.NodeGroup+"-") {
				t.Fatalf("fixed point: node groups %v, want one replacement group", groups)
			}
			newName := metadataName(observed[groups[0]])
			usages := 0
			for name, o := range observed {
				if o["kind"] != "Usage" || !strings.HasSuffix(name, "-uses-nodes") {
					continue
				}
				usages++
				if got := compose.Lookup(o, "spec.of.resourceRef.name"); got != newName {
					t.Errorf("%s names %v, want the new group %s", name, got, newName)
				}
			}
			if usages == 0 {
				t.Error("no Usage of the nodes at the fixed point")
			}
		})
	}
}

func metadataName(obj map[string]any) any { return compose.Lookup(obj, "metadata.name") }

// componentMessage is status.components[name].message of the desired XR.
func componentMessage(xr map[string]any, name string) string {
	comps, _ := compose.Lookup(xr, "status.components").([]any)
	for _, c := range comps {
		if m, ok := c.(map[string]any); ok && m["name"] == name {
			s, _ := m["message"].(string)
			return s
		}
	}
	return ""
}
