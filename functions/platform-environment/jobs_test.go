package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose/immutable"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

// TestPortEditNeverEditsAJobTemplate edits the seed's backend port at its fully observed stage and walks
// the whole function to the new fixed point, one RunFunction per pass, everything observed Ready and
// every update applied as soon as it is desired. A Job's spec.template is immutable in Kubernetes: at
// every pass, a Job desired under a composition resource name desired in the previous pass too changes
// nothing immutable.Changes reports (template, selector, identity). The port reaches the smoke test
// (it GETs the backend through its Service), so the walk ends with another smoke-test Job than it began
// with, and the first one retired.
func TestPortEditNeverEditsAJobTemplate(t *testing.T) {
	xr := readXR(t, "seed-production")
	observed, _ := walk(t, xr, func(string) bool { return true })
	smokeBefore := jobsUnder(observed, "apps-smoke-test-")
	if len(smokeBefore) != 1 {
		t.Fatalf("the seed's ready stage has smoke tests %v, want one", smokeBefore)
	}
	xr = withApps(xr, func(a []any) { app(a, 0)["port"] = 9090 })
	md := xr["metadata"].(map[string]any)
	opts := observe.Options{Namespace: md["namespace"].(string), Region: xr["spec"].(map[string]any)["region"].(string)}
	previous := map[string]map[string]any{}
	for name, o := range observed {
		previous[name] = o
	}
	for pass := 1; ; pass++ {
		if pass > 15 {
			t.Fatal("no fixed point after 15 passes")
		}
		rsp := run(t, xr, observed)
		if msg := fatal(rsp); msg != "" {
			t.Fatalf("pass %d: fatal: %s", pass, msg)
		}
		desired := map[string]map[string]any{}
		for name, r := range rsp.GetDesired().GetResources() {
			desired[name] = r.GetResource().AsMap()
		}
		for name, d := range desired {
			was, ok := previous[name]
			if !ok || !isJob(d) {
				continue
			}
			if cs := immutable.Changes(withoutExternalName(was), withoutExternalName(d)); len(cs) != 0 {
				t.Errorf("pass %d: %s edits the Job in place: %+v", pass, name, cs)
			}
		}
		next := map[string]map[string]any{}
		for name, d := range desired {
			next[name] = observe.Resource(name, d, opts)
		}
		previous = desired
		if reflect.DeepEqual(next, observed) {
			t.Logf("fixed point after %d passes", pass)
			break
		}
		observed = next
	}
	smokeAfter := jobsUnder(observed, "apps-smoke-test-")
	if len(smokeAfter) != 1 || smokeAfter[0] == smokeBefore[0] {
		t.Errorf("smoke tests %v → %v: want one new smoke test, the old one retired", smokeBefore, smokeAfter)
	}
	if got := compose.Lookup(observed[smokeAfter[0]], "spec.forProvider.manifest.spec.template.spec.containers"); !strings.Contains(mustJSON(t, got), ":9090/") {
		t.Errorf("the new smoke test does not GET the new port: %s", mustJSON(t, got))
	}
}

// jobsUnder lists the Jobs under a composition resource name prefix.
func jobsUnder(objs map[string]map[string]any, prefix string) []string {
	var out []string
	for name, o := range objs {
		if strings.HasPrefix(name, prefix) && isJob(o) {
			out = append(out, name)
		}
	}
	return out
}

func isJob(o map[string]any) bool {
	return o["kind"] == "Object" && compose.Lookup(o, "spec.forProvider.manifest.kind") == "Job"
}

// withoutExternalName drops the external-name annotation, which the observed copy of a kept Object
// carries and a rendered one does not: provider-kubernetes finds the object by its manifest's identity.
func withoutExternalName(o map[string]any) map[string]any {
	c := deepCopyMap(o)
	if md, ok := c["metadata"].(map[string]any); ok {
		if a, ok := md["annotations"].(map[string]any); ok {
			delete(a, "crossplane.io/external-name")
		}
	}
	return c
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
