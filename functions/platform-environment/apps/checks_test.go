package apps

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

func loadTested(t *testing.T) Resolved {
	return resolve(t, []v1alpha1.ApplicationSpec{backendSpec(), frontendSpec()}, v1alpha1.AddonsSpec{LoadTest: v1alpha1.LoadTestSpec{Enabled: true}})
}

func TestSmokeTest(t *testing.T) {
	out, observed := walk(t, "prod", loadTested(t), all, others(all, "backend", "frontend"))
	b := &builder{env: testEnv("prod", observed), r: loadTested(t)}
	smoke, load, ok := b.testNames()
	if !ok || !has(out, smoke) || !has(out, load) {
		t.Fatalf("the tests run once everything is rolled out: %v %v %v", smoke, load, ok)
	}
	job := manifestOf(t, find(t, out, smoke))
	pod := get(job, "spec.template.spec").(map[string]any)
	host, _ := observed.String(compose.Database, "status.atProvider.address")
	steps := append(get(pod, "initContainers").([]any), get(pod, "containers").([]any)...)
	var stepNames []string
	for _, s := range steps {
		stepNames = append(stepNames, get(s, "name").(string))
	}
	if diff := cmp.Diff([]string{"database", "cache", "http"}, stepNames); diff != "" {
		t.Fatalf("The seed's three checks, in order (-want +got):\n%s", diff)
	}
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"PgIsReady": {"pg_isready against the database endpoint.", get(steps[0], "command"),
			[]any{"pg_isready", "-h", host, "-p", "5432", "-d", "consulting", "-t", "10"}},
		"RedisTLS": {"Redis PING over TLS with the AUTH token from app-secrets.", strings.Contains(get(steps[1], "command.2").(string), "--tls") &&
			get(steps[1], "env.0.valueFrom.secretKeyRef.key") == "redis-url", true},
		"HTTP": {"The routed applications' health paths through their Services.", get(steps[2], "args"), []any{
			"http://backend.cloud-consulting.svc.cluster.local:8061/health", "http://frontend.cloud-consulting.svc.cluster.local:80/",
		}},
		"Bounded": {"The check is bounded in time.", get(job, "spec.activeDeadlineSeconds"), 300.0},
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
	_, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	b := &builder{env: testEnv("prod", observed), r: seed(t)}
	smoke, _, _ := b.testNames()
	failed := jsonCopy(t, observed[smoke])
	st := get(failed, "status.atProvider.manifest").(map[string]any)
	st["status"] = map[string]any{"failed": 2.0, "conditions": []any{map[string]any{"type": "Failed", "status": "True", "message": "Job has reached the specified backoff limit"}}}
	observed[smoke] = failed
	out := desired(t, testEnv("prod", observed), seed(t))
	if diff := cmp.Diff(&v1alpha1.TestRunStatus{Job: "smoke-test-" + smoke[len(smokeTestPrefix):], Phase: "Failed", Message: "Job has reached the specified backoff limit"}, out.Outputs.SmokeTest); diff != "" {
		t.Errorf("a failed smoke test shows in the status (-want +got):\n%s", diff)
	}
}

func TestLoadTest(t *testing.T) {
	notSmoked := notReadyPrefix(smokeTestPrefix)
	out, _ := walk(t, "prod", loadTested(t), notSmoked, others(notSmoked, "backend", "frontend"))
	for _, n := range names(out) {
		if strings.HasPrefix(n, loadTestPrefix) {
			t.Errorf("%s runs before the smoke test succeeded", n)
		}
	}
	out, observed := walk(t, "prod", loadTested(t), all, others(all, "backend", "frontend"))
	_, load, _ := (&builder{env: testEnv("prod", observed), r: loadTested(t)}).testNames()
	job := manifestOf(t, find(t, out, load))
	s, _ := manifestOf(t, find(t, out, load+"-script"))["data"].(map[string]any)["script.js"].(string)
	for _, want := range []string{
		"{ duration: '2m', target: 100 }", "{ duration: '5m', target: 200 }", "{ duration: '2m', target: 0 }",
		"http.get('https://api.cloudpartner.pro/health')", "'status is 200': (r) => r.status === 200", "r.timings.duration < 500",
		"checks: ['rate>0.99']",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the k6 script lacks %q:\n%s", want, s)
		}
	}
	// 16 minutes of stages plus the margin.
	if got := get(job, "spec.activeDeadlineSeconds"); got != float64(16*60+loadTestMargin) {
		t.Errorf("the load test is bounded by its stages: activeDeadlineSeconds %v", got)
	}
	if get(job, "spec.backoffLimit") != 0.0 {
		t.Errorf("a failed load test is not repeated")
	}
}

func TestNewRolloutNewTests(t *testing.T) {
	_, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	old, _, _ := (&builder{env: testEnv("prod", observed), r: seed(t)}).testNames()
	f := frontendSpec()
	f.Image = "registry.example.com/frontend:1.1.0"
	r := resolve(t, []v1alpha1.ApplicationSpec{backendSpec(), f}, v1alpha1.AddonsSpec{})
	// The new frontend is rolling out: the old test stays, no new one yet.
	rolling := desired(t, testEnv("prod", observed), r)
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	d := deploymentObject("frontend")
	obs[d] = observe.Resource(d, jsonCopy(t, find(t, rolling, d).Object), observe.Options{Namespace: testNamespace, Region: testRegion, Ready: func(string) bool { return false }})
	during := desired(t, testEnv("prod", obs), r)
	if !has(during, old) {
		t.Errorf("while a rollout is in progress the previous smoke test stays")
	}
	out, observed2 := walk(t, "prod", r, all, obs)
	now, _, _ := (&builder{env: testEnv("prod", observed2), r: r}).testNames()
	if now == old || !has(out, now) || has(out, old) {
		t.Errorf("a new rollout gets a new smoke test and retires the previous one: old %s now %s", old, now)
	}
}

func TestLoadTestDoesNotHoldReadiness(t *testing.T) {
	running := notReadyPrefix(loadTestPrefix)
	out, observed := walk(t, "prod", loadTested(t), running, others(running, "backend", "frontend"))
	_, load, _ := (&builder{env: testEnv("prod", observed), r: loadTested(t)}).testNames()
	if r := find(t, out, load); r.Readiness != compose.ReadyWhenObserved {
		t.Errorf("a running (or failed) load test must not keep the environment unready")
	}
	smoke, _, _ := (&builder{env: testEnv("prod", observed), r: loadTested(t)}).testNames()
	if r := find(t, out, smoke); r.Readiness != compose.ReadyFromObserved {
		t.Errorf("the smoke test's outcome is the environment's readiness")
	}
}

// TestSupersededJobsStayUntilTheSuccessorRenders: a new database address makes new setup and smoke test
// Jobs; while they wait (here for their secrets), the previous Jobs stay. Retiring them first would leave
// nothing in their place.
func TestSupersededJobsStayUntilTheSuccessorRenders(t *testing.T) {
	out, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	oldSmoke, _, _ := (&builder{env: testEnv("prod", observed), r: seed(t)}).testNames()
	oldSetup, _ := (&builder{env: testEnv("prod", observed), r: seed(t)}).databaseSetupJob()
	obs := compose.Observed{}
	for k, v := range observed {
		obs[k] = v
	}
	db := jsonCopy(t, obs[compose.Database])
	db["status"].(map[string]any)["atProvider"].(map[string]any)["address"] = "replaced.abcdefghijkl.us-east-1.rds.amazonaws.com"
	obs[compose.Database] = db
	for _, n := range []string{secretSmokeTest, secretDatabaseSetup} {
		obs[n] = observe.Resource(n, jsonCopy(t, find(t, out, n).Object), observe.Options{Namespace: testNamespace, Region: testRegion, Ready: func(string) bool { return false }})
	}
	b := &builder{env: testEnv("prod", obs), r: seed(t)}
	newSmoke, _, _ := b.testNames()
	newSetup, _ := b.databaseSetupJob()
	if newSmoke == oldSmoke || newSetup == oldSetup {
		t.Fatalf("a new database address must name new Jobs: smoke %s → %s, setup %s → %s", oldSmoke, newSmoke, oldSetup, newSetup)
	}
	during := desired(t, testEnv("prod", obs), seed(t))
	for _, c := range []struct{ old, successor string }{{oldSmoke, newSmoke}, {oldSetup, newSetup}} {
		if has(during, c.successor) {
			t.Errorf("%s rendered although its secret is not Ready", c.successor)
		}
		if !has(during, c.old) {
			t.Errorf("%s dropped before its successor %s renders", c.old, c.successor)
		}
	}
}
