package edge

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// rule is an observed path rule: the priority it was last given (spec.forProvider) and the one AWS
// reports (status.atProvider; 0: not reported, as in the golden fixtures).
type observedRule struct{ given, held int32 }

func observedRules(rules map[string]observedRule) compose.Observed {
	o := compose.Observed{}
	for name, r := range rules {
		obj := map[string]any{"spec": map[string]any{"forProvider": map[string]any{"priority": float64(r.given)}}}
		if r.held != 0 {
			obj["status"] = map[string]any{"atProvider": map[string]any{"priority": float64(r.held)}}
		}
		if !strings.HasPrefix(name, "edge-") {
			name = PathRule(name)
		}
		o[name] = obj
	}
	return o
}

func pathRoutes(explicit map[string]int32, apps ...string) []Route {
	var out []Route
	for _, a := range apps {
		out = append(out, Route{App: a, PathPatterns: []string{"/" + a + "/*"}, Priority: explicit[a]})
	}
	return out
}

func TestPriorities(t *testing.T) {
	cases := map[string]struct {
		reason   string
		routes   []Route
		observed map[string]observedRule
		want     map[string]int32
		// waiting is a part of the edge's waiting message; "" means it does not wait.
		waiting string
	}{
		"NewInNameOrder": {
			reason: "Nothing observed: unset priorities are the lowest free of 100, 110... in name order, around explicit ones.",
			routes: pathRoutes(map[string]int32{"b": 100}, "c", "b", "a"),
			want:   map[string]int32{"a": 110, "b": 100, "c": 120},
		},
		"NewReordered": {
			reason: "The same applications in another order get the same priorities.",
			routes: pathRoutes(map[string]int32{"b": 100}, "a", "c", "b"),
			want:   map[string]int32{"a": 110, "b": 100, "c": 120},
		},
		"KeptFromObserved": {
			reason:   "A rule keeps the priority it was given (here in spec order by the previous function version), whatever the spec order now.",
			routes:   pathRoutes(nil, "b", "a", "c"),
			observed: map[string]observedRule{"a": {given: 100}, "b": {given: 110}, "c": {given: 510}},
			want:     map[string]int32{"a": 100, "b": 110, "c": 510},
		},
		"ExplicitDropped": {
			reason:   "Leaving out a priority the spec set keeps it: nothing moves.",
			routes:   pathRoutes(nil, "a"),
			observed: map[string]observedRule{"a": {given: 4242, held: 4242}},
			want:     map[string]int32{"a": 4242},
		},
		"NewAvoidsRetiring": {
			reason:   "A new rule does not take the priority of a rule still being deleted (nor the host rule's).",
			routes:   pathRoutes(nil, "y"),
			observed: map[string]observedRule{"x": {given: 100, held: 100}, hostRule: {given: 10, held: 10}},
			want:     map[string]int32{"y": 110},
		},
		"NewWaitsForRetiring": {
			reason:   "A new rule whose explicit priority a retiring rule still holds is created once that one is gone.",
			routes:   pathRoutes(map[string]int32{"y": 100}, "y"),
			observed: map[string]observedRule{"x": {given: 100, held: 100}},
			want:     map[string]int32{},
			waiting:  "edge-rule-path-y waits for edge-rule-path-x to leave priority 100 before it is created",
		},
		"ExplicitTakesDefault": {
			reason:   "An explicit priority another rule has by default: that one moves to a free priority, the explicit one waits for it.",
			routes:   pathRoutes(map[string]int32{"a": 110}, "a", "b"),
			observed: map[string]observedRule{"a": {given: 100, held: 100}, "b": {given: 110, held: 110}},
			want:     map[string]int32{"a": 100, "b": 120},
			waiting:  "edge-rule-path-a waits at 100 for edge-rule-path-b to leave priority 110",
		},
		"Swap": {
			reason:   "Two explicit priorities swapped: the first by name moves to a free priority first.",
			routes:   pathRoutes(map[string]int32{"a": 110, "b": 100}, "a", "b"),
			observed: map[string]observedRule{"a": {given: 100, held: 100}, "b": {given: 110, held: 110}},
			want:     map[string]int32{"a": 120, "b": 110},
			waiting:  "edge-rule-path-a moves to 120 on its way to 110",
		},
		"SwapInFlight": {
			reason:   "While AWS has not applied the first move, the mover keeps its free priority (no second one).",
			routes:   pathRoutes(map[string]int32{"a": 110, "b": 100}, "a", "b"),
			observed: map[string]observedRule{"a": {given: 120, held: 100}, "b": {given: 110, held: 110}},
			want:     map[string]int32{"a": 120, "b": 110},
			waiting:  "edge-rule-path-a moves to 120 on its way to 110",
		},
		"SwapSecondStep": {
			reason:   "Once the mover holds its free priority, the other takes the freed one; the mover waits.",
			routes:   pathRoutes(map[string]int32{"a": 110, "b": 100}, "a", "b"),
			observed: map[string]observedRule{"a": {given: 120, held: 120}, "b": {given: 110, held: 110}},
			want:     map[string]int32{"a": 120, "b": 100},
			waiting:  "edge-rule-path-a waits at 120 for edge-rule-path-b to leave priority 110",
		},
		"AskedStaysAsked": {
			reason:   "A rule asked for a free priority keeps asking while AWS applies it, even if the old holder still shows it.",
			routes:   pathRoutes(map[string]int32{"a": 110, "b": 100}, "a", "b"),
			observed: map[string]observedRule{"a": {given: 120, held: 120}, "b": {given: 100, held: 110}},
			want:     map[string]int32{"a": 120, "b": 100},
			waiting:  "edge-rule-path-a waits at 120 for edge-rule-path-b to leave priority 110",
		},
		"StuckSwap": {
			reason:   "Rules an older function version swapped on a reorder (each asked for the other's priority, PriorityInUse forever) are a cycle: the first moves out of the way.",
			routes:   pathRoutes(nil, "b", "a"),
			observed: map[string]observedRule{"a": {given: 110, held: 100}, "b": {given: 100, held: 110}},
			want:     map[string]int32{"a": 120, "b": 110},
			waiting:  "edge-rule-path-a moves to 120 on its way to 110",
		},
		"OddObserved": {
			reason:   "Observed priorities AWS could not hold count as none.",
			routes:   pathRoutes(nil, "a", "b"),
			observed: map[string]observedRule{"a": {given: 0, held: 0}, "b": {given: 60000}},
			want:     map[string]int32{"a": 100, "b": 110},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := priorities(observedRules(tc.observed), tc.routes)
			if diff := cmp.Diff(tc.want, got.desired); diff != "" {
				t.Errorf("%s\ndesired: -want +got:\n%s", tc.reason, diff)
			}
			switch {
			case tc.waiting == "" && got.waiting != "":
				t.Errorf("%s\nmust not wait, waits: %s", tc.reason, got.waiting)
			case !strings.Contains(got.waiting, tc.waiting):
				t.Errorf("%s\nwaiting = %q, want it to contain %q", tc.reason, got.waiting, tc.waiting)
			}
		})
	}
}

// TestPriorityMovesConverge walks random priority edits of up to six rules to their fixed point the way
// provider-aws applies them, one rule at a time: a rule whose desired priority another rule holds fails
// with PriorityInUse. A third of the walks start stuck, the rules given each other's priorities. No pass may ask for a priority another rule holds, and every walk ends at the spec's
// priorities with nothing waiting, within a pass per rule and one per cycle.
func TestPriorityMovesConverge(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 18))
	movesSeen, maxPass := 0, 0 // the walks must exercise cycles
	for walk := range 500 {
		n := 2 + rng.IntN(5)
		apps := make([]string, n)
		for i := range apps {
			apps[i] = fmt.Sprintf("app%d", i)
		}
		// Today's priorities, some from a small pool so that the edit swaps, rotates and collides.
		pool := []int32{100, 110, 120, 130, 140, 150, 200, 300}
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		held := map[string]int32{}
		for i, a := range apps {
			held[a] = pool[i]
		}
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		explicit := map[string]int32{}
		for i, a := range apps {
			if rng.IntN(4) > 0 { // most explicit, some left to the function
				explicit[a] = pool[i]
			}
		}
		order := slices.Clone(apps)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		routes := pathRoutes(explicit, order...)
		given := maps.Clone(held)
		if rng.IntN(3) == 0 {
			// An older function version asked for priorities in spec order and the reorder never applied:
			// the rules were given each other's priorities (PriorityInUse forever).
			perm := rng.Perm(n)
			for i, a := range apps {
				given[a] = held[apps[perm[i]]]
			}
		}
		desc := fmt.Sprintf("walk %d: held %v, given %v, spec %v", walk, held, given, explicit)

		var got rulePriorities
		for pass := 0; ; pass++ {
			if pass > 2*n+2 {
				t.Fatalf("%s: no fixed point after %d passes (now %v, waiting %q)", desc, pass, held, got.waiting)
			}
			obs := map[string]observedRule{}
			for a, p := range held {
				obs[a] = observedRule{given: given[a], held: p}
			}
			got = priorities(observedRules(obs), routes)
			if strings.Contains(got.waiting, "moves to") {
				movesSeen++
			}
			if got.waiting == "" && cmp.Equal(got.desired, held) {
				maxPass = max(maxPass, pass)
				break
			}
			// Every rule exists, so every rule is rendered; desired priorities are unique and never held by another rule.
			seen := map[int32]string{}
			for _, a := range apps {
				p, ok := got.desired[a]
				if !ok {
					t.Fatalf("%s pass %d: %s is not rendered", desc, pass, a)
				}
				if o, dup := seen[p]; dup {
					t.Fatalf("%s pass %d: %s and %s both desire %d", desc, pass, a, o, p)
				}
				seen[p] = a
				for b, q := range held {
					if b != a && q == p && held[a] != p {
						t.Fatalf("%s pass %d: %s is asked for %d, which %s holds (PriorityInUse)", desc, pass, a, p, b)
					}
				}
			}
			given = maps.Clone(got.desired)
			for _, a := range apps {
				held[a] = got.desired[a]
			}
		}
		for a, p := range explicit {
			if held[a] != p {
				t.Errorf("%s: %s ends at %d, the spec says %d", desc, a, held[a], p)
			}
		}
	}
	if movesSeen == 0 {
		t.Errorf("no walk moved a rule through a free priority: the walks exercise no cycle")
	}
	t.Logf("%d passes moved a rule of a cycle; the longest walk took %d passes", movesSeen, maxPass)
}

// TestPriorityReorderIsNoChange: reordering the applications on a fully observed listener changes no
// rule's priority, defaulted or explicit.
func TestPriorityReorderIsNoChange(t *testing.T) {
	apps := []string{"api", "web", "admin", "docs"}
	routes := pathRoutes(map[string]int32{"web": 300}, apps...)
	first := priorities(compose.Observed{}, routes)
	obs := map[string]observedRule{}
	for a, p := range first.desired {
		obs[a] = observedRule{given: p, held: p}
	}
	for i := range apps {
		reordered := append(slices.Clone(apps[i:]), apps[:i]...)
		slices.Reverse(reordered)
		got := priorities(observedRules(obs), pathRoutes(map[string]int32{"web": 300}, reordered...))
		if diff := cmp.Diff(first.desired, got.desired); diff != "" || got.waiting != "" {
			t.Errorf("order %v: -want +got:\n%s\nwaiting %q", reordered, diff, got.waiting)
		}
	}
}
