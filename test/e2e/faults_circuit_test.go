//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Issue 17.6, on the Ready dev XR: Crossplane's own circuit breaker (burst 100 watch events, refill 1/s, open for
// 5 minutes, one event let through every 30 s while open). The harness widens it for every other scenario
// (controlplane_test.go); here Crossplane runs with its defaults, a burst of watch events on the XR's composed
// resources opens the XR's circuit, and a spec edit made while it is open must still be applied: the breaker's
// half-open probe lets one event through every 30 s, and while the observed XR says Responsive=False the function
// asks to be called again within 30 s (ttl.go), a requeue that bypasses the breaker.

const (
	// circuitBreakerFlag starts every Crossplane flag of the breaker; the harness's widened values are dropped
	// (Crossplane's defaults apply) and put back afterwards.
	circuitBreakerFlag = "--circuit-breaker-"
	// circuitEditWithin bounds how long an edit made while the circuit is open may wait: a 30 s probe or the
	// function's 30 s TTL (±10 % jitter), one reconcile, and the fake provider's answer.
	circuitEditWithin = 75 * time.Second
)

// circuitOpenOnReady runs 17.6 on the Ready XR x and leaves Crossplane with the harness's widened breaker again.
func circuitOpenOnReady(ctx context.Context, t *testing.T, x *xr) {
	dropBreaker, restoreBreaker := swapArgs(func(a string) bool { return strings.HasPrefix(a, circuitBreakerFlag) }, nil)
	widened := os.Getenv("E2E_CROSSPLANE_DEFAULTS") == "" // the harness starts Crossplane with its wider breaker
	noop := func() error { return nil }
	crossplaneReady := func() error { return env.waitHTTP(ctx, crossplaneHealth, nil) }
	if err := restartTimedWith("Crossplane restarted with its default circuit breaker (17.6)", "crossplane", dropBreaker, noop, crossplaneReady); err != nil {
		t.Fatal(err)
	}
	// Crossplane's breaker state lives in memory: a restart with the widened values closes the circuit.
	restored := false
	restore := func() {
		if restored {
			return
		}
		restored = true
		if err := restartTimedWith("Crossplane restarted with the harness's circuit breaker again (17.6)", "crossplane",
			restoreBreaker, noop, crossplaneReady); err != nil {
			t.Error(err)
		}
	}
	defer restore()
	if !widened {
		t.Log("Crossplane ran with its default breaker already (E2E_CROSSPLANE_DEFAULTS)")
	}
	_, composed, err := x.settle(ctx, 2*time.Second, time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	// Open the circuit: each annotation change on a composed resource is a watch event for the XR; a few
	// rounds over all of them exceed the burst of 100 within seconds.
	opened := time.Now()
	var u *unstructured.Unstructured
	round := 0
	if err := poll(ctx, time.Minute, 100*time.Millisecond, func() (bool, error) {
		if u, err = x.get(ctx); err == nil && conditionOf(u, "Responsive").Status == "False" {
			return true, nil
		}
		if round < 4 {
			round++
			if err := touchAll(ctx, composed, round); err != nil {
				return false, err
			}
		}
		return false, nil
	}); err != nil {
		t.Fatalf("the XR's circuit did not open after %d rounds of events on %d composed resources: Responsive %+v: %v",
			round, len(composed), conditionOf(u, "Responsive"), err)
	}
	r := conditionOf(u, "Responsive")
	t.Logf("circuit open %s after the first event (%d rounds over %d composed resources): Responsive=%s %s: %s",
		time.Since(opened).Round(100*time.Millisecond), round, len(composed), r.Status, r.Reason, r.Message)
	if r.Reason != "WatchCircuitOpen" {
		t.Errorf("Responsive=False with reason %q, want WatchCircuitOpen", r.Reason)
	}

	// The edit while it is open: the flow logs' retention, applied in place to one composed resource.
	const rn = "network-flowlogs-group"
	edited := time.Now()
	if err := x.patchSpec(ctx, map[string]any{"network": map[string]any{"flowLogRetentionDays": int64(60)}}); err != nil {
		t.Fatal(err)
	}
	retention := func() int64 {
		_, c, err := x.composed(ctx)
		if err != nil || c[rn] == nil {
			return 0
		}
		v, _, _ := unstructured.NestedInt64(c[rn].Object, "spec", "forProvider", "retentionInDays")
		return v
	}
	if err := poll(ctx, circuitEditWithin, 250*time.Millisecond, func() (bool, error) { return retention() == 60, nil }); err != nil {
		u, _ = x.get(ctx)
		t.Fatalf("the edit made while the circuit was open was not applied within %s (retentionInDays %d; Responsive %+v)",
			circuitEditWithin, retention(), conditionOf(u, "Responsive"))
	}
	u, _ = x.get(ctx)
	t.Logf("the edit made while the circuit was open applied %s later (Responsive now %s)",
		time.Since(edited).Round(100*time.Millisecond), conditionOf(u, "Responsive").Status)
	env.timings.add(fmt.Sprintf("scenario: dev faults: circuit open, edit applied %s later (17.6)", time.Since(edited).Round(100*time.Millisecond)), 0)

	// Back to the example's value, so the XR leaves as it came, with the widened breaker again (the default one
	// stays open for its 5-minute cooldown).
	restore()
	if err := x.patchSpec(ctx, map[string]any{"network": map[string]any{"flowLogRetentionDays": nil}}); err != nil {
		t.Fatal(err)
	}
	if err := poll(ctx, circuitEditWithin, 250*time.Millisecond, func() (bool, error) { return retention() == 30, nil }); err != nil {
		t.Fatalf("the edit's undo was not applied within %s (retentionInDays %d)", circuitEditWithin, retention())
	}
}

// touchAll sets an annotation on every composed resource: one watch event each for the XR.
func touchAll(ctx context.Context, composed map[string]*unstructured.Unstructured, round int) error {
	for rn, o := range composed {
		patch := map[string]any{"metadata": map[string]any{"annotations": map[string]any{"e2e.cloudpartner.pro/touch": fmt.Sprint(round)}}}
		if _, err := env.kube.mergePatch(ctx, o.GroupVersionKind(), o.GetNamespace(), o.GetName(), patch); err != nil {
			return fmt.Errorf("touch %s: %w", rn, err)
		}
	}
	return nil
}

// restartMidTeardown (17.4, second half) restarts Crossplane core once a third of the XR's composed resources are
// gone, while Usages still hold the rest: the deletion must complete and the Usage order still hold (TestDevTeardown
// checks both). Nil when the faults are off.
func restartMidTeardown(ctx context.Context, composed int) func(left int) (bool, error) {
	if !faultsEnabled() {
		return nil
	}
	return func(left int) (bool, error) {
		if left > composed*2/3 {
			return false, nil
		}
		err := restartTimed(fmt.Sprintf("Crossplane core restarted mid-teardown, %d of %d composed resources left (17.4)", left, composed),
			"crossplane", func() error { return nil }, func() error { return env.waitHTTP(ctx, crossplaneHealth, nil) })
		return true, err
	}
}
