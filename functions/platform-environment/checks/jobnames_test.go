package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/checks"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose/immutable"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/workloads"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// jobNames are the composition resource names of the current per-rollout and per-version Jobs, by prefix.
func jobNames(t *testing.T, env *compose.Env, r incluster.Spec) map[string]string {
	t.Helper()
	out := map[string]string{}
	smoke, load, _ := testJobs(env, r)
	out[checks.SmokeTestPrefix], out[checks.LoadTestPrefix] = smoke, load
	out[checks.DatabaseSetupPrefix], _ = checks.DatabaseSetupJob(env, &r)
	out[workloads.MigrationPrefix("backend")], _ = workloads.MigrationJob(env, &r, &r.Apps[0])
	return out
}

// TestJobNamesFollowTheirTemplates: Kubernetes cannot change a Job's spec.template (nor its selector), so
// every input a Job's template is built from must name another Job (a new composition resource, the old
// one superseded) when it changes. Each case edits one input at the fully observed stage, as the next
// pass sees it: the spec edited, the cluster still as the previous spec left it (the Deployments not yet
// rolled out), and again once the Deployments are applied and rolled out. For every Job rendered in
// either (Build: what the pass renders, not what Assemble keeps) under a name the unedited spec rendered
// too, immutable.Changes between the two renders is empty; and once rolled out, exactly the Jobs the
// input reaches are renamed (a new rollout renames the tests as well: they test what runs).
func TestJobNamesFollowTheirTemplates(t *testing.T) {
	base := func() incluster.Spec {
		r := it.LoadTested(t)
		r.Apps[0].Env = map[string]string{"LOG_LEVEL": "info"}
		return r
	}
	_, observed := it.Walk(t, "prod", base(), it.All, it.Others(it.All, "backend", "frontend"))
	migrate := workloads.MigrationPrefix("backend")
	// rollout: an edit of a Deployment is a new rollout once applied, and each rollout is tested again.
	// A rollout renames the smoke test; the load test is named after its run (loadTest.runId), so no rollout
	// starts one.
	rollout := func(more ...string) []string { return append([]string{checks.SmokeTestPrefix}, more...) }
	cases := map[string]struct {
		spec     func(r *incluster.Spec)
		observed func(o compose.Observed)
		// renamed are the Jobs whose template the input reaches, once rolled out.
		renamed []string
	}{
		"port":              {spec: func(r *incluster.Spec) { r.Apps[0].Port = 9090 }, renamed: rollout()},
		"route health path": {spec: func(r *incluster.Spec) { r.Apps[0].Route.HealthCheckPath = "/ready" }, renamed: []string{checks.SmokeTestPrefix}},
		"namespace":         {spec: func(r *incluster.Spec) { r.Apps[0].Namespace = "elsewhere" }, renamed: rollout(migrate)},
		"image":             {spec: func(r *incluster.Spec) { r.Apps[0].Image = "registry.example.com/backend:1.1.0" }, renamed: rollout(migrate)},
		"env":               {spec: func(r *incluster.Spec) { r.Apps[0].Env["LOG_LEVEL"] = "debug" }, renamed: rollout(migrate)},
		"secret env": {spec: func(r *incluster.Spec) {
			delete(r.Apps[0].EnvFromSecrets, "JWT_SECRET")
			r.Apps[0].EnvFromSecrets["JWT"] = "jwt-secret"
		}, renamed: rollout(migrate)},
		"config removed":                        {spec: func(r *incluster.Spec) { r.Apps[0].Config = nil }, renamed: rollout(migrate)},
		"requests":                              {spec: func(r *incluster.Spec) { r.Apps[0].Requests = map[string]string{"cpu": "1", "memory": "512Mi"} }, renamed: rollout(migrate)},
		"limits":                                {spec: func(r *incluster.Spec) { r.Apps[0].Limits = map[string]string{"memory": "2Gi"} }, renamed: rollout(migrate)},
		"run as user":                           {spec: func(r *incluster.Spec) { r.Apps[0].RunAsUser = 2000 }, renamed: rollout(migrate)},
		"writable paths":                        {spec: func(r *incluster.Spec) { r.Apps[0].WritablePaths = []string{"/tmp", "/var/cache"} }, renamed: rollout(migrate)},
		"migration image":                       {spec: func(r *incluster.Spec) { r.Apps[0].Migration.Image = "registry.example.com/migrations:1.1.0" }, renamed: []string{migrate}},
		"migration command":                     {spec: func(r *incluster.Spec) { r.Apps[0].Migration.Command = []string{"/migrate", "up"} }, renamed: []string{migrate}},
		"external secrets":                      {spec: func(r *incluster.Spec) { r.Addons.ExternalSecrets.Enabled = false }, renamed: []string{checks.SmokeTestPrefix}},
		"load test stages":                      {spec: func(r *incluster.Spec) { r.Checks.LoadTest.Stages = []incluster.Stage{{Minutes: 1, Target: 5}} }, renamed: []string{checks.LoadTestPrefix}},
		"load test path":                        {spec: func(r *incluster.Spec) { r.Checks.LoadTest.Path = "/api/ping" }, renamed: []string{checks.LoadTestPrefix}},
		"load test run id (one more run)":       {spec: func(r *incluster.Spec) { r.Checks.LoadTest.RunID = "r2" }, renamed: []string{checks.LoadTestPrefix}},
		"probe (a new rollout)":                 {spec: func(r *incluster.Spec) { r.Apps[0].Liveness.Path = "/live" }, renamed: rollout()},
		"replicas (the HPA's: no Job reads it)": {spec: func(r *incluster.Spec) { r.Apps[0].Replicas = 5 }},
		"database address": {observed: func(o compose.Observed) {
			setAt(o[compose.Database], "status.atProvider.address", "replaced.abcdefghijkl.us-east-1.rds.amazonaws.com")
		},
			renamed: []string{checks.SmokeTestPrefix, checks.DatabaseSetupPrefix}}, // a new rollout: the smoke test again
		"database port": {observed: func(o compose.Observed) { setAt(o[compose.Database], "status.atProvider.port", 5433.0) },
			renamed: []string{checks.SmokeTestPrefix, checks.DatabaseSetupPrefix}},
		"database name": {observed: func(o compose.Observed) { setAt(o[compose.Database], "spec.forProvider.dbName", "other") },
			renamed: []string{checks.SmokeTestPrefix, checks.DatabaseSetupPrefix}},
		"cache endpoint": {observed: func(o compose.Observed) {
			setAt(o[compose.CacheReplicationGroup], "status.atProvider.primaryEndpointAddress", "master.replaced.abcdef.use1.cache.amazonaws.com")
		}, renamed: []string{checks.SmokeTestPrefix}}, // a new rollout: the smoke test again
	}
	before := jobNames(t, ct.Env("prod", observed), base())
	rendered := map[string]map[string]any{}
	for _, res := range environment.BuildInCluster(ct.Env("prod", observed), ct.Ptr(base())).Resources {
		rendered[res.Name] = ct.JSONCopy(res.Object)
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, obs := base(), compose.Observed{}
			for k, v := range observed {
				obs[k] = ct.JSONCopy(v)
			}
			if tc.spec != nil {
				tc.spec(&r)
			}
			if tc.observed != nil {
				tc.observed(obs)
			}
			// The next pass (the cluster as the previous spec left it), then the pass once the Deployments
			// are applied and rolled out as the spec asks.
			next := ct.Env("prod", obs)
			rolled := compose.Observed{}
			for k, v := range obs {
				rolled[k] = v
			}
			for i := range r.Apps {
				name := incluster.DeploymentObject(r.Apps[i].Name)
				if o, ok := obs[name]; ok {
					o = ct.JSONCopy(o)
					setAt(o, "spec.forProvider.manifest", ct.JSONCopy(workloads.DeploymentManifest(next, &r, &r.Apps[i])))
					rolled[name] = o
				}
			}
			rolledOut := ct.Env("prod", rolled)
			after := jobNames(t, rolledOut, r)
			for prefix, was := range before {
				renamed := slices.Contains(tc.renamed, prefix)
				if now := after[prefix]; renamed == (now == was) || now == "" {
					t.Errorf("%s: %s → %q, want renamed %v", prefix, was, now, renamed)
				}
			}
			compared := 0
			for _, env := range []*compose.Env{next, rolledOut} {
				for _, res := range environment.BuildInCluster(env, &r).Resources {
					old, ok := rendered[res.Name]
					if !ok || it.Get(ct.JSONCopy(res.Object), "spec.forProvider.manifest.kind") != "Job" {
						continue
					}
					compared++
					if cs := immutable.Changes(old, ct.JSONCopy(res.Object)); len(cs) != 0 {
						t.Errorf("%s changes what Kubernetes cannot change in place: %+v", res.Name, cs)
					}
				}
			}
			if compared == 0 {
				t.Error("no Job rendered under a name rendered before: the comparison proves nothing")
			}
		})
	}
}

// setAt sets a dotted path of a JSON-shaped object.
func setAt(obj map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		obj = obj[p].(map[string]any)
	}
	obj[parts[len(parts)-1]] = v
}
