package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Composition resource name prefixes of the test Jobs: one Job per rollout (see rollout).
const (
	SmokeTestPrefix = "apps-smoke-test-"
	LoadTestPrefix  = "apps-load-test-"
)

// loadTestMargin is the time a load test may take beyond its stages (image pull, start, summary).
const loadTestMargin = 300

// rollout identifies what is deployed: every application's Deployment manifest and the endpoints. A new
// rollout (a new version, config or replica setting) gets new test Jobs; the previous rollout's are
// retired once their successors render. ok is false until every Deployment exists as the spec asks for
// it and is rolled out, and the endpoints are known.
func (b *builder) rollout() (string, bool) {
	parts := []string{}
	for _, d := range b.in.Deployments {
		name := incluster.DeploymentObject(d.App)
		m, ok := b.ObservedManifest(name)
		if !ok || !b.Env.Observed.Ready(name) {
			return "", false
		}
		// The Deployment the spec asks for is not applied yet (an edit this pass, or a version held
		// for its migration): the tests would check the next rollout against the current one.
		if !sameManifest(m, d.Manifest) {
			return "", false
		}
		parts = append(parts, d.App, compose.MustJSON(m))
	}
	e := b.Endpoints()
	if !e.DBOK || !e.RedisOK {
		return "", false // what the tests check is not known right now
	}
	parts = append(parts, e.DBHost, e.RedisHost)
	return incluster.Hash(parts...), true
}

// sameManifest compares an observed manifest with a rendered one as JSON, without the nulls and empty
// objects and lists a round trip through the API server may drop: a difference there is no new rollout,
// and reading it as one would hold the tests for good.
func sameManifest(observed, rendered map[string]any) bool {
	return compose.MustJSON(pruned(observed)) == compose.MustJSON(pruned(rendered))
}

// pruned is v as JSON-shaped values without nulls and empty objects and lists.
func pruned(v any) any {
	var j any
	if err := json.Unmarshal([]byte(compose.MustJSON(v)), &j); err != nil {
		return v
	}
	var walk func(v any) (any, bool)
	walk = func(v any) (any, bool) {
		switch x := v.(type) {
		case nil:
			return nil, false
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				if p, ok := walk(e); ok {
					out[k] = p
				}
			}
			return out, len(out) > 0
		case []any:
			out := []any{}
			for _, e := range x {
				if p, ok := walk(e); ok {
					out = append(out, p)
				}
			}
			return out, len(out) > 0
		}
		return v, true
	}
	p, _ := walk(j)
	return p
}

// tests renders the smoke test after every rollout and, when a run is requested (loadTest.runId), the
// load test once per run after the smoke test succeeded. When the rollout is not settled, the Jobs there
// are stay as they are.
func (b *builder) tests() compose.Result {
	var res compose.Result
	lt := b.requestedLoadTest()
	if !b.Spec.Checks.SmokeTest && lt == nil {
		return res
	}
	if b.Spec.Checks.SmokeTest && b.Spec.Addons.ExternalSecrets.Enabled {
		res.Merge(b.AppSecret(incluster.SecretSmokeTest, incluster.PlatformNamespace, []string{incluster.SecretRedisURL}))
	}
	// One Job per rollout: an older one stays until the current one is rendered; while the rollout is not
	// settled (smoke and load are empty) the Jobs there are stay.
	smoke, load, ok := b.testNames()
	if b.Spec.Checks.SmokeTest {
		res.Supersede(SmokeTestPrefix, smoke)
	}
	if lt != nil {
		res.Supersede(LoadTestPrefix, load)
	}
	if !ok {
		res.Wait(incluster.AppsComponent, "the tests wait for every application to be rolled out")
		return res
	}
	if b.Spec.Checks.SmokeTest {
		res.Merge(b.smokeTest(smoke, smoke[len(SmokeTestPrefix):]))
	}
	if lt != nil {
		after := compose.Known(true, "")
		if b.Spec.Checks.SmokeTest {
			after = compose.Known(b.Env.Observed.Ready(smoke), "the smoke test "+smoke+" to succeed")
		}
		res.Merge(b.loadTest(load, lt, after))
	}
	return res
}

// testNames are the composition resource names of the current rollout's smoke and load test Jobs.
// Computed once per builder: the rollout id serialises every observed Deployment (make bench).
func (b *builder) testNames() (smoke, load string, ok bool) {
	if b.names == nil {
		n := &jobNames{}
		n.smoke, n.load, n.ok = b.computeTestNames()
		b.names = n
	}
	return b.names.smoke, b.names.load, b.names.ok
}

// jobNames is testNames' result.
type jobNames struct {
	smoke, load string
	ok          bool
}

func (b *builder) computeTestNames() (smoke, load string, ok bool) {
	id, ok := b.rollout()
	if !ok {
		return "", "", false
	}
	// The smoke test's template follows the spec before the rollout does (an application's port or health
	// path), so its name hashes the template too: a new template is a new Job, never an in-place edit of
	// an immutable field. The load test's template holds nothing but its own name and constants.
	smoke = SmokeTestPrefix + incluster.Hash(id, compose.MustJSON(b.smokeTestTemplate(b.Endpoints())))
	// The load test is named after its run, not the rollout: a rollout never starts one.
	if lt := b.requestedLoadTest(); lt != nil {
		load = LoadTestPrefix + incluster.Hash(lt.RunID, compose.MustJSON(lt))
	}
	return smoke, load, true
}

// requestedLoadTest is the load test when it is enabled and a run is requested (loadTest.runId), else nil.
func (b *builder) requestedLoadTest() *incluster.LoadTest {
	if lt := b.Spec.Checks.LoadTest; lt != nil && lt.RunID != "" {
		return lt
	}
	return nil
}

// smokeTest renders the seed's infrastructure checks as a Job in the platform namespace: pg_isready
// against the database, a Redis PING over TLS with the AUTH token (from the namespace's app-secrets, never
// printed), and an HTTP GET of every routed application's health path through its Service. Each check
// is a container that runs after the previous one succeeded; the Job's outcome is the environment's
// status.outputs.applications.smokeTest.
func (b *builder) smokeTest(name, id string) compose.Result {
	var res compose.Result
	e := b.Endpoints()
	conds := []compose.Cond{b.InCluster(), b.NamespaceExists(incluster.PlatformNamespace), compose.Needs(e.DBOK, "the database's address"), compose.Needs(e.RedisOK, "the cache's endpoint")}
	if b.Spec.Addons.ExternalSecrets.Enabled {
		conds = append(conds, b.Env.Observed.ReadyCond(incluster.SecretSmokeTest))
	}
	if !res.Gate(b.Env.Observed, name, conds...) {
		return res
	}
	m := incluster.Manifest("batch/v1", "Job", incluster.PlatformNamespace, "smoke-test-"+id, map[string]any{"app.kubernetes.io/component": "smoke-test"})
	m["spec"] = map[string]any{
		"backoffLimit":          1,
		"activeDeadlineSeconds": 300,
		"template":              b.smokeTestTemplate(e),
	}
	res.Add(b.Object(name, m, incluster.Completed))
	return res
}

// smokeTestTemplate is the smoke-test Job's spec.template, which Kubernetes cannot change in place: the
// Job's name hashes it (see testNames), so whatever it is built from (the database's address, port and
// name, the cache check, every routed application's namespace, port and health path, the images) names
// another Job when it changes.
func (b *builder) smokeTestTemplate(e incluster.Endpoints) map[string]any {
	withCache := b.Spec.Addons.ExternalSecrets.Enabled
	small := map[string]string{"cpu": "50m", "memory": "32Mi"}
	limit := map[string]string{"memory": "64Mi"}
	steps := []any{incluster.Container(incluster.ContainerOptions{
		Name:     "database",
		Image:    postgresImage,
		Command:  []string{"pg_isready", "-h", e.DBHost, "-p", incluster.Itoa(e.DBPort), "-d", e.DBName, "-t", "10"},
		Requests: small, Limits: limit,
	})}
	if withCache {
		steps = append(steps, incluster.Container(incluster.ContainerOptions{
			Name:  "cache",
			Image: redisImage,
			Command: []string{"/bin/sh", "-c", `set -eu
reply=$(redis-cli --no-auth-warning --tls --cacert /etc/ssl/certs/ca-certificates.crt -u "$REDIS_URL" PING)
test "$reply" = PONG && echo "cache: PONG"`},
			Env: []any{map[string]any{"name": "REDIS_URL", "valueFrom": map[string]any{"secretKeyRef": map[string]any{
				"name": incluster.AppSecretName, "key": incluster.SecretRedisURL,
			}}}},
			Requests: small, Limits: limit,
		}))
	}
	var urls []string
	for _, a := range b.Spec.Apps {
		if a.Route == nil {
			continue
		}
		urls = append(urls, fmt.Sprintf("http://%s.%s.svc.cluster.local:%d%s", a.Name, a.Namespace, a.Port, a.Route.HealthCheckPath))
	}
	if len(urls) > 0 {
		steps = append(steps, incluster.Container(incluster.ContainerOptions{
			Name:     "http",
			Image:    postgresImage,
			Command:  []string{"/bin/sh", "-c", "set -eu\nfor u in \"$@\"; do wget -q -T 10 -O /dev/null \"$u\"; echo \"http: $u OK\"; done", "http"},
			Args:     urls,
			Requests: small, Limits: limit,
		}))
	}
	// The last step is the Job's container; the others run before it as init containers, in order.
	last := steps[len(steps)-1]
	return map[string]any{"spec": incluster.PodSpec(incluster.PodOptions{RestartPolicy: "Never", InitContainers: steps[:len(steps)-1], Containers: []any{last}, RunAsUser: 70})}
}

// loadTest renders the k6 load test: the seed's script (GET of the API application's path through its
// Service, checks on status 200 and response time, a second of think time per iteration) with its stages,
// as a ConfigMap and a Job bounded by the stages' length plus a margin. Thresholds on the checks make k6,
// and so the Job, fail when they do not hold.
//
// Inside the cluster on purpose: through https://api.<domain> every virtual user would leave by a NAT
// gateway and come back through the ALB and the WAF as one source IP, which the WAF's per-IP rate rule
// blocks within seconds — and with it every other pod of that zone calling the public edge. The edge is
// the smoke test's and the health check's to prove; the load test measures the application.
func (b *builder) loadTest(name string, lt *incluster.LoadTest, after compose.Cond) compose.Result {
	var res compose.Result
	target, ok := b.loadTarget()
	if !ok {
		res.Wait(incluster.AppsComponent, "the load test needs a routed application to load")
		return res
	}
	path := lt.Path
	if path == "" {
		path = target.Route.HealthCheckPath
	}
	url := fmt.Sprintf("http://%s.%s.svc.cluster.local:%d%s", target.Name, target.Namespace, target.Port, path)
	var stages []string
	total := int64(0)
	for _, s := range lt.Stages {
		stages = append(stages, fmt.Sprintf("    { duration: '%dm', target: %d },", s.Minutes, s.Target))
		total += int64(s.Minutes) * 60
	}
	script := fmt.Sprintf(`import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = {
  stages: [
%s
  ],
  thresholds: {
    checks: ['rate>0.99'],
    http_req_duration: ['p(95)<%d'],
  },
};

export default function () {
  const response = http.get('%s');
  check(response, {
    'status is 200': (r) => r.status === 200,
    'response time < %dms': (r) => r.timings.duration < %d,
  });
  // Think time: a virtual user is a user, not a request loop.
  sleep(1);
}
`, strings.Join(stages, "\n"), lt.MaxResponseMs, url, lt.MaxResponseMs, lt.MaxResponseMs)

	suffix := name[len(LoadTestPrefix):]
	scriptObject := name + "-script"
	if res.Gate(b.Env.Observed, scriptObject, b.InCluster(), b.NamespaceExists(incluster.PlatformNamespace), after) {
		cm := incluster.Manifest("v1", "ConfigMap", incluster.PlatformNamespace, "load-test-script-"+suffix, nil)
		cm["data"] = map[string]any{"script.js": script}
		res.Add(b.Object(scriptObject, cm, incluster.OnCreate).ReadyWhen(compose.ReadyWhenObserved))
	}
	if !res.Gate(b.Env.Observed, name, b.InCluster(), b.Env.Observed.ExistsCond(scriptObject), after) {
		return res
	}
	pod := incluster.PodSpec(incluster.PodOptions{
		RestartPolicy: "Never",
		Containers: []any{incluster.Container(incluster.ContainerOptions{
			Name:     "k6",
			Image:    k6Image,
			Command:  []string{"k6", "run", "--quiet", "/scripts/script.js"},
			Requests: map[string]string{"cpu": "500m", "memory": "256Mi"},
			Limits:   map[string]string{"memory": "1Gi"},
			Mounts:   []any{map[string]any{"name": "script", "mountPath": "/scripts", "readOnly": true}},
		})},
		Volumes:   []any{map[string]any{"name": "script", "configMap": map[string]any{"name": "load-test-script-" + suffix}}},
		RunAsUser: 12345, // the k6 image's user
	})
	m := incluster.Manifest("batch/v1", "Job", incluster.PlatformNamespace, "load-test-"+suffix, map[string]any{"app.kubernetes.io/component": "load-test"})
	m["spec"] = map[string]any{
		"backoffLimit":          0,
		"activeDeadlineSeconds": total + loadTestMargin,
		"template":              map[string]any{"spec": pod},
	}
	// The load test informs; it does not hold the environment's readiness while it runs for a quarter of an
	// hour, nor after it failed (its outcome is in status.outputs.applications.loadTest).
	res.Add(b.Object(name, m, incluster.Completed).ReadyWhen(compose.ReadyWhenObserved))
	return res
}

// loadTarget is the application the load test loads: the one that serves /api/* (the seed's backend),
// else the first routed one.
func (b *builder) loadTarget() (*incluster.App, bool) {
	var first *incluster.App
	for i := range b.Spec.Apps {
		a := &b.Spec.Apps[i]
		if a.Route == nil {
			continue
		}
		if slices.Contains(a.Route.PathPatterns, "/api/*") {
			return a, true
		}
		if first == nil {
			first = a
		}
	}
	return first, first != nil
}
