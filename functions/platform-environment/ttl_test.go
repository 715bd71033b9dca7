package main

import (
	"testing"
	"time"

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
