//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// shippedCrossplaneArgs reads Crossplane core's flags from the install values the docs ship
// (examples/install/crossplane-values.yaml, the chart's `args`).
func (c *controlPlane) shippedCrossplaneArgs() ([]string, error) {
	f := filepath.Join(c.repo, "examples", "install", "crossplane-values.yaml")
	b, err := os.ReadFile(f)
	if err != nil {
		return nil, err
	}
	var v struct {
		Args []string `json:"args"`
	}
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	if len(v.Args) == 0 {
		return nil, fmt.Errorf("%s has no args", f)
	}
	return v.Args, nil
}

// flagName is a flag's name without its value ("--circuit-breaker-burst=1000" → "--circuit-breaker-burst").
func flagName(arg string) string { n, _, _ := strings.Cut(arg, "="); return n }

// withShippedArgs restarts Crossplane core with the shipped flags in place of any the harness sets under the same
// names (its widened breaker), and returns how to restart it with the harness's own again.
func (c *controlPlane) withShippedArgs(ctx context.Context, what string) (restore func() error, err error) {
	shipped, err := c.shippedCrossplaneArgs()
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, a := range shipped {
		names[flagName(a)] = true
	}
	swap, undo := swapArgs(func(a string) bool { return names[flagName(a)] }, shipped)
	ready := func() error { return c.waitHTTP(ctx, crossplaneHealth, nil) }
	noop := func() error { return nil }
	if err := c.restartWith("crossplane", swap, noop, ready); err != nil {
		return nil, fmt.Errorf("restarting Crossplane with the shipped values (%s): %w", what, err)
	}
	return func() error { return c.restartWith("crossplane", undo, noop, ready) }, nil
}

// shippedDevWithin bounds a dev environment's walk to Ready with the shipped values. The walk answers at once, so
// its events come faster than any real provider's: with Crossplane's defaults the breaker opened and the walk took
// 5m10s to 8m36s; with the harness's widened breaker about 1.5 to 2 minutes on two loaded cores.
const shippedDevWithin = 4 * time.Minute

// TestShippedCrossplaneValues (issue 18): Crossplane core runs with examples/install/crossplane-values.yaml's args
// exactly as shipped while a dev environment walks to Ready and is deleted: the walk's burst of events (the fake
// provider answers at once) must not open the circuit breaker, and the deletion keeps the Usages' order.
// The other scenarios keep the harness's widened breaker.
func TestShippedCrossplaneValues(t *testing.T) {
	ctx := ctxFor(t)
	restore, err := env.withShippedArgs(ctx, t.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := restore(); err != nil {
			t.Error(err)
		}
	}()
	ex := exampleNamed(t, "dev")
	obs, err := loadObservations(ex.observedDir)
	if err != nil {
		t.Fatal(err)
	}
	// In the example's own namespace (TestDevTeardown's XR is gone by now), as the example is filed. (The walk no
	// longer renames what the function named, which once made this scenario flaky in another namespace: CI,
	// 2026-12-03.)
	x := env.createXR(ctx, t, ex.file, "")
	var walk walkResult
	timed(t, "shipped Crossplane values: dev walk", func() { walk, err = x.walk(ctx, obs, 20, 3*time.Minute) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("walk with the shipped values: %s", walk)
	env.timings.add("shipped values dev walk: "+walk.String(), 0)
	if walk.BreakerOpens > 0 || walk.DroppedEvents > 0 || walk.Duration > shippedDevWithin {
		t.Errorf("with the shipped Crossplane values the breaker opened %d times and dropped %d events; the dev environment took %s to Ready (bound %s)",
			walk.BreakerOpens, walk.DroppedEvents, walk.Duration.Round(time.Second), shippedDevWithin)
	}
	_, composed, err := x.settle(ctx, 2*time.Second, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	timed(t, "shipped Crossplane values: dev delete", func() { _, bad, _, err = x.deleteAndCheck(ctx, composed, 5*time.Minute) })
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
}
