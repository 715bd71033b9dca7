package workloads_test

import (
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

func TestFirstVersionWaitsForMigration(t *testing.T) {
	ready := it.NotReadyPrefix(workloads.MigrationPrefix("backend"))
	out, _ := it.Walk(t, "prod", it.Seed(t), ready, it.Others(ready, "backend", "frontend"))
	job, _ := workloads.MigrationJob(ct.Env("prod", nil), ct.Ptr(it.Seed(t)), &it.Seed(t).Apps[0])
	if !ct.Has(out.Resources, job) {
		t.Fatalf("the migration Job is not rendered")
	}
	if ct.Has(out.Resources, incluster.DeploymentObject("backend")) {
		t.Errorf("the backend's first version is deployed before its migration succeeded")
	}
	if !ct.Has(out.Resources, incluster.DeploymentObject("frontend")) {
		t.Errorf("the frontend has no migration and need not wait")
	}
	st := out.Outputs.Applications[0]
	if st.Migration != "Running" {
		t.Errorf("status shows the running migration, got %q", st.Migration)
	}

	m := it.ManifestOf(t, ct.Find(t, out.Resources, job))
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
		"InNS":    {"", "metadata.namespace", ct.Namespace},
		"JobName": {"The Job's name carries the version.", "metadata.name", "backend-migrate-" + job[len(workloads.MigrationPrefix("backend")):]},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, it.Get(m, tc.path)); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.reason, tc.path, diff)
			}
		})
	}
	if got := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, job).Object), "spec.readiness.celQuery"); got != "has(object.status.succeeded) && object.status.succeeded > 0" {
		t.Errorf("a migration is Ready when it succeeded: %v", got)
	}
}

func TestNewVersionHeldUntilMigrated(t *testing.T) {
	_, v1 := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	oldJob, _ := workloads.MigrationJob(ct.Env("prod", nil), ct.Ptr(it.Seed(t)), &it.Seed(t).Apps[0])

	b2 := it.BackendSpec()
	b2.Image = "registry.example.com/backend:1.1.0"
	r2 := it.Resolve(t, []v1alpha1.ApplicationSpec{b2, it.FrontendSpec()}, v1alpha1.AddonsSpec{})
	newJob, _ := workloads.MigrationJob(ct.Env("prod", nil), ct.Ptr(r2), &r2.Apps[0])
	if newJob == oldJob {
		t.Fatal("a new version must get a new migration Job")
	}

	// The new version's migration is created and still running: the Deployment stays at 1.0.0.
	out := it.Desired(t, ct.Env("prod", v1), r2)
	if !ct.Has(out.Resources, newJob) {
		t.Fatalf("the new version's migration is not rendered")
	}
	image := it.Get(it.ManifestOf(t, ct.Find(t, out.Resources, incluster.DeploymentObject("backend"))), "spec.template.spec.containers.0.image")
	if image != "registry.example.com/backend:1.0.0" {
		t.Errorf("the Deployment rolls out %v before its migration ran", image)
	}
	// The superseded version's Job is retired (the documented exception to keep-observed).
	if ct.Has(out.Resources, oldJob) {
		t.Errorf("the superseded migration Job %s is still rendered", oldJob)
	}

	// The migration runs, then succeeds: the new version rolls out.
	obs := compose.Observed{}
	for k, v := range v1 {
		obs[k] = v
	}
	obs[newJob] = observe.Resource(newJob, ct.JSONCopy(ct.Find(t, out.Resources, newJob).Object), observe.Options{Namespace: ct.Namespace, Region: ct.Region, Ready: func(string) bool { return false }})
	held := it.Desired(t, ct.Env("prod", obs), r2)
	if img := it.Get(it.ManifestOf(t, ct.Find(t, held.Resources, incluster.DeploymentObject("backend"))), "spec.template.spec.containers.0.image"); img != "registry.example.com/backend:1.0.0" {
		t.Errorf("a running migration holds the rollout, got %v", img)
	}
	if held.Outputs.Applications[0].Migration != "Running" || held.Outputs.Applications[0].Image != "registry.example.com/backend:1.0.0" {
		t.Errorf("status: %+v", held.Outputs.Applications[0])
	}
	obs[newJob] = observe.Resource(newJob, ct.JSONCopy(ct.Find(t, out.Resources, newJob).Object), observe.Options{Namespace: ct.Namespace, Region: ct.Region})
	done := it.Desired(t, ct.Env("prod", obs), r2)
	if img := it.Get(it.ManifestOf(t, ct.Find(t, done.Resources, incluster.DeploymentObject("backend"))), "spec.template.spec.containers.0.image"); img != "registry.example.com/backend:1.1.0" {
		t.Errorf("after the migration the new version rolls out, got %v", img)
	}
	if done.Outputs.Applications[0].Migration != "Succeeded" {
		t.Errorf("status: %+v", done.Outputs.Applications[0])
	}
}

func TestMigrationWaitsForDatabaseRole(t *testing.T) {
	ready := it.NotReadyPrefix(checks.DatabaseSetupPrefix)
	out, _ := it.Walk(t, "prod", it.Seed(t), ready, it.Others(ready, "backend", "frontend"))
	job, _ := workloads.MigrationJob(ct.Env("prod", nil), ct.Ptr(it.Seed(t)), &it.Seed(t).Apps[0])
	if ct.Has(out.Resources, job) {
		t.Errorf("the migration connects as the applications' role: it waits for the database setup")
	}
	if w := out.Waiting[incluster.AppsComponent]; w == "" {
		t.Errorf("the apps component says what it waits for")
	}
}
