//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const (
	// functionSlowAfterStage is the dev walk's stage after which one call of the XR is held past Crossplane's
	// deadline (17.2; of 12, after the function outage of 17.1).
	functionSlowAfterStage = 8
	// crossplaneDeadline is Crossplane v2.4.0's deadline for one XR reconcile (composite/reconciler.go `timeout`),
	// the function call's included; heldAtLeast allows for the reconcile's work before the call.
	crossplaneDeadline = 2 * time.Minute
	heldAtLeast        = crossplaneDeadline - 15*time.Second
)

// functionSlowMidWalk (17.2): a connected function that does not answer. The FunctionRevision's endpoint is pointed
// at the delaying proxy (fnproxy_test.go), which holds the XR's next call until Crossplane gives up on it. While it
// is held nothing composed may change and Ready may not move; then Crossplane must report Synced=False with its
// message and the deadline, still with nothing changed; released, the walk goes on (and TestDevTeardown's
// createdOnce checks nothing was created twice).
func functionSlowMidWalk(ctx context.Context, t *testing.T, x *xr, obs observations, stage int) (err error) {
	start := time.Now()
	defer func() {
		env.timings.add(fmt.Sprintf("scenario: dev faults: one call held past Crossplane's %s deadline by a proxy after stage %d (17.2)", crossplaneDeadline, stage), time.Since(start))
	}()
	p, err := startFunctionProxy(env.pki)
	if err != nil {
		return fmt.Errorf("function proxy: %w", err)
	}
	h := p.hold(x)
	defer func() {
		// Back to the function itself; calls still in the proxy finish first.
		p.release(h)
		err = errors.Join(err, env.pointFunctionAt(ctx, functionAddress), p.stop())
	}()
	if err := env.pointFunctionAt(ctx, functionProxyAddress); err != nil {
		return err
	}
	// As in 17.1, the stage may be composed already: a provider's poll wakes the XR.
	if err := x.touch(ctx, obs); err != nil {
		return err
	}
	select {
	case <-h.started:
	case <-time.After(time.Minute):
		return fmt.Errorf("no call for %s reached the proxy within a minute", x)
	case <-ctx.Done():
		return ctx.Err()
	}
	u, composed, err := x.composed(ctx)
	if err != nil || u == nil {
		return fmt.Errorf("reading %s once its call was held: %v", x, err)
	}
	before, ready := stateOf(composed), conditionOf(u, "Ready")
	if err := stillUntil(ctx, x, h.ended, before, ready, ""); err != nil {
		return fmt.Errorf("while the call was held: %w", err)
	}
	if h.took < heldAtLeast {
		return fmt.Errorf("the held call ended after %s (%v), before Crossplane's deadline of %s", h.took.Round(time.Second), h.err, crossplaneDeadline)
	}
	// The retry waits in the proxy until released: Synced=False is there to read.
	u, _, err = x.waitSyncedFalse(ctx, msgFunctionDown, 30*time.Second)
	if err != nil {
		return fmt.Errorf("function slow: %w", err)
	}
	synced := conditionOf(u, "Synced")
	if !strings.Contains(synced.Message, "DeadlineExceeded") {
		return fmt.Errorf("Synced=False does not name the deadline: %q", synced.Message)
	}
	if err := x.holdStill(ctx, 4*time.Second, before, ready, msgFunctionDown); err != nil {
		return fmt.Errorf("after the held call: %w", err)
	}
	t.Logf("function slow after stage %d: one call held %s (%v); Synced: %s; Ready=%s (%s, since %s); %d composed resources unchanged",
		stage, h.took.Round(time.Second), h.err, synced.Message, ready.Status, ready.Reason, ready.LastTransitionTime, len(before))
	return nil
}
