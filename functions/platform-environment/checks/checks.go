// Package checks renders the platform's own Jobs: the database setup that creates the applications'
// database role (once per endpoint, and hourly to carry a rotated password), and the smoke and load
// tests after every rollout.
package checks

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Images of the environment's own Jobs: Docker official images from the ECR Public mirror (no Docker Hub
// pull limits from the nodes' NAT addresses) and k6 from Docker Hub. Tags are exact releases; digests
// would pin them further but cannot be resolved offline (see docs/decisions.md).
const (
	// postgresImage has psql and pg_isready (and busybox wget for HTTP checks).
	postgresImage = "public.ecr.aws/docker/library/postgres:17.6-alpine"
	// redisImage has redis-cli with TLS.
	redisImage = "public.ecr.aws/docker/library/redis:7.4.5-alpine"
	// k6Image runs the load test.
	k6Image = "docker.io/grafana/k6:1.0.0"
)

// seedLoadStages are the seed's k6 stages: 2m to 100 users, 5m at 100, 2m to 200, 5m at 200, 2m to 0.
var seedLoadStages = []incluster.Stage{{Minutes: 2, Target: 100}, {Minutes: 5, Target: 100}, {Minutes: 2, Target: 200}, {Minutes: 5, Target: 200}, {Minutes: 2, Target: 0}}

// Resolve applies the checks' defaults: the smoke test is on unless switched off, the load test off
// unless switched on. The load test targets the API application's Service inside the cluster, so it
// needs no domain.
func Resolve(s v1alpha1.AddonsSpec) (incluster.Checks, error) {
	c := incluster.Checks{SmokeTest: s.SmokeTest.Enabled == nil || *s.SmokeTest.Enabled}
	if s.LoadTest.Enabled {
		lt := &incluster.LoadTest{RunID: s.LoadTest.RunID, Path: s.LoadTest.Path, MaxResponseMs: 500, Stages: seedLoadStages}
		if s.LoadTest.MaxResponseTimeMilliseconds != nil {
			lt.MaxResponseMs = *s.LoadTest.MaxResponseTimeMilliseconds
		}
		if len(s.LoadTest.Stages) > 0 {
			lt.Stages = nil
			for _, st := range s.LoadTest.Stages {
				lt.Stages = append(lt.Stages, incluster.Stage{Minutes: st.DurationMinutes, Target: st.Target})
			}
		}
		c.LoadTest = lt
	}
	return c, nil
}

// Input is what the checks need from the other in-cluster domains, joined by the environment.
type Input struct {
	// Deployments are the applications' Deployments as the spec asks for them (workloads.Output).
	Deployments []incluster.Deployment
}

// Output is what the package renders and publishes, in two parts: the environment joins the database
// setup before the applications (their migrations wait for it) and the tests after them.
type Output struct {
	DatabaseSetup compose.Result
	Tests         compose.Result
	SmokeTest     *v1alpha1.TestRunStatus
	LoadTest      *v1alpha1.TestRunStatus
}

// builder carries what every part of the package reads.
type builder struct {
	incluster.Builder
	in    Input
	names *jobNames // testNames, once computed
}

// Build renders the database setup and the tests.
func Build(env *compose.Env, spec *incluster.Spec, in Input) Output {
	b := &builder{Builder: incluster.Builder{Env: env, Spec: spec}, in: in}
	out := Output{DatabaseSetup: b.databaseSetup(), Tests: b.tests()}
	smoke, load, _ := b.testNames()
	out.SmokeTest = b.testRun(SmokeTestPrefix, "smoke-test-", smoke)
	out.LoadTest = b.testRun(LoadTestPrefix, "load-test-", load)
	return out
}

// JobNames are the composition resource names of the current rollout's smoke and load test Jobs (ok is
// false while the rollout is not settled).
func JobNames(env *compose.Env, spec *incluster.Spec, in Input) (smoke, load string, ok bool) {
	return (&builder{Builder: incluster.Builder{Env: env, Spec: spec}, in: in}).testNames()
}

// DatabaseSetupJob is the composition resource name of the current database setup Job (ok is false while
// the database's address is unknown).
func DatabaseSetupJob(env *compose.Env, spec *incluster.Spec) (string, bool) {
	return (&builder{Builder: incluster.Builder{Env: env, Spec: spec}}).databaseSetupJob()
}
