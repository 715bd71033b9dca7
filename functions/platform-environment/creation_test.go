package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// stuckCreating returns a copy of the observed resources where every managed resource carries what
// crossplane-runtime leaves behind when a provider stopped during its create call: crossplane.io/external-create-pending
// the newest annotation, Ready=False/Creating, Synced=False/ReconcileError "cannot determine creation result - …".
func stuckCreating(observed map[string]map[string]any) map[string]map[string]any {
	const msg = "cannot determine creation result - remove the crossplane.io/external-create-pending annotation if it is safe to proceed"
	out := make(map[string]map[string]any, len(observed))
	for n, o := range observed {
		o = deepCopyMap(o)
		md, _ := o["metadata"].(map[string]any)
		if md == nil {
			md = map[string]any{}
			o["metadata"] = md
		}
		ann, _ := md["annotations"].(map[string]any)
		if ann == nil {
			ann = map[string]any{}
			md["annotations"] = ann
		}
		ann[compose.AnnotationCreatePending] = "2026-12-02T10:00:05Z"
		ann[compose.AnnotationCreateSucceeded] = "2026-12-02T10:00:00Z"
		o["status"] = map[string]any{"conditions": []any{
			map[string]any{"type": "Ready", "status": "False", "reason": "Creating", "lastTransitionTime": "2026-12-02T10:00:05Z"},
			map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError", "message": msg, "lastTransitionTime": "2026-12-02T10:00:05Z"},
		}}
		out[n] = o
	}
	return out
}

// TestCreateIncompleteHoldsEverything runs every example at every golden stage with every observed composed resource
// stuck in creation (issue 17.7): no Fatal; Applied=False/CreateIncomplete; every observed resource stays in desired
// state (nothing retired, nothing dropped) and is not ready; every component that has one is not ready and names a
// stuck resource with what to do.
func TestCreateIncompleteHoldsEverything(t *testing.T) {
	for _, ex := range goldenExamples {
		for _, st := range goldenStages {
			t.Run(ex+"/"+st.name, func(t *testing.T) {
				xr := readXR(t, ex)
				observed := stuckCreating(readObserved(t, ex, st.name))
				rsp := run(t, xr, observed)
				if msg := fatal(rsp); msg != "" {
					t.Fatalf("fatal: %s", msg)
				}
				if c := appliedCondition(t, rsp); c.GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE || c.GetReason() != compose.ReasonCreateIncomplete ||
					!strings.HasPrefix(c.GetMessage(), "creation incomplete, the provider will not retry: ") {
					t.Errorf("want Applied=False/CreateIncomplete, got %v", c)
				}
				desired := rsp.GetDesired().GetResources()
				has := map[string]bool{}
				for name := range observed {
					r, ok := desired[name]
					if !ok {
						t.Errorf("%s: observed, stuck in creation, and left out of desired state (Crossplane would delete it)", name)
						continue
					}
					if r.GetReady() == fnv1.Ready_READY_TRUE {
						t.Errorf("%s: stuck in creation, and desired Ready", name)
					}
					has[compose.Component(name)] = true
				}
				for name, c := range components(rsp) {
					if !has[name] {
						continue
					}
					msg, _ := c["message"].(string)
					if c["ready"] == true {
						t.Errorf("component %s: ready with its resources stuck in creation", name)
					}
					if !strings.Contains(msg, ": creation incomplete: ") || !strings.Contains(msg, compose.AnnotationCreatePending+"-") {
						t.Errorf("component %s: message %q, want it to name a stuck resource and how to remove the annotation", name, msg)
					}
				}
			})
		}
	}
}
