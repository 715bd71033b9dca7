package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/plan"
)

// The seed and its fully observed stage, as the goldens write them (`make golden`).
var (
	seed      = repoPath("examples", "seed-production.yaml")
	seedReady = repoPath("test", "observed", "seed-production", "ready.yaml")
)

func repoPath(p ...string) string {
	return filepath.Join(append([]string{"..", "..", "..", ".."}, p...)...)
}

// seedLive reads the seed XR (as filed, no status) and its composed resources observed Ready: what a live
// environment's API server holds, for the tests that serve or list it.
func seedLive(t testing.TB) (xr map[string]any, composed []map[string]any) {
	t.Helper()
	objs, err := plan.ReadObjects(seedReady)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	xr = map[string]any{}
	if err := yaml.Unmarshal(b, &xr); err != nil {
		t.Fatal(err)
	}
	return xr, objs
}

// edited writes a copy of the seed with each old string replaced by its new one (each must occur once).
func edited(t testing.TB, pairs ...string) string {
	t.Helper()
	b, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i < len(pairs); i += 2 {
		if strings.Count(s, pairs[i]) != 1 {
			t.Fatalf("the seed has %d occurrences of %q; the edit needs one", strings.Count(s, pairs[i]), pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), "edited.yaml")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runJSON(t *testing.T, args ...string) (*plan.Plan, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append(args, "-o", "json"), &out, &errb)
	if code == exitError {
		t.Fatalf("penv %v: exit 1: %s", args, errb.String())
	}
	p := &plan.Plan{}
	if err := json.Unmarshal(out.Bytes(), p); err != nil {
		t.Fatalf("penv %v: the JSON does not decode: %v\n%s", args, err, out.String())
	}
	return p, code
}

func find(rs []plan.Resource, name string) *plan.Resource {
	for i := range rs {
		if rs[i].Name == name {
			return &rs[i]
		}
	}
	return nil
}

func field(r *plan.Resource, path string) *plan.Field {
	for i := range r.Fields {
		if r.Fields[i].Path == path {
			return &r.Fields[i]
		}
	}
	return nil
}

// TestPlanActions: each action for an edit of the seed at its ready stage, with the exit code and the fields that
// say why.
func TestPlanActions(t *testing.T) {
	cases := []struct {
		name  string
		edit  []string
		code  int
		check func(t *testing.T, p *plan.Plan)
	}{{
		name: "unchanged: nothing to do",
		code: exitNoChange,
		check: func(t *testing.T, p *plan.Plan) {
			if p.Changes() {
				t.Errorf("the unedited seed plans changes: %+v", p.Resources)
			}
		},
	}, {
		name: "create: a second alarm email subscribes to the alarm topic",
		edit: []string{"alarmEmails: [ops@cloudpartner.pro]", "alarmEmails: [ops@cloudpartner.pro, oncall@cloudpartner.pro]"},
		code: exitChanges,
		check: func(t *testing.T, p *plan.Plan) {
			if p.Summary.Create == 0 || p.Summary.Delete+p.Summary.Replace+p.Summary.Blocked != 0 {
				t.Errorf("want creates only, got %+v: %+v", p.Summary, p.Resources)
			}
		},
	}, {
		name: "update: the node group's maximum size changes in place",
		edit: []string{"maxSize: 10", "maxSize: 12"},
		code: exitChanges,
		check: func(t *testing.T, p *plan.Plan) {
			r := find(p.FirstReconcile.Resources, "nodes-group")
			if r == nil || r.Action != plan.Update {
				t.Fatalf("nodes-group: want update, got %+v", r)
			}
			f := field(r, "spec.forProvider.scalingConfig.maxSize")
			if f == nil || f.Old != float64(10) || f.New != float64(12) || f.ForcesReplacement {
				t.Errorf("maxSize: want 10 → 12 in place, got %+v", f)
			}
		},
	}, {
		name: "replace: a new instance type is a new node group (create before destroy)",
		edit: []string{"instanceTypes: [t3.medium]", "instanceTypes: [t3.large]"},
		code: exitChanges,
		check: func(t *testing.T, p *plan.Plan) {
			// The first reconcile creates the replacement beside the old group; the old one goes once it is Ready.
			if first := p.FirstReconcile.Summary; first.Create != 1 || first.Delete != 0 {
				t.Errorf("first reconcile: want the new node group created and nothing deleted, got %+v", first)
			}
			var r *plan.Resource
			for i := range p.Resources {
				if p.Resources[i].Action == plan.Replace {
					r = &p.Resources[i]
				}
			}
			if r == nil || r.Replaces != "nodes-group" || !strings.HasPrefix(r.Name, "nodes-group-") {
				t.Fatalf("eventual: want nodes-group replaced by nodes-group-<hash>, got %+v", p.Resources)
			}
			if f := field(r, "spec.forProvider.instanceTypes"); f == nil || !f.ForcesReplacement {
				t.Errorf("instanceTypes must be named as the cause: %+v", r.Fields)
			}
			if !strings.Contains(r.Reason, "spec.forProvider.instanceTypes") {
				t.Errorf("reason %q does not name instanceTypes", r.Reason)
			}
		},
	}, {
		name: "delete: without alarm emails both subscriptions go (the home region's and SES's fallback region's)",
		edit: []string{"alarmEmails: [ops@cloudpartner.pro]", "alarmEmails: []"},
		code: exitChanges,
		check: func(t *testing.T, p *plan.Plan) {
			if s := p.Summary; s.Delete != 2 || s.Create+s.Update+s.Replace+s.Orphan+s.Blocked != 0 {
				t.Fatalf("want two deletes, got %+v: %+v", s, p.Resources)
			}
			var names []string
			for _, r := range p.Resources {
				if r.Kind != "sns.aws.m.upbound.io/TopicSubscription" {
					t.Errorf("want only e-mail subscriptions deleted, got %+v", r)
				}
				names = append(names, r.Name)
			}
			slices.Sort(names)
			if len(names) != 2 || !strings.HasPrefix(names[0], "observability-alarm-email-") || !strings.HasPrefix(names[1], "observability-us-west-2-email-") {
				t.Errorf("want the alarm e-mail's subscriptions in us-east-1 and us-west-2 deleted, got %v", names)
			}
		},
	}, {
		name: "fatal: the function refuses to delete the trail's bucket under deletion protection",
		edit: []string{"cloudTrail: true", "cloudTrail: false"},
		code: exitHuman,
		check: func(t *testing.T, p *plan.Plan) {
			if !strings.Contains(p.FirstReconcile.Fatal, "observability-trail-bucket") || p.Changes() {
				t.Errorf("want the Fatal naming the bucket and no changes, got %q, %+v", p.FirstReconcile.Fatal, p.Resources)
			}
		},
	}, {
		// Route 53 cannot change a health check's interval (ForceNew): admission refuses it while the check is on,
		// so no edit of the spec reaches a blocked resource; TestCompare shows the blocked action itself.
		name: "refused: admission refuses a health check's new request interval while it is on",
		edit: []string{"      failureThreshold: 3", "      failureThreshold: 3\n      requestIntervalSeconds: 10"},
		code: exitHuman,
		check: func(t *testing.T, p *plan.Plan) {
			if len(p.Refused) == 0 || !strings.Contains(p.Refused[0], "requestIntervalSeconds") {
				t.Errorf("want the CEL rule's message naming requestIntervalSeconds, got %q", p.Refused)
			}
			if p.Changes() {
				t.Errorf("a refused spec changes nothing, got %+v", p.Resources)
			}
		},
	}, {
		name: "refused: admission refuses a changed domain",
		edit: []string{"domain: cloudpartner.pro", "domain: example.org"},
		code: exitHuman,
		check: func(t *testing.T, p *plan.Plan) {
			if len(p.Refused) == 0 || !strings.Contains(p.Refused[0], "spec.domain cannot be changed") {
				t.Errorf("want the CEL rule's message, got %q", p.Refused)
			}
			if p.Changes() {
				t.Errorf("a refused spec changes nothing, got %+v", p.Resources)
			}
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			newXR := seed
			if c.edit != nil {
				newXR = edited(t, c.edit...)
			}
			p, code := runJSON(t, "plan", "--new", newXR, "--old", seed, "--observed", seedReady)
			if code != c.code {
				t.Errorf("exit %d, want %d (summary %+v, first %+v)", code, c.code, p.Summary, p.FirstReconcile.Summary)
			}
			c.check(t, p)
		})
	}
}

// TestDestroyPlan: deleting the protected seed deletes what protection does not cover and orphans the rest, data
// first among them; it always exits 3.
func TestDestroyPlan(t *testing.T) {
	p, code := runJSON(t, "plan", "--destroy", "--old", seed, "--observed", seedReady)
	if code != exitHuman {
		t.Errorf("exit %d, want 3", code)
	}
	if !p.Destroy || p.Summary.Orphan == 0 || p.Summary.Delete == 0 || p.Summary.Create+p.Summary.Update != 0 {
		t.Fatalf("want deletes and orphans only, got %+v", p.Summary)
	}
	orphaned := map[string]bool{}
	for _, r := range p.Resources {
		if r.Action == plan.Orphan {
			orphaned[r.Kind] = true
		}
	}
	for _, k := range []string{"rds.aws.m.upbound.io/Instance", "kms.aws.m.upbound.io/Key", "route53.aws.m.upbound.io/Zone"} {
		if !orphaned[k] {
			t.Errorf("%s is not orphaned by deletion protection", k)
		}
	}
}

// TestObservedList: a kind: List (kubectl get -o yaml) with the XR in it plans as the stream does, the XR being the
// live spec. The live XR has a uid (the final snapshots' names carry it) and a generation: the new spec, read from a
// file without either, is planned as the API server stores it over the live object, so the unedited seed plans no
// change.
func TestObservedList(t *testing.T) {
	xr, objs := seedLive(t)
	md := xr["metadata"].(map[string]any)
	md["uid"], md["generation"] = "6f1c2b9e-0d4a-4c61-9a57-3f0b8e2d7c11", 4
	items := []any{xr}
	for _, o := range objs {
		items = append(items, o)
	}
	list, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	path := filepath.Join(t.TempDir(), "list.json")
	if err := os.WriteFile(path, list, 0o600); err != nil {
		t.Fatal(err)
	}
	if p, code := runJSON(t, "plan", "--new", seed, "--observed", path); code != exitNoChange {
		t.Errorf("the unedited seed against its live XR: exit %d: %+v", code, p.Resources)
	}
	newXR := edited(t, "maxSize: 10", "maxSize: 12")
	fromList, code := runJSON(t, "plan", "--new", newXR, "--observed", path)
	fromStream, _ := runJSON(t, "plan", "--new", newXR, "--old", seed, "--observed", seedReady)
	if code != exitChanges || fromList.Summary != fromStream.Summary {
		t.Errorf("exit %d; list %+v, stream %+v", code, fromList.Summary, fromStream.Summary)
	}
}

// TestMarkdownHasNoAccountData: a PR comment names resources and actions only.
func TestMarkdownHasNoAccountData(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"plan", "--destroy", "--old", seed, "--observed", seedReady, "-o", "markdown"}, &out, &errb)
	if code != exitHuman {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, bad := range []string{"arn:", "123456789012", "cloud-consulting-prod-"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("the Markdown carries %q", bad)
		}
	}
	if !strings.Contains(out.String(), "| orphan | `database-instance` |") {
		t.Errorf("the Markdown does not list the orphaned database:\n%s", out.String())
	}
}

// TestBadInput: one line on stderr naming the file and the fix, exit 1.
func TestBadInput(t *testing.T) {
	unknown := edited(t, "  region: us-east-1\n", "  region: us-east-1\n  regoin: us-east-2\n")
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"unreadable", []string{"plan", "--new", "/nonexistent/xr.yaml"}, []string{"/nonexistent/xr.yaml", "cannot read"}},
		{"not a PlatformEnvironment", []string{"plan", "--new", seedReady}, []string{"ready.yaml", "not a PlatformEnvironment"}},
		{"unknown field", []string{"plan", "--new", unknown}, []string{"edited.yaml", `unknown field "spec.regoin"`, "docs/reference.md"}},
		{"neither --new nor --destroy", []string{"plan"}, []string{"--new", "--destroy"}},
		{"destroy without the live spec", []string{"plan", "--destroy"}, []string{"--old"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(c.args, &out, &errb); code != exitError {
				t.Errorf("exit %d, want 1", code)
			}
			msg := errb.String()
			if strings.Count(strings.TrimSpace(msg), "\n") != 0 {
				t.Errorf("want one line, got %q", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestMakePlan runs `make plan` on an edited copy of the seed as the README shows it: make builds bin/penv and the
// text plan ends with the summary line.
func TestMakePlan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bin/penv")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	newXR := edited(t, "instanceTypes: [t3.medium]", "instanceTypes: [m6i.large]") // the README's example
	root, _ := filepath.Abs(repoPath())
	cmd := exec.Command("make", "-s", "plan", "NEW="+newXR, "OLD=examples/seed-production.yaml", "OBSERVED=test/observed/seed-production/ready.yaml")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !(errorsAs(err, &ee) && ee.ExitCode() == 2) { // make exits 2 when the recipe does
		t.Fatalf("make plan: %v\n%s", err, out)
	}
	s := string(out)
	for _, w := range []string{"-/+ replace nodes-group → nodes-group-", "Plan: 0 to create, 2 to update, 1 to replace, 0 to delete, 0 to orphan, 0 blocked", "Monthly cost (USD", "  total "} {
		if !strings.Contains(s, w) {
			t.Errorf("make plan output lacks %q:\n%s", w, s)
		}
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError) //nolint:errorlint // exec returns it unwrapped
	if ok {
		*target = e
	}
	return ok
}

// BenchmarkSeedPlan: the seed's node-group replacement planned from files, the eventual-state walk included (docs/plan.md
// records the CPU it takes).
func BenchmarkSeedPlan(b *testing.B) {
	newXR := edited(b, "instanceTypes: [t3.medium]", "instanceTypes: [t3.large]")
	b.ResetTimer()
	for range b.N {
		var out, errb bytes.Buffer
		if code := run([]string{"plan", "--new", newXR, "--old", seed, "--observed", seedReady, "-o", "json"}, &out, &errb); code != exitChanges {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}

// TestObservedTrace: `crossplane beta trace -o json` output is a tree ({"object", "error", "children"}; several
// traced resources are {"items": [trees]}): flattened, it is the XR and its composed resources. testdata/trace.json
// is three of the seed's composed resources under the live XR, one a level deeper (as trace nests a nested XR's), and
// one trace did not find.
// The whole ready stage as a trace plans as the stream does.
func TestObservedTrace(t *testing.T) {
	s, err := plan.ReadState(filepath.Join("testdata", "trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s.XR == nil || len(s.Observed) != 3 || s.Observed["network-igw"] == nil || s.Observed["database-instance"] == nil {
		t.Fatalf("want the XR and network-vpc, network-igw, database-instance, got XR %v and %d objects", s.XR != nil, len(s.Observed))
	}
	// A resource trace could not read: not found is not observed; any other error is one, naming the resource.
	forbidden, _ := json.Marshal(map[string]any{"object": map[string]any{"apiVersion": "v1", "kind": "PlatformEnvironment"}, "children": []any{
		map[string]any{"object": map[string]any{"apiVersion": "rds.aws.m.upbound.io/v1beta1", "kind": "Instance", "metadata": map[string]any{"name": "prod-db"}},
			"error": map[string]any{"ErrStatus": map[string]any{"reason": "Forbidden", "code": 403, "message": "instances.rds.aws.m.upbound.io \"prod-db\" is forbidden"}}},
	}})
	fp := filepath.Join(t.TempDir(), "forbidden.json")
	if err := os.WriteFile(fp, forbidden, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.ReadState(fp); err == nil || !strings.Contains(err.Error(), "could not read Instance prod-db") || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("want the unreadable instance named, got %v", err)
	}

	xr, objs := seedLive(t)
	children := []any{}
	for _, o := range objs {
		children = append(children, map[string]any{"object": o})
	}
	tree, _ := json.Marshal(map[string]any{"items": []any{map[string]any{"object": xr, "children": children}}})
	path := filepath.Join(t.TempDir(), "trace.json")
	if err := os.WriteFile(path, tree, 0o600); err != nil {
		t.Fatal(err)
	}
	if p, code := runJSON(t, "plan", "--new", seed, "--observed", path); code != exitNoChange {
		t.Errorf("the unedited seed against its trace: exit %d: %+v", code, p.Resources)
	}
	newXR := edited(t, "maxSize: 10", "maxSize: 12")
	fromTrace, code := runJSON(t, "plan", "--new", newXR, "--observed", path)
	fromStream, _ := runJSON(t, "plan", "--new", newXR, "--old", seed, "--observed", seedReady)
	if code != exitChanges || fromTrace.Summary != fromStream.Summary || len(fromTrace.Resources) != len(fromStream.Resources) {
		t.Errorf("exit %d; trace %+v, stream %+v", code, fromTrace.Summary, fromStream.Summary)
	}
}
