package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// TestAdoptRDSLogGroups: an environment from before the RDS log groups were composed. Its committed ready
// stage with the two Group MRs removed is what such an environment observes: the instance runs, and RDS
// has created /aws/rds/instance/<id>/postgresql and /upgrade itself (in AWS, not as MRs). The render
// creates both MRs with the external name of the group RDS made, so the provider adopts it and applies
// the retention and key in place; the instance's desired state is exactly that of the stage with the
// groups, and nothing waits for them (issue 15.6).
func TestAdoptRDSLogGroups(t *testing.T) {
	xr := readXR(t, "seed-production")
	ready := readObserved(t, "seed-production", "ready")
	want := run(t, xr, ready)
	if msg := fatal(want); msg != "" {
		t.Fatal(msg)
	}
	before := map[string]map[string]any{}
	for k, v := range ready {
		if !strings.HasPrefix(k, "database-logs-") {
			before[k] = v
		}
	}
	if len(before) != len(ready)-2 {
		t.Fatalf("the ready stage holds %d database-logs-* MRs, want 2", len(ready)-len(before))
	}
	got := run(t, xr, before)
	if msg := fatal(got); msg != "" {
		t.Fatal(msg)
	}
	w := want.GetDesired().GetResources()[compose.Database].GetResource().AsMap()
	g := got.GetDesired().GetResources()[compose.Database].GetResource().AsMap()
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("the running instance is touched while its log groups are adopted (-with groups +adopting):\n%s", diff)
	}
	identifier := mapAt(g, "spec", "forProvider")["identifier"].(string)
	for _, export := range []string{"postgresql", "upgrade"} {
		r, ok := got.GetDesired().GetResources()["database-logs-"+export]
		if !ok {
			t.Errorf("database-logs-%s is not rendered for the running instance", export)
			continue
		}
		m := r.GetResource().AsMap()
		if name := mapAt(m, "metadata", "annotations")["crossplane.io/external-name"]; name != "/aws/rds/instance/"+identifier+"/"+export {
			t.Errorf("database-logs-%s: external name %v, want the group RDS created, /aws/rds/instance/%s/%s", export, name, identifier, export)
		}
		fp := mapAt(m, "spec", "forProvider")
		if fp["retentionInDays"] != 365.0 || mapAt(fp, "kmsKeyIdRef")["name"] != "prod-database-kms-key" {
			t.Errorf("database-logs-%s: retention %v, key %v; want 365 and the database key, applied in place", export, fp["retentionInDays"], fp["kmsKeyIdRef"])
		}
	}
	if strings.Contains(compose.MustJSON(got.GetDesired().GetComposite().GetResource().AsMap()["status"]), "waits for database-logs") {
		t.Error("the running instance waits for its log groups")
	}
}
