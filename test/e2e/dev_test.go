//go:build e2e

package e2e

import (
	"fmt"
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
	var walk walkResult
	timed(t, "dev: lifecycle walk", func() {
		walk, err = x.walk(ctx, obs, 20)
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
	usages := usagesOf(composed)
	t.Logf("%d composed resources, %d Usages", len(composed), len(usages))

	timed(t, "dev: delete", func() {
		err = x.deleteAndWait(ctx, composed, 5*time.Minute)
	})
	if err != nil {
		t.Fatal(err)
	}

	releases := env.fake.releases(x)
	at := map[string]int{}
	var order []string
	for _, r := range releases {
		at[r.Key.GVK.Kind+"/"+r.Key.Name] = r.ReleasedSeq
		order = append(order, fmt.Sprintf("%d:%s/%s", r.ReleasedSeq, r.Key.GVK.Kind, r.Key.Name))
	}
	t.Logf("deletion order: %s", strings.Join(order, " "))
	for _, u := range usages {
		of, by := at[u.of], at[u.by]
		if of == 0 || by == 0 {
			// A Usage of or by a resource that is not managed (an XR, a Usage) is not in the fake provider's log.
			t.Logf("Usage %s: %s (at %d) by %s (at %d): not both managed, order not checked", u.name, u.of, of, u.by, by)
			continue
		}
		if of < by {
			t.Errorf("Usage %s: %s was deleted (%d) before %s (%d), which uses it", u.name, u.of, of, u.by, by)
		}
	}
	managed := 0
	for _, u := range composed {
		if isManaged(u) {
			managed++
		}
	}
	if len(releases) != managed {
		t.Errorf("the providers handled %d deletions; the XR composed %d managed resources", len(releases), managed)
	}
	if left := env.fake.remaining(x); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Key.String())
		}
		t.Errorf("dev teardown left cloud resources behind: %s", strings.Join(names, ", "))
	}
}
