package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestTTLFor(t *testing.T) {
	xrWith := func(conds ...map[string]any) map[string]any {
		l := make([]any, len(conds))
		for i, c := range conds {
			l[i] = c
		}
		return map[string]any{"status": map[string]any{"conditions": l}}
	}
	// As Crossplane v2.4.0 writes them (apis/apiextensions/v1/conditions.go).
	open := map[string]any{"type": "Responsive", "status": "False", "reason": reasonWatchCircuitOpen,
		"message": "Too many watch events from ConfigMap/x (Namespace/y). Allowing events periodically."}
	closed := map[string]any{"type": "Responsive", "status": "True", "reason": "WatchCircuitClosed"}
	ready := map[string]any{"type": "Ready", "status": "False", "reason": "Creating"}
	replacing := &compose.Assembled{Replacements: map[string]string{"nodes": "replacing the node group: new group not Ready yet"}}

	cases := map[string]struct {
		reason string
		xr     map[string]any
		a      *compose.Assembled
		want   time.Duration
	}{
		"FirstReconcile":    {"An XR Crossplane has not reconciled yet has no conditions: nothing is dropped.", map[string]any{}, &compose.Assembled{}, longTTL},
		"CircuitClosed":     {"Watch events arrive: they wake every wait.", xrWith(ready, closed), &compose.Assembled{}, longTTL},
		"CircuitOpen":       {"Watch events are dropped: only the TTL keeps waits short.", xrWith(ready, open), &compose.Assembled{}, shortTTL},
		"Replacing":         {"A replacement's steps each wait on the last.", xrWith(closed), replacing, shortTTL},
		"OpenAndReplacing":  {"Either is enough.", xrWith(open), replacing, shortTTL},
		"ResponsiveUnknown": {"Only False says events are dropped.", xrWith(map[string]any{"type": "Responsive", "status": "Unknown"}), &compose.Assembled{}, longTTL},
		"MalformedStatus":   {"A status of the wrong shape is read as no conditions.", map[string]any{"status": "x"}, &compose.Assembled{}, longTTL},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := ttlFor(tc.xr, tc.a); got != tc.want {
				t.Errorf("%s\nttlFor: got %v, want %v", tc.reason, got, tc.want)
			}
		})
	}
	// The bounds the issue sets: short at most 30 s; long no longer than Crossplane's default sync interval.
	if shortTTL > 30*time.Second || longTTL > time.Hour || shortTTL >= longTTL {
		t.Errorf("short %v, long %v", shortTTL, longTTL)
	}
}

// TestTTLOfResponses checks the TTL RunFunction writes: the long one for the seed at its first reconcile
// (nothing observed, no conditions), the short one once Crossplane marks the XR Responsive=False, and the
// SDK's default on a Fatal (which Crossplane does not read).
func TestTTLOfResponses(t *testing.T) {
	seed := readXR(t, "seed-production")
	open := deepCopyMap(seed)
	open["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Responsive", "status": "False", "reason": reasonWatchCircuitOpen}}}
	bad := deepCopyMap(seed)
	bad["metadata"].(map[string]any)["name"] = strings.Repeat("x", 64)

	cases := map[string]struct {
		xr    map[string]any
		fatal bool
		want  time.Duration
	}{
		"Seed":        {xr: seed, want: longTTL},
		"CircuitOpen": {xr: open, want: shortTTL},
		"Fatal":       {xr: bad, fatal: true, want: response.DefaultTTL},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, tc.xr, nil)
			if got := fatal(rsp) != ""; got != tc.fatal {
				t.Fatalf("fatal: got %t, want %t (%s)", got, tc.fatal, fatal(rsp))
			}
			if got := rsp.GetMeta().GetTtl().AsDuration(); got != tc.want {
				t.Errorf("TTL: got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFixedTTL: the measurement switch (--fixed-ttl) replaces the adaptive TTL, for make fleet's comparison.
func TestFixedTTL(t *testing.T) {
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: mustStruct(t, readXR(t, "seed-production"))}}}
	rsp, err := (&Function{log: logging.NewNopLogger(), fixedTTL: time.Minute}).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := rsp.GetMeta().GetTtl().AsDuration(); got != time.Minute {
		t.Errorf("TTL with --fixed-ttl=1m: got %v", got)
	}
}
