//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestDevTeardown walks a dev-profile environment to Ready, deletes it, and checks that the providers were asked to
// delete every cloud resource, each used resource only after the resources using it (the Usages' order), and that
// nothing is left: no composed resource, no Usage, nothing kept in the cloud.
func TestDevTeardown(t *testing.T) {
	ctx := ctxFor(t)
	ex := exampleNamed(t, "dev")
	obs, err := loadObservations(ex.observedDir)
	if err != nil {
		t.Fatal(err)
	}
	x := env.createXR(ctx, t, ex.file, "")
	faultsRan := map[string]bool{}
	var walk walkResult
	timed(t, "dev: lifecycle walk", func() {
		walk, err = x.walkWith(ctx, obs, 20, 3*time.Minute, devWalkOptions(ctx, t, x, obs, faultsRan))
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("walk: %s", walk)
	env.timings.add("dev walk: "+walk.String(), 0)
	_, composed, err := x.settle(ctx, 2*time.Second, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if faultsEnabled() { // issue 17 on the Ready XR (faults_dev_test.go)
		faultsOnReadyDev(ctx, t, x, obs, composed, faultsRan)
		if _, composed, err = x.settle(ctx, 2*time.Second, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	usages := usagesOf(composed)
	t.Logf("%d composed resources, %d Usages", len(composed), len(usages))

	var (
		took  time.Duration
		bad   []string
		order string
	)
	timed(t, "dev: delete", func() {
		took, bad, order, err = x.deleteAndCheckWith(ctx, composed, 5*time.Minute, restartMidTeardown(ctx, len(composed)))
	})
	t.Logf("deletion order:%s", order)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("XR and %d composed resources gone in %s", len(composed), took.Round(10*time.Millisecond))
	for _, b := range bad {
		t.Error(b)
	}
	t.Logf("%d Usages, %d orders broken", len(usages), len(bad))
	managed := 0
	for _, u := range composed {
		if isManaged(u) {
			managed++
		}
	}
	if n := len(env.fake.releases(x)); n != managed {
		t.Errorf("the providers handled %d deletions; the XR composed %d managed resources", n, managed)
	}
	if left := env.fake.remaining(x); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Key.String())
		}
		t.Errorf("dev teardown left cloud resources behind: %s", strings.Join(names, ", "))
	}
}
