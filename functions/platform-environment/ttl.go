package main

import (
	"time"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// The TTL of a successful response is how long Crossplane waits before it reconciles the environment again
// when nothing wakes it earlier. Crossplane v2.4.0 (realtime compositions, on by default) disables the XR
// poll: it requeues an XR after the pipeline's TTL — the shortest non-zero TTL any function returned — and
// otherwise only on watch events of the XR and of its composed resources, and on the informers' resync every
// --sync-interval (internal/controller/apiextensions/composite/reconciler.go, definition/reconciler.go;
// cmd/crossplane/core/core.go). Every wait of this function is on an observed composed resource, so a watch
// event already wakes it when what it waits for happens; the TTL only catches what the watches miss, and each
// reconcile server-side-applies every composed resource (API-server CPU, ~270 applies for the seed).
const (
	// shortTTL while the watches may miss something or a replacement is under way. Thirty seconds is the
	// rate at which an open circuit breaker still lets watch events through (one per 30 s), and the cap of
	// the XR controller's backoff.
	shortTTL = 30 * time.Second
	// longTTL at rest: Crossplane's default --sync-interval (1h in v2.4.0). A longer TTL would have no
	// effect, since the resync wakes every XR then anyway.
	longTTL = time.Hour
)

// Crossplane v2.4.0 writes the condition Responsive on every XR it reconciles, before the pipeline runs
// (apis/apiextensions/v1/conditions.go: WatchCircuitOpen / WatchCircuitClosed): False while the XR's watch
// circuit breaker is open, i.e. while watch events of its composed resources are being dropped.
const (
	conditionResponsive    = "Responsive"
	reasonWatchCircuitOpen = "WatchCircuitOpen"
)

// ttlFor chooses the TTL of a successful render of the observed XR xr into a:
//   - short while the XR's circuit breaker is open: the watch events that would wake it are dropped (all but
//     one per 30 s), so only the TTL keeps a wait short. A requeue after the TTL goes straight to the work
//     queue, past the breaker;
//   - short while a replacement is in progress: it is a sequence of steps (create, taint, drain, retire),
//     each waiting on the previous one, and an event lost between two steps would hold the old resource —
//     still serving, still billed — for a whole sync interval;
//   - long otherwise.
//
// A Fatal response keeps the SDK's default TTL: Crossplane reads no TTL from a fatal pipeline (it returns
// the error and the XR controller's exponential backoff, 1 s to 30 s, governs the retries), and applies
// nothing from it.
func ttlFor(xr map[string]any, a *compose.Assembled) time.Duration {
	if circuitOpen(xr) || len(a.Replacements) > 0 {
		return shortTTL
	}
	return longTTL
}

// circuitOpen reports whether the XR's Responsive condition is False. The reason is not required: Crossplane
// writes only WatchCircuitOpen with False, and a Responsive=False for any other reason still says events may
// be missed.
func circuitOpen(xr map[string]any) bool {
	st, _ := xr["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == conditionResponsive {
			return m["status"] == "False"
		}
	}
	return false
}
