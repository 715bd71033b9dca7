package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

// Reordering spec.applications changes no listener rule (issue 13): rule priorities are unique on a
// listener and provider-aws sets one rule's at a time, so priorities that followed the list order made two
// rules swap on a reorder and fail with PriorityInUse forever. The seed is walked to its running state
// with two more path-routed applications whose priorities are left to the function; then every order of
// the applications (and the backend's explicit priority dropped) must render every listener rule exactly
// as before, with nothing waiting.
func TestReorderKeepsListenerRules(t *testing.T) {
	seed := readXR(t, "seed-production")
	withMore := withApps(seed, func(a []any) {})
	spec := withMore["spec"].(map[string]any)
	apps := spec["applications"].([]any)
	for _, extra := range []struct{ name, path string }{{"docs", "/docs/*"}, {"admin", "/admin/*"}} {
		a := deepCopyMap(apps[0].(map[string]any))
		a["name"] = extra.name
		a["route"] = map[string]any{"pathPatterns": []any{extra.path}}
		delete(a, "iam")
		apps = append(apps, a)
	}
	spec["applications"] = apps

	for name, xr := range map[string]map[string]any{"Seed": seed, "SeedWithDefaults": withMore} {
		t.Run(name, func(t *testing.T) {
			observed, _ := walk(t, xr, func(string) bool { return true })
			want := listenerRules(t, run(t, xr, observed).GetDesired().GetResources())
			if len(want) < 2 {
				t.Fatalf("%d listener rules rendered; the test needs the host rule and path rules", len(want))
			}
			orders := permutations(len(xr["spec"].(map[string]any)["applications"].([]any)))
			for _, order := range orders {
				for _, dropExplicit := range []bool{false, true} {
					edited := withApps(xr, func(a []any) {
						orig := slices.Clone(a)
						for i, j := range order {
							a[i] = orig[j]
						}
						if dropExplicit {
							for _, x := range a {
								if r, ok := x.(map[string]any)["route"].(map[string]any); ok {
									delete(r, "priority")
								}
							}
						}
					})
					rsp := run(t, edited, observed)
					if msg := fatal(rsp); msg != "" {
						t.Fatalf("order %v (explicit dropped: %v): fatal %s", order, dropExplicit, msg)
					}
					if diff := cmp.Diff(want, listenerRules(t, rsp.GetDesired().GetResources())); diff != "" {
						t.Errorf("order %v (explicit dropped: %v): the listener rules changed: -want +got:\n%s", order, dropExplicit, diff)
					}
					if msg := edgeMessage(rsp); strings.Contains(msg, "priorit") {
						t.Errorf("order %v (explicit dropped: %v): the edge waits on priorities after a reorder: %s", order, dropExplicit, msg)
					}
				}
			}
		})
	}
}

// listenerRules returns the desired LBListenerRules by composition resource name.
func listenerRules(t *testing.T, desired map[string]*fnv1.Resource) map[string]any {
	t.Helper()
	out := map[string]any{}
	for n, r := range desired {
		o := r.GetResource().AsMap()
		if o["kind"] == "LBListenerRule" {
			out[n] = o
		}
	}
	return out
}

// permutations returns every order of n items (n ≤ 4 here: 24 orders).
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(slices.Clone(p[:i]), n-1)
			out = append(out, append(q, p[i:]...))
		}
	}
	return out
}

// edgeMessage is the edge component's status message.
func edgeMessage(rsp *fnv1.RunFunctionResponse) string {
	status, _ := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	components, _ := status["components"].([]any)
	for _, c := range components {
		if m, _ := c.(map[string]any); m["name"] == "edge" {
			msg, _ := m["message"].(string)
			return msg
		}
	}
	return ""
}

// TestPrioritySwapWalk swaps the explicit priorities of two of the seed's path rules (and rotates three) and
// walks the environment to its new fixed point through RunFunction, each pass's desired state observed as
// applied: no pass may ask for a listener-rule priority another rule holds (AWS: PriorityInUse), the edge
// says it waits while rules move, and the walk ends at the spec's priorities.
func TestPrioritySwapWalk(t *testing.T) {
	seed := readXR(t, "seed-production")
	xr := withApps(seed, func(a []any) {})
	spec := xr["spec"].(map[string]any)
	apps := spec["applications"].([]any)
	for _, extra := range []struct {
		name, path string
		priority   float64
	}{{"docs", "/docs/*", 200}, {"admin", "/admin/*", 300}} {
		a := deepCopyMap(apps[0].(map[string]any))
		a["name"] = extra.name
		a["route"] = map[string]any{"pathPatterns": []any{extra.path}, "priority": extra.priority}
		delete(a, "iam")
		apps = append(apps, a)
	}
	spec["applications"] = apps
	md := xr["metadata"].(map[string]any)
	opts := observe.Options{Namespace: md["namespace"].(string), Region: spec["region"].(string), Ready: func(string) bool { return true }}
	running, _ := walk(t, xr, opts.Ready)

	edits := map[string]map[string]float64{
		"Swap":   {"backend": 200, "docs": 100},
		"Rotate": {"backend": 300, "docs": 100, "admin": 200},
	}
	for name, prio := range edits {
		t.Run(name, func(t *testing.T) {
			edited := withApps(xr, func(a []any) {
				for _, x := range a {
					m := x.(map[string]any)
					if p, ok := prio[m["name"].(string)]; ok {
						m["route"].(map[string]any)["priority"] = p
					}
				}
			})
			observed := running
			waited := false
			for pass := 1; ; pass++ {
				if pass > 10 {
					t.Fatalf("no fixed point after %d passes", pass)
				}
				rsp := run(t, edited, observed)
				if msg := fatal(rsp); msg != "" {
					t.Fatalf("pass %d: fatal %s", pass, msg)
				}
				held := map[float64]string{}
				for n, o := range observed {
					if p, ok := priorityOf(o); ok && o["kind"] == "LBListenerRule" {
						held[p] = n
					}
				}
				next := map[string]map[string]any{}
				for n, r := range rsp.GetDesired().GetResources() {
					o := r.GetResource().AsMap()
					if p, ok := priorityOf(o); ok && o["kind"] == "LBListenerRule" {
						if h, taken := held[p]; taken && h != n {
							t.Fatalf("pass %d: %s is asked for priority %v, which %s holds (PriorityInUse)", pass, n, p, h)
						}
					}
					next[n] = observe.Resource(n, o, opts)
				}
				if strings.Contains(edgeMessage(rsp), "priorities are moving") {
					waited = true
				}
				if reflect.DeepEqual(next, observed) {
					break
				}
				observed = next
			}
			if !waited {
				t.Errorf("the edge never said that rules were moving")
			}
			for app, p := range prio {
				got, _ := priorityOf(observed["edge-rule-path-"+app])
				if got != p {
					t.Errorf("%s's rule ends at priority %v, the spec says %v", app, got, p)
				}
			}
		})
	}
}

func priorityOf(o map[string]any) (float64, bool) {
	spec, _ := o["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	switch p := fp["priority"].(type) {
	case float64:
		return p, true
	case int64:
		return float64(p), true
	case int32:
		return float64(p), true
	case int:
		return float64(p), true
	}
	return 0, false
}
