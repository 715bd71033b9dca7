package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/checks"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/workloads"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestSmokeTest(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.LoadTested(t), it.All, it.Others(it.All, "backend", "frontend"))
	smoke, load, ok := testJobs(ct.Env("prod", observed), it.LoadTested(t))
	if !ok || !ct.Has(out.Resources, smoke) || !ct.Has(out.Resources, load) {
		t.Fatalf("the tests run once everything is rolled out: %v %v %v", smoke, load, ok)
	}
	job := it.ManifestOf(t, ct.Find(t, out.Resources, smoke))
	pod := it.Get(job, "spec.template.spec").(map[string]any)
	host, _ := observed.String(compose.Database, "status.atProvider.address")
	steps := append(it.Get(pod, "initContainers").([]any), it.Get(pod, "containers").([]any)...)
	var stepNames []string
	for _, s := range steps {
		stepNames = append(stepNames, it.Get(s, "name").(string))
	}
	if diff := cmp.Diff([]string{"database", "cache", "http"}, stepNames); diff != "" {
		t.Fatalf("The seed's three checks, in order (-want +got):\n%s", diff)
	}
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"PgIsReady": {"pg_isready against the database endpoint.", it.Get(steps[0], "command"),
			[]any{"pg_isready", "-h", host, "-p", "5432", "-d", "consulting", "-t", "10"}},
		"RedisTLS": {"Redis PING over TLS with the AUTH token from app-secrets.", strings.Contains(it.Get(steps[1], "command.2").(string), "--tls") &&
			it.Get(steps[1], "env.0.valueFrom.secretKeyRef.key") == "redis-url", true},
		"HTTP": {"The routed applications' health paths through their Services.", it.Get(steps[2], "args"), []any{
			"http://backend.cloud-consulting.svc.cluster.local:8061/health", "http://frontend.cloud-consulting.svc.cluster.local:80/",
		}},
		"Bounded": {"The check is bounded in time.", it.Get(job, "spec.activeDeadlineSeconds"), 300.0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
	if out.Outputs.SmokeTest == nil || out.Outputs.SmokeTest.Phase != "Succeeded" || !strings.HasPrefix(out.Outputs.SmokeTest.Job, "smoke-test-") {
		t.Errorf("the smoke test's outcome is in the status: %+v", out.Outputs.SmokeTest)
	}
}

func TestSmokeTestFailureInStatus(t *testing.T) {
	_, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	smoke, _, _ := testJobs(ct.Env("prod", observed), it.Seed(t))
	failed := ct.JSONCopy(observed[smoke])
	st := it.Get(failed, "status.atProvider.manifest").(map[string]any)
	st["status"] = map[string]any{"failed": 2.0, "conditions": []any{map[string]any{"type": "Failed", "status": "True", "message": "Job has reached the specified backoff limit"}}}
	observed[smoke] = failed
	out := it.Desired(t, ct.Env("prod", observed), it.Seed(t))
	if diff := cmp.Diff(&v1alpha1.TestRunStatus{Job: "smoke-test-" + smoke[len(checks.SmokeTestPrefix):], Phase: "Failed", Message: "Job has reached the specified backoff limit"}, out.Outputs.SmokeTest); diff != "" {
		t.Errorf("a failed smoke test shows in the status (-want +got):\n%s", diff)
	}
}

// TestLoadTestNeedsARun: enabled without loadTest.runId, no load test Job renders, however many rollouts
// there are (a production load test is an explicit action); a run id starts one.
func TestLoadTestNeedsARun(t *testing.T) {
	noRun := it.LoadTested(t)
	noRun.Checks.LoadTest.RunID = ""
	out, _ := it.Walk(t, "prod", noRun, it.All, it.Others(it.All, "backend", "frontend"))
	for _, n := range ct.Names(out.Resources) {
		if strings.HasPrefix(n, checks.LoadTestPrefix) {
			t.Errorf("%s renders without a requested run", n)
		}
	}
	out, _ = it.Walk(t, "prod", it.LoadTested(t), it.All, it.Others(it.All, "backend", "frontend"))
	if !slices.ContainsFunc(ct.Names(out.Resources), func(n string) bool { return strings.HasPrefix(n, checks.LoadTestPrefix) }) {
		t.Errorf("a run id renders the load test: %v", ct.Names(out.Resources))
	}
}

func TestLoadTest(t *testing.T) {
	notSmoked := it.NotReadyPrefix(checks.SmokeTestPrefix)
	out, _ := it.Walk(t, "prod", it.LoadTested(t), notSmoked, it.Others(notSmoked, "backend", "frontend"))
	for _, n := range ct.Names(out.Resources) {
		if strings.HasPrefix(n, checks.LoadTestPrefix) {
			t.Errorf("%s runs before the smoke test succeeded", n)
		}
	}
	out, observed := it.Walk(t, "prod", it.LoadTested(t), it.All, it.Others(it.All, "backend", "frontend"))
	_, load, _ := testJobs(ct.Env("prod", observed), it.LoadTested(t))
	job := it.ManifestOf(t, ct.Find(t, out.Resources, load))
	s, _ := it.ManifestOf(t, ct.Find(t, out.Resources, load+"-script"))["data"].(map[string]any)["script.js"].(string)
	for _, want := range []string{
		"{ duration: '2m', target: 100 }", "{ duration: '5m', target: 200 }", "{ duration: '2m', target: 0 }",
		// The backend's Service inside the cluster, not https://api.<domain>: through the edge every virtual
		// user is one NAT address that the WAF's per-IP rate rule blocks.
		"http.get('http://backend.cloud-consulting.svc.cluster.local:8061/health')", "'status is 200': (r) => r.status === 200", "r.timings.duration < 500",
		"checks: ['rate>0.99']",
		"sleep(1);", // think time: a virtual user is a user
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the k6 script lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "https://") {
		t.Errorf("the k6 script reaches the public edge:\n%s", s)
	}
	// 16 minutes of stages plus the 5-minute margin.
	if got := it.Get(job, "spec.activeDeadlineSeconds"); got != float64(16*60+300) {
		t.Errorf("the load test is bounded by its stages: activeDeadlineSeconds %v", got)
	}
	if it.Get(job, "spec.backoffLimit") != 0.0 {
		t.Errorf("a failed load test is not repeated")
	}
}

func TestNewRolloutNewTests(t *testing.T) {
	_, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	old, _, _ := testJobs(ct.Env("prod", observed), it.Seed(t))
	f := it.FrontendSpec()
	f.Image = "registry.example.com/frontend:1.1.0"
	r := it.Resolve(t, []v1alpha1.ApplicationSpec{it.BackendSpec(), f}, v1alpha1.AddonsSpec{})
	// The new frontend is rolling out: the old test stays, no new one yet.
	rolling := it.Desired(t, ct.Env("prod", observed), r)
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	d := incluster.DeploymentObject("frontend")
	obs[d] = observe.Resource(d, ct.JSONCopy(ct.Find(t, rolling.Resources, d).Object), observe.Options{Namespace: ct.Namespace, Region: ct.Region, Ready: func(string) bool { return false }})
	during := it.Desired(t, ct.Env("prod", obs), r)
	if !ct.Has(during.Resources, old) {
		t.Errorf("while a rollout is in progress the previous smoke test stays")
	}
	out, observed2 := it.Walk(t, "prod", r, it.All, obs)
	now, _, _ := testJobs(ct.Env("prod", observed2), r)
	if now == old || !ct.Has(out.Resources, now) || ct.Has(out.Resources, old) {
		t.Errorf("a new rollout gets a new smoke test and retires the previous one: old %s now %s", old, now)
	}
}

func TestLoadTestDoesNotHoldReadiness(t *testing.T) {
	running := it.NotReadyPrefix(checks.LoadTestPrefix)
	out, observed := it.Walk(t, "prod", it.LoadTested(t), running, it.Others(running, "backend", "frontend"))
	_, load, _ := testJobs(ct.Env("prod", observed), it.LoadTested(t))
	if r := ct.Find(t, out.Resources, load); r.Readiness != compose.ReadyWhenObserved {
		t.Errorf("a running (or failed) load test must not keep the environment unready")
	}
	smoke, _, _ := testJobs(ct.Env("prod", observed), it.LoadTested(t))
	if r := ct.Find(t, out.Resources, smoke); r.Readiness != compose.ReadyFromObserved {
		t.Errorf("the smoke test's outcome is the environment's readiness")
	}
}

// TestSupersededJobsStayUntilTheSuccessorRenders: a new database address makes new setup and smoke test
// Jobs; while they wait (here for their secrets), the previous Jobs stay. Retiring them first would leave
// nothing in their place.
func TestSupersededJobsStayUntilTheSuccessorRenders(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	oldSmoke, _, _ := testJobs(ct.Env("prod", observed), it.Seed(t))
	oldSetup, _ := checks.DatabaseSetupJob(ct.Env("prod", observed), ct.Ptr(it.Seed(t)))
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	db := ct.JSONCopy(obs[compose.Database])
	db["status"].(map[string]any)["atProvider"].(map[string]any)["address"] = "replaced.abcdefghijkl.us-east-1.rds.amazonaws.com"
	obs[compose.Database] = db
	for _, n := range []string{incluster.SecretSmokeTest, incluster.SecretDatabaseSetup} {
		obs[n] = observe.Resource(n, ct.JSONCopy(ct.Find(t, out.Resources, n).Object), observe.Options{Namespace: ct.Namespace, Region: ct.Region, Ready: func(string) bool { return false }})
	}
	newSmoke, _, _ := testJobs(ct.Env("prod", obs), it.Seed(t))
	newSetup, _ := checks.DatabaseSetupJob(ct.Env("prod", obs), ct.Ptr(it.Seed(t)))
	if newSmoke == oldSmoke || newSetup == oldSetup {
		t.Fatalf("a new database address must name new Jobs: smoke %s → %s, setup %s → %s", oldSmoke, newSmoke, oldSetup, newSetup)
	}
	during := it.Desired(t, ct.Env("prod", obs), it.Seed(t))
	for _, c := range []struct{ old, successor string }{{oldSmoke, newSmoke}, {oldSetup, newSetup}} {
		if ct.Has(during.Resources, c.successor) {
			t.Errorf("%s rendered although its secret is not Ready", c.successor)
		}
		if !ct.Has(during.Resources, c.old) {
			t.Errorf("%s dropped before its successor %s renders", c.old, c.successor)
		}
	}
}

// testJobs are the current rollout's smoke and load test Job names, with the Deployments the spec asks for.
func testJobs(env *compose.Env, r incluster.Spec) (smoke, load string, ok bool) {
	var in checks.Input
	for i := range r.Apps {
		in.Deployments = append(in.Deployments, incluster.Deployment{App: r.Apps[i].Name, Manifest: workloads.DeploymentManifest(env, &r, &r.Apps[i])})
	}
	return checks.JobNames(env, &r, in)
}
