package edge

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Listener-rule priorities are unique on a listener, and provider-aws sets one rule's priority at a time
// (Terraform's aws_lb_listener_rule, one ModifyRule call per rule). So two rules that swap priorities in one
// edit fail, each with PriorityInUse, forever: each update waits for the other. Priorities are therefore
// chosen so that they never depend on the order of spec.applications, and moved so that no rule is ever
// asked for a priority another rule still holds:
//
//   - wanted: route.priority when the spec sets it; otherwise the priority the application's rule was last
//     given (its observed spec.forProvider.priority), so that reordering, or dropping an explicit priority,
//     changes nothing; otherwise (a new rule) the lowest of 100, 110, 120... that no rule wants, holds or
//     was given, taking the new applications in name order.
//   - desired: the wanted priority when no other rule holds it in AWS (observed status.atProvider.priority,
//     else spec.forProvider.priority); otherwise the rule stays where it is and the edge waits (a new rule
//     is not rendered yet). A chain of moves thus resolves one step per pass, each into a free priority.
//   - a cycle (a wants b's priority and b wants a's, or longer) never frees anything: its rule with the
//     first application name moves to a free priority first (the lowest of 100, 110... that no rule
//     wants, holds or was given), which turns the cycle into a chain.
//
// A fresh default never wants a priority another rule holds, so cycles come from explicit priorities, or
// from rules that an older version of the function left asking for each other's (it numbered them in
// spec order, and a reorder swapped them): those are kept as given and unstuck like any other cycle.

// observedPriority returns the priority a listener rule holds in AWS as far as observed state tells,
// and the one it was last given. A value AWS could not hold (observed state can be odd) counts as none.
func observedPriority(o compose.Observed, name string) (held, given int32, ok bool) {
	read := func(path string) (int32, bool) {
		n, ok := o.Number(name, path)
		if !ok || n < 1 || n > maxPriority || n != float64(int32(n)) {
			return 0, false
		}
		return int32(n), true
	}
	given, gok := read("spec.forProvider.priority")
	held, hok := read("status.atProvider.priority")
	switch {
	case !gok && !hok:
		return 0, 0, false
	case !hok:
		held = given
	case !gok:
		given = held
	}
	return held, given, true
}

// rulePriorities are the path rules' priorities for this pass.
type rulePriorities struct {
	// desired by application; an application with a path route and no entry is not rendered this pass.
	desired map[string]int32
	// waiting says which rules wait for a priority, when any does.
	waiting string
}

// priorities decides every path rule's priority from the routes (explicit priorities checked by Resolve)
// and the observed listener rules.
func priorities(o compose.Observed, routes []Route) rulePriorities {
	type rule struct {
		app, name           string
		explicit            int32
		held, given, wanted int32
		observed            bool
	}
	var rules []*rule
	for _, r := range routes {
		if len(r.PathPatterns) == 0 {
			continue
		}
		ru := &rule{app: r.App, name: PathRule(r.App), explicit: r.Priority}
		ru.held, ru.given, ru.observed = observedPriority(o, PathRule(r.App))
		rules = append(rules, ru)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].app < rules[j].app })

	// What every observed listener rule holds or was given, the ones being retired and the host rule too.
	holder := map[int32]string{}
	taken := map[int32]bool{hostRulePriority: true}
	names := []string{}
	for name := range o {
		if name == hostRule || strings.HasPrefix(name, pathRulePrefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		held, given, ok := observedPriority(o, name)
		if !ok {
			continue
		}
		if _, dup := holder[held]; !dup {
			holder[held] = name
		}
		taken[held], taken[given] = true, true
	}

	// Wanted priorities: explicit, then kept, then fresh.
	wanted := map[int32]string{}
	for _, r := range rules {
		if r.explicit != 0 {
			r.wanted = r.explicit
			wanted[r.wanted] = r.app
		}
	}
	for _, r := range rules {
		if r.wanted != 0 || !r.observed || r.given == hostRulePriority {
			continue
		}
		if _, dup := wanted[r.given]; !dup {
			r.wanted = r.given
			wanted[r.wanted] = r.app
		}
	}
	free := func() int32 {
		for p := int32(firstPathPriority); p <= maxPriority; p += priorityStep {
			if _, w := wanted[p]; !w && !taken[p] {
				return p
			}
		}
		return 0 // 4,990 priorities for at most 20 applications: never reached.
	}
	for _, r := range rules {
		if r.wanted == 0 {
			r.wanted = free()
			wanted[r.wanted] = r.app
		}
	}

	// Moves. A rule blocks on another while it wants what the other holds. A rule asked for a free
	// priority is not blocked while AWS applies the move (nobody else holds it, nobody else is asked
	// for it); two rules each asked for the other's (an environment rendered before priorities were
	// order-free, after a reorder) are a cycle like any other.
	byRule := map[string]*rule{}
	for _, r := range rules {
		byRule[r.name] = r
	}
	blocker := func(r *rule) *rule {
		h := holder[r.wanted]
		if h == "" || h == r.name {
			return nil
		}
		if b, ok := byRule[h]; ok {
			return b
		}
		return &rule{app: h, name: h} // a rule being retired: it frees its priority once deleted
	}
	out := rulePriorities{desired: map[string]int32{}}
	var waits []string
	movers := map[string]int32{}
	for _, r := range rules {
		b := blocker(r)
		if b == nil {
			continue
		}
		// Follow the chain; a cycle comes back to r.
		seen := map[string]bool{r.app: true}
		cycle := []string{r.app}
		for cur := b; cur != nil; cur = blocker(cur) {
			if cur.app == r.app {
				// One mover per cycle: the rule with the first application name.
				if !movedAny(movers, cycle) {
					movers[slices.Min(cycle)] = 0
				}
				break
			}
			if seen[cur.app] || byRule[cur.name] == nil {
				break
			}
			seen[cur.app] = true
			cycle = append(cycle, cur.app)
		}
	}
	for _, app := range slices.Sorted(maps.Keys(movers)) {
		// A mover already sent to a free priority keeps it while AWS has not applied the move yet.
		r := byRule[PathRule(app)]
		if _, w := wanted[r.given]; !w && r.given != r.held && (holder[r.given] == "" || holder[r.given] == r.name) {
			movers[app] = r.given
			continue
		}
		p := free()
		movers[app] = p
		taken[p] = true
	}
	for _, r := range rules {
		if p, ok := movers[r.app]; ok && p != 0 {
			out.desired[r.app] = p
			waits = append(waits, fmt.Sprintf("%s moves to %d on its way to %d (rules swap priorities)", r.name, p, r.wanted))
			continue
		}
		b := blocker(r)
		switch {
		case b == nil:
			out.desired[r.app] = r.wanted
		case r.observed:
			out.desired[r.app] = r.held
			waits = append(waits, fmt.Sprintf("%s waits at %d for %s to leave priority %d", r.name, r.held, b.name, r.wanted))
		default:
			waits = append(waits, fmt.Sprintf("%s waits for %s to leave priority %d before it is created", r.name, b.name, r.wanted))
		}
	}
	if len(waits) > 0 {
		out.waiting = "listener rule priorities are moving one rule at a time: " + strings.Join(waits, "; ")
	}
	return out
}

// movedAny reports whether a rule of the cycle already moves.
func movedAny(movers map[string]int32, cycle []string) bool {
	for _, a := range cycle {
		if _, ok := movers[a]; ok {
			return true
		}
	}
	return false
}
