package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

// Nothing dropped: Crossplane deletes every composed resource that desired state leaves out, so the
// function must never leave out an observed resource unless the spec removed it on purpose. This property
// test walks random sequences of spec edits and observations (resources appearing late, readiness
// flapping, status missing) and checks after every RunFunction:
//   - an observed resource leaves desired only when the edit just made removes what it belongs to;
//   - a Fatal returns the desired state it was given, untouched;
//   - a resource holding data (compose.DataKinds) created under deletion protection never leaves desired
//     while protection is on: the edit that would remove it ends in a Fatal naming spec.deletionProtection.
//     The documented deletion path is: set spec.deletionProtection: false, let it apply, then remove the
//     component (or delete the environment; with protection on, its data stays in AWS).

// specEdit is one edit a user could make.
type specEdit struct {
	name  string
	apply func(spec map[string]any)
	// removes matches the composition resource names the edit removes on purpose; nil removes nothing.
	removes func(name string) bool
}

func prefixes(ps ...string) func(string) bool {
	return func(n string) bool {
		for _, p := range ps {
			if strings.HasPrefix(n, p) {
				return true
			}
		}
		return false
	}
}

func setIn(spec map[string]any, path string, v any) {
	setPath(spec, strings.Split(path, "."), v)
}

var specEdits = []specEdit{
	// Edits that remove nothing.
	{name: "nodes max 12", apply: func(s map[string]any) { setIn(s, "cluster.nodeGroup.maxSize", 12.0) }},
	{name: "tags", apply: func(s map[string]any) { setIn(s, "tags", map[string]any{"cost-center": "42"}) }},
	{name: "db storage 200", apply: func(s map[string]any) {
		setIn(s, "database.allocatedStorageGiB", 200.0)
		setIn(s, "database.maxAllocatedStorageGiB", 500.0)
	}},
	{name: "db class", apply: func(s map[string]any) { setIn(s, "database.instanceClass", "db.m7g.large") }},
	{name: "cache two nodes", apply: func(s map[string]any) { setIn(s, "cache.numCacheClusters", 2.0) }},
	{name: "log retention 400", apply: func(s map[string]any) { setIn(s, "observability.logRetentionDays", 400.0) }},
	{name: "protection off", apply: func(s map[string]any) { s["deletionProtection"] = false }},
	{name: "protection on", apply: func(s map[string]any) { s["deletionProtection"] = true }},
	{name: "waf rate limit", apply: func(s map[string]any) { setIn(s, "edge.waf.rateLimit", 5000.0) }},
	{name: "applications reversed", apply: func(s map[string]any) {
		// Order is no identity (issue 13): a reorder keeps every resource, listener-rule priorities too.
		apps, _ := s["applications"].([]any)
		slices.Reverse(apps)
	}},
	// Bad edits: the function must refuse them with a Fatal, or render without dropping anything.
	{name: "bad vpc cidr", apply: func(s map[string]any) { setIn(s, "network.vpcCidr", "10.0.0.0/33") }},
	{name: "bad profile", apply: func(s map[string]any) { s["profile"] = "production" }},
	{name: "bad zones", apply: func(s map[string]any) { setIn(s, "network.availabilityZones", []any{"eu-west-1a", "eu-west-1b"}) }},
	{name: "bad node sizes", apply: func(s map[string]any) {
		setIn(s, "cluster.nodeGroup.minSize", 5.0)
		setIn(s, "cluster.nodeGroup.maxSize", 2.0)
	}},
	{name: "bad wrong type", apply: func(s map[string]any) { setIn(s, "database.allocatedStorageGiB", "lots") }},
	{name: "bad db downgrade", apply: func(s map[string]any) { setIn(s, "database.engineVersion", "14") }},
	// Edits that remove something on purpose.
	{name: "waf off", apply: func(s map[string]any) { setIn(s, "edge.waf.enabled", false) },
		removes: prefixes("edge-waf", "observability-alarm-waf")},
	{name: "cloudtrail off", apply: func(s map[string]any) { setIn(s, "observability.cloudTrail", false) },
		removes: prefixes("observability-trail")},
	{name: "compliance off", apply: func(s map[string]any) { setIn(s, "observability.compliance", false) },
		removes: prefixes("observability-config")},
	{name: "health check off", apply: func(s map[string]any) { setIn(s, "dns.healthCheck.enabled", false) },
		removes: prefixes("dns-health", "dns-alarm")},
	{name: "alarm emails changed", apply: func(s map[string]any) { setIn(s, "observability.alarmEmails", []any{"oncall@example.net"}) },
		removes: func(n string) bool {
			// The alarm topic's subscriptions, the health check's, and those of SES's fallback region's topic.
			return prefixes("observability-alarm-email", "dns-alarm-email")(n) ||
				strings.HasPrefix(n, "observability-") && strings.Contains(n, "-email-")
		}},
	{name: "email off", apply: func(s map[string]any) { setIn(s, "email.enabled", false) },
		removes: prefixes("email-", "observability-us-", "observability-eu-")},
	{name: "no fallback region", apply: func(s map[string]any) { setIn(s, "email.fallbackRegion", nil) },
		removes: prefixes("email-us-west-2", "email-eu-", "email-us-east-2", "observability-us-west-2", "observability-eu-", "observability-us-east-2")},
	{name: "drop last application", apply: func(s map[string]any) {
		apps, _ := s["applications"].([]any)
		if len(apps) > 1 {
			s["applications"] = apps[:len(apps)-1]
		}
	}, removes: func(n string) bool {
		// The last application of the seed is the frontend, of prod the web app.
		return strings.Contains(n, "frontend") || strings.Contains(n, "-web")
	}},
}

// step records one transition for the failure report.
type step struct{ edit, outcome string }

// TestNothingDropped runs the property over fixed pseudo-random sequences (reproducible; a failure names
// the sequence and its steps).
func TestNothingDropped(t *testing.T) {
	const sequences, steps = 3, 14
	for _, ex := range []string{"seed-production", "prod", "dev"} {
		// Every sequence starts from the running environment: everything observed and Ready.
		running, _ := walk(t, readXR(t, ex), func(string) bool { return true })
		for seq := 0; seq < sequences; seq++ {
			t.Run(fmt.Sprintf("%s/%d", ex, seq), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(seq)+1, uint64(len(ex))))
				nothingDroppedSequence(t, rng, readXR(t, ex), running, steps)
			})
		}
	}
}

func nothingDroppedSequence(t *testing.T, rng *rand.Rand, xr map[string]any, observed map[string]map[string]any, steps int) {
	md := xr["metadata"].(map[string]any)
	region := xr["spec"].(map[string]any)["region"].(string)
	opts := observe.Options{Namespace: md["namespace"].(string), Region: region}
	desired := &fnv1.State{Resources: map[string]*fnv1.Resource{}}
	var history []step
	report := func() string {
		var b strings.Builder
		for i, s := range history {
			fmt.Fprintf(&b, "\n  %2d %-22s %s", i, s.edit, s.outcome)
		}
		return b.String()
	}

	for i := 0; i < steps; i++ {
		prev := deepCopyMap(xr)
		var edit *specEdit
		if rng.IntN(3) > 0 { // two steps in three edit the spec; the others only observe
			edit = &specEdits[rng.IntN(len(specEdits))]
			edit.apply(xr["spec"].(map[string]any))
		}
		label := "(observe)"
		if edit != nil {
			label = edit.name
		}
		// Crossplane sends the desired state of the pipeline so far; ours is the last one rendered.
		req := &fnv1.RunFunctionRequest{
			Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: mustStruct(t, xr)}, Resources: map[string]*fnv1.Resource{}},
			Desired:  desired,
		}
		for n, o := range observed {
			req.Observed.Resources[n] = &fnv1.Resource{Resource: mustStruct(t, o)}
		}
		rsp, err := (&Function{log: nopLogger()}).RunFunction(t.Context(), req)
		if err != nil {
			t.Fatalf("RunFunction returned a Go error: %v", err)
		}

		if msg := fatal(rsp); msg != "" {
			history = append(history, step{label, "Fatal: " + firstLine(msg)})
			if diff := cmp.Diff(desired, rsp.GetDesired(), protocmp.Transform()); diff != "" {
				t.Fatalf("a Fatal changed desired state:%s\n%s", report(), diff)
			}
			if !strings.Contains(msg, "spec.") && !strings.Contains(msg, "metadata") {
				t.Errorf("a Fatal must name the field: %q%s", msg, report())
			}
			// The user reads the message and restores the spec.
			xr = prev
			continue
		}

		got := rsp.GetDesired().GetResources()
		var dropped []string
		for _, n := range sortedNames(observed) {
			if _, ok := got[n]; ok {
				continue
			}
			dropped = append(dropped, n)
			o := observed[n]
			if edit == nil || edit.removes == nil || !edit.removes(n) {
				t.Errorf("step %d (%s): observed %s (%v) left desired state: Crossplane would delete it%s", i, label, n, o["kind"], report())
			}
			if protectedData(o) && protectionOn(xr) {
				t.Errorf("step %d (%s): %s holds data under deletion protection and left desired state%s", i, label, n, report())
			}
		}
		outcome := fmt.Sprintf("%d desired", len(got))
		if len(dropped) > 0 {
			outcome += fmt.Sprintf(", removed %d: %s", len(dropped), strings.Join(dropped, " "))
		}
		history = append(history, step{label, outcome})

		// The next observation: every resource still desired that exists stays observed; a new one appears
		// with probability 3/4; readiness is random (a resource may be observed while still creating) and now
		// and then a resource's status is missing (just created, provider restarted).
		desired = rsp.GetDesired()
		next := map[string]map[string]any{}
		for _, n := range sortedNames(got) {
			if _, seen := observed[n]; !seen && rng.IntN(4) == 0 {
				continue
			}
			ready := rng.IntN(5) > 0
			o := observe.Resource(n, got[n].GetResource().AsMap(), observe.Options{Namespace: opts.Namespace, Region: opts.Region,
				Ready: func(string) bool { return ready }})
			if rng.IntN(25) == 0 {
				delete(o, "status")
			}
			next[n] = o
		}
		observed = next
	}
	t.Logf("steps:%s", report())
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, ';'); i > 0 {
		return s[:i]
	}
	return s
}

// protectedData reports whether an observed resource holds data and was created under deletion protection.
func protectedData(o map[string]any) bool {
	api, _ := o["apiVersion"].(string)
	if !compose.DataKinds[strings.SplitN(api, "/", 2)[0]+"/"+fmt.Sprint(o["kind"])] {
		return false
	}
	for _, p := range asList(mapAt(o, "spec")["managementPolicies"]) {
		if p == "Delete" || p == "*" {
			return false
		}
	}
	return mapAt(o, "spec")["managementPolicies"] != nil
}

// protectionOn reads the XR's deletion protection as the function resolves it.
func protectionOn(xr map[string]any) bool {
	spec := xr["spec"].(map[string]any)
	if p, ok := spec["deletionProtection"].(bool); ok {
		return p
	}
	profile, _ := spec["profile"].(string)
	return profile == "" || profile == "prod"
}

// TestProtectedDataNeedsProtectionOff walks the documented deletion path: with deletion protection on, an
// edit that would remove a component holding data is refused; with protection turned off first, the same
// edit removes it.
func TestProtectedDataNeedsProtectionOff(t *testing.T) {
	seed := readXR(t, "seed-production")
	observed, _ := walk(t, seed, func(string) bool { return true })
	off := set(seed, "observability.cloudTrail", false)

	rsp := run(t, off, observed)
	if msg := fatal(rsp); !strings.Contains(msg, "spec.deletionProtection") || !strings.Contains(msg, "observability-trail") {
		t.Fatalf("turning CloudTrail off under deletion protection: want a Fatal naming spec.deletionProtection and the trail's data, got %q", msg)
	}

	// Step 1: protection off, applied (the data kinds get Delete back in their management policies).
	unprotected := set(seed, "deletionProtection", false)
	observed, _ = walk(t, unprotected, func(string) bool { return true })
	// Step 2: the edit.
	rsp = run(t, set(unprotected, "observability.cloudTrail", false), observed)
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("with protection off, turning CloudTrail off must work: %s", msg)
	}
	for n := range rsp.GetDesired().GetResources() {
		if strings.HasPrefix(n, "observability-trail") {
			t.Errorf("%s is still desired after CloudTrail was turned off", n)
		}
	}
}
