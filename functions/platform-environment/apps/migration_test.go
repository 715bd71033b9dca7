package apps

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

// notReadyPrefix observes everything Ready except names with the prefix.
func notReadyPrefix(prefix string) func(string) bool {
	return func(n string) bool { return !strings.HasPrefix(n, prefix) }
}

func TestFirstVersionWaitsForMigration(t *testing.T) {
	ready := notReadyPrefix(migrationPrefix("backend"))
	out, _ := walk(t, "prod", seed(t), ready, others(ready, "backend", "frontend"))
	job, _ := (&builder{env: testEnv("prod", nil), r: seed(t)}).migrationJob(&seed(t).Apps[0])
	if !has(out, job) {
		t.Fatalf("the migration Job is not rendered")
	}
	if has(out, deploymentObject("backend")) {
		t.Errorf("the backend's first version is deployed before its migration succeeded")
	}
	if !has(out, deploymentObject("frontend")) {
		t.Errorf("the frontend has no migration and need not wait")
	}
	st := out.Outputs.Applications[0]
	if st.Migration != "Running" {
		t.Errorf("status shows the running migration, got %q", st.Migration)
	}

	m := manifestOf(t, find(t, out, job))
	cases := map[string]struct {
		reason string
		path   string
		want   any
	}{
		"Image":   {"The migration's own image and command.", "spec.template.spec.containers.0.image", "registry.example.com/migrations:1.0.0"},
		"Command": {"", "spec.template.spec.containers.0.command", []any{"/migrate"}},
		"Env":     {"It runs with the application's DATABASE_URL (its own role).", "spec.template.spec.containers.0.env.0.valueFrom.secretKeyRef.key", "database-url"},
		"Bounded": {"It is bounded in time and retries.", "spec.activeDeadlineSeconds", 600.0},
		"Backoff": {"", "spec.backoffLimit", 2.0},
		"Never":   {"A failed pod is not restarted in place.", "spec.template.spec.restartPolicy", "Never"},
		"NoTTL":   {"No TTL: a deleted Job would be created (and run) again by provider-kubernetes.", "spec.ttlSecondsAfterFinished", nil},
		"InNS":    {"", "metadata.namespace", testNamespace},
		"JobName": {"The Job's name carries the version.", "metadata.name", "backend-migrate-" + job[len(migrationPrefix("backend")):]},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, get(m, tc.path)); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.reason, tc.path, diff)
			}
		})
	}
	if got := get(jsonCopy(t, find(t, out, job).Object), "spec.readiness.celQuery"); got != completed.celQuery {
		t.Errorf("a migration is Ready when it succeeded: %v", got)
	}
}

func TestNewVersionHeldUntilMigrated(t *testing.T) {
	_, v1 := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	oldJob, _ := (&builder{env: testEnv("prod", nil), r: seed(t)}).migrationJob(&seed(t).Apps[0])

	b2 := backendSpec()
	b2.Image = "registry.example.com/backend:1.1.0"
	r2 := resolve(t, []v1alpha1.ApplicationSpec{b2, frontendSpec()}, v1alpha1.AddonsSpec{})
	newJob, _ := (&builder{env: testEnv("prod", nil), r: r2}).migrationJob(&r2.Apps[0])
	if newJob == oldJob {
		t.Fatal("a new version must get a new migration Job")
	}

	// The new version's migration is created and still running: the Deployment stays at 1.0.0.
	out := desired(t, testEnv("prod", v1), r2)
	if !has(out, newJob) {
		t.Fatalf("the new version's migration is not rendered")
	}
	image := get(manifestOf(t, find(t, out, deploymentObject("backend"))), "spec.template.spec.containers.0.image")
	if image != "registry.example.com/backend:1.0.0" {
		t.Errorf("the Deployment rolls out %v before its migration ran", image)
	}
	// The superseded version's Job is retired (the documented exception to keep-observed).
	if has(out, oldJob) {
		t.Errorf("the superseded migration Job %s is still rendered", oldJob)
	}

	// The migration runs, then succeeds: the new version rolls out.
	obs := compose.Observed{}
	for k, v := range v1 {
		obs[k] = v
	}
	obs[newJob] = observe.Resource(newJob, jsonCopy(t, find(t, out, newJob).Object), observe.Options{Namespace: testNamespace, Region: testRegion, Ready: func(string) bool { return false }})
	held := desired(t, testEnv("prod", obs), r2)
	if img := get(manifestOf(t, find(t, held, deploymentObject("backend"))), "spec.template.spec.containers.0.image"); img != "registry.example.com/backend:1.0.0" {
		t.Errorf("a running migration holds the rollout, got %v", img)
	}
	if held.Outputs.Applications[0].Migration != "Running" || held.Outputs.Applications[0].Image != "registry.example.com/backend:1.0.0" {
		t.Errorf("status: %+v", held.Outputs.Applications[0])
	}
	obs[newJob] = observe.Resource(newJob, jsonCopy(t, find(t, out, newJob).Object), observe.Options{Namespace: testNamespace, Region: testRegion})
	done := desired(t, testEnv("prod", obs), r2)
	if img := get(manifestOf(t, find(t, done, deploymentObject("backend"))), "spec.template.spec.containers.0.image"); img != "registry.example.com/backend:1.1.0" {
		t.Errorf("after the migration the new version rolls out, got %v", img)
	}
	if done.Outputs.Applications[0].Migration != "Succeeded" {
		t.Errorf("status: %+v", done.Outputs.Applications[0])
	}
}

func TestMigrationWaitsForDatabaseRole(t *testing.T) {
	ready := notReadyPrefix(databaseSetupPrefix)
	out, _ := walk(t, "prod", seed(t), ready, others(ready, "backend", "frontend"))
	job, _ := (&builder{env: testEnv("prod", nil), r: seed(t)}).migrationJob(&seed(t).Apps[0])
	if has(out, job) {
		t.Errorf("the migration connects as the applications' role: it waits for the database setup")
	}
	if w := out.Waiting[appsComponent]; w == "" {
		t.Errorf("the apps component says what it waits for")
	}
}

func TestJobPhase(t *testing.T) {
	cases := map[string]struct {
		reason string
		status map[string]any
		phase  string
	}{
		"Complete":   {"A complete Job succeeded.", map[string]any{"succeeded": 1.0, "conditions": []any{map[string]any{"type": "Complete", "status": "True"}}}, "Succeeded"},
		"Failed":     {"A Job past its backoff limit failed.", map[string]any{"failed": 3.0, "conditions": []any{map[string]any{"type": "Failed", "status": "True", "message": "BackoffLimitExceeded"}}}, "Failed"},
		"Active":     {"A Job with an active pod runs.", map[string]any{"active": 1.0}, "Running"},
		"NotStarted": {"A Job without pods yet is pending.", map[string]any{}, "Pending"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := compose.Observed{"apps-x": {"status": map[string]any{"atProvider": map[string]any{"manifest": map[string]any{"kind": "Job", "status": tc.status}}}}}
			b := &builder{env: testEnv("prod", obs)}
			if got, _ := b.jobPhase("apps-x"); got != tc.phase {
				t.Errorf("%s: phase %q, want %q", tc.reason, got, tc.phase)
			}
		})
	}
}
