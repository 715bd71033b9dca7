package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/protobuf/proto"
)

// A refusal as upjet writes it into Synced when an update changes a ForceNew argument.
const upjetRefusal = `update failed: refuse to update the external resource because the following update requires replacing it: cannot change the value of the argument "instance_types.#" from "1" to "2"`

// withSynced returns a copy of the observed resources where the named ones (all when names is empty) carry
// Synced=False with msg.
func withSynced(observed map[string]map[string]any, msg string, names ...string) map[string]map[string]any {
	out := make(map[string]map[string]any, len(observed))
	for n, o := range observed {
		out[n] = o
		if len(names) > 0 && !contains(names, n) {
			continue
		}
		o = deepCopyMap(o)
		st, _ := o["status"].(map[string]any)
		if st == nil {
			st = map[string]any{}
			o["status"] = st
		}
		var conds []any
		for _, c := range asList(st["conditions"]) {
			if m, ok := c.(map[string]any); ok && m["type"] == "Synced" {
				continue
			}
			conds = append(conds, c)
		}
		st["conditions"] = append(conds, map[string]any{
			"type": "Synced", "status": "False", "reason": "ReconcileError", "message": msg,
			"lastTransitionTime": "2026-01-01T00:00:00Z",
		})
		out[n] = o
	}
	return out
}

func appliedCondition(t *testing.T, rsp *fnv1.RunFunctionResponse) *fnv1.Condition {
	t.Helper()
	for _, c := range rsp.GetConditions() {
		if c.GetType() == "Applied" {
			return c
		}
	}
	t.Fatalf("no Applied condition in %v", rsp.GetConditions())
	return nil
}

func components(rsp *fnv1.RunFunctionResponse) map[string]map[string]any {
	st, _ := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	out := map[string]map[string]any{}
	for _, c := range asList(st["components"]) {
		m := c.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

// TestAppliedTellsTheTruth runs every example at every golden stage as observed, then with the node group's
// update refused, then with every composed resource's update refused. Applied says so, the node group's
// component says so, and nothing that renders changes: the same desired resources, the same readiness per
// resource and per component (gates keep using Ready).
func TestAppliedTellsTheTruth(t *testing.T) {
	for _, ex := range goldenExamples {
		for _, st := range goldenStages {
			t.Run(ex+"/"+st.name, func(t *testing.T) {
				xr := readXR(t, ex)
				observed := readObserved(t, ex, st.name)
				base := run(t, xr, observed)
				if msg := fatal(base); msg != "" {
					t.Fatalf("fatal: %s", msg)
				}
				if c := appliedCondition(t, base); c.GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE || c.GetReason() != "Synced" {
					t.Errorf("every observed resource is Synced: want Applied=True/Synced, got %v", c)
				}

				one := run(t, xr, withSynced(observed, upjetRefusal, "nodes-group"))
				if _, ok := observed["nodes-group"]; ok {
					c := appliedCondition(t, one)
					if c.GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE || c.GetReason() != "UpdateRefused" ||
						!strings.HasPrefix(c.GetMessage(), "update refused, it needs a replacement: nodes-group (nodes-group: update failed: refuse to update") {
						t.Errorf("want Applied=False/UpdateRefused naming nodes-group, got %v", c)
					}
					if msg, _ := components(one)["nodes"]["message"].(string); msg != "nodes-group: update refused, it needs a replacement: "+upjetRefusal {
						t.Errorf("component nodes: message %q, want the refusal", msg)
					}
				}
				sameRender(t, base, one)

				all := run(t, xr, withSynced(observed, upjetRefusal))
				if c := appliedCondition(t, all); c.GetReason() != "UpdateRefused" || !strings.Contains(c.GetMessage(), " more (") {
					t.Errorf("every update refused: want Applied=False/UpdateRefused naming five and counting the rest, got %v", c)
				}
				sameRender(t, base, all)
			})
		}
	}
}

// sameRender fails unless two responses render the same desired resources with the same readiness, and the
// same readiness per component.
func sameRender(t *testing.T, want, got *fnv1.RunFunctionResponse) {
	t.Helper()
	if msg := fatal(got); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	w, g := want.GetDesired().GetResources(), got.GetDesired().GetResources()
	if len(w) != len(g) {
		t.Errorf("%d desired resources, want %d", len(g), len(w))
	}
	for name, r := range w {
		if !proto.Equal(r, g[name]) {
			t.Errorf("%s: desired resource or its readiness changed with the Synced conditions", name)
		}
	}
	wc, gc := components(want), components(got)
	for name, c := range wc {
		for _, f := range []string{"ready", "resources", "readyResources"} {
			if c[f] != gc[name][f] {
				t.Errorf("component %s: %s %v, want %v", name, f, gc[name][f], c[f])
			}
		}
	}
}
