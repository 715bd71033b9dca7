package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestClusterAheadOfSpec: EKS upgraded the seed's control plane past spec.cluster.version (support type
// STANDARD at the end of standard support; here the spec is lowered, which looks the same). The function
// never refuses it: the cluster keeps the version it runs, the node group holds, nothing is dropped, and a
// Warning result and the cluster component's message ask for spec.cluster.version to be raised.
func TestClusterAheadOfSpec(t *testing.T) {
	xr := readXR(t, "seed-production")
	observed, _ := walk(t, xr, func(string) bool { return true })
	xr["spec"].(map[string]any)["cluster"].(map[string]any)["version"] = "1.34"
	rsp := run(t, xr, observed)
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	desired := rsp.GetDesired().GetResources()
	for name := range observed {
		if _, ok := desired[name]; !ok {
			t.Errorf("%s dropped", name)
		}
	}
	version := func(name string) any {
		return desired[name].GetResource().AsMap()["spec"].(map[string]any)["forProvider"].(map[string]any)["version"]
	}
	if v := version("cluster-eks"); v != "1.35" {
		t.Errorf("cluster version = %v, want the 1.35 it runs", v)
	}
	if v := version("nodes-group"); v != "1.35" {
		t.Errorf("node group version = %v, want the 1.35 it runs (held, not moved)", v)
	}
	var warned bool
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING && strings.Contains(r.GetMessage(), "raise spec.cluster.version to 1.35") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no Warning result asking to raise spec.cluster.version; results: %v", rsp.GetResults())
	}
	st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	for _, c := range st["components"].([]any) {
		c := c.(map[string]any)
		if c["name"] != "cluster" {
			continue
		}
		if msg, _ := c["message"].(string); !strings.Contains(msg, "raise spec.cluster.version") {
			t.Errorf("cluster component message = %q, want the request to raise spec.cluster.version", msg)
		}
		if c["ready"] != true {
			t.Errorf("cluster component ready = %v: a warning must not hold the environment back", c["ready"])
		}
	}
}
