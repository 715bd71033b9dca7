package workloads_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestResolveDefaults(t *testing.T) {
	r := it.Seed(t)
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"Namespace": {"An application without a namespace runs in one named after the environment's.", r.Apps[1].Namespace, ct.Namespace},
		"Replicas":  {"The seed's replica counts.", []int32{r.Apps[0].Replicas, r.Apps[1].Replicas}, []int32{3, 2}},
		"AutoscalingMinIsReplicas": {"Without minReplicas the autoscaler's minimum is replicas.",
			*r.Apps[0].Autoscaling, incluster.Autoscaling{Min: 3, Max: 10, CPU: 70}},
		"DefaultRequests": {"The frontend takes the default requests and memory limit.",
			[]map[string]string{r.Apps[1].Requests, r.Apps[1].Limits}, []map[string]string{{"cpu": "100m", "memory": "128Mi"}, {"memory": "256Mi"}}},
		"ReadinessDefaultTCP": {"Without a readiness probe the port is checked by TCP.",
			*r.Apps[1].Readiness, incluster.Probe{Port: 80, PeriodSeconds: 10, TimeoutSeconds: 1, FailureThreshold: 3}},
		"HealthPathFromReadiness": {"The target group checks the readiness path when the route names none... or the explicit one.",
			[]string{r.Apps[0].Route.HealthCheckPath, r.Apps[1].Route.HealthCheckPath}, []string{"/health", "/"}},
		"PDBDefault": {"More than one replica gets a budget of one unavailable pod.", *r.Apps[1].Disruption, incluster.Disruption{MaxUnavailable: "1"}},
		"MigrationDefaults": {"A migration gets a 10-minute bound and two retries.",
			[]any{r.Apps[0].Migration.TimeoutSeconds, r.Apps[0].Migration.BackoffLimit}, []any{int64(600), int32(2)}},
		"WritableTmp":     {"Every application gets a writable /tmp.", r.Apps[1].WritablePaths, []string{"/tmp"}},
		"RunAsUser":       {"Pods run as a non-root user by default.", r.Apps[0].RunAsUser, int64(10001)},
		"AddonsOn":        {"Every add-on is on by default, at its tested version.", r.Addons.LoadBalancerController, incluster.Addon{Enabled: true, Version: "1.17.1"}},
		"SmokeTestOn":     {"The smoke test is on by default.", r.Checks.SmokeTest, true},
		"LoadTestOff":     {"The load test is off by default.", r.Checks.LoadTest == nil, true},
		"DatabaseDefault": {"The database name is the database domain's.", r.DatabaseName, "consulting"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func TestResolveLoadTest(t *testing.T) {
	r := it.Resolve(t, nil, v1alpha1.AddonsSpec{LoadTest: v1alpha1.LoadTestSpec{Enabled: true}})
	want := &incluster.LoadTest{MaxResponseMs: 500, Stages: []incluster.Stage{{Minutes: 2, Target: 100}, {Minutes: 5, Target: 100}, {Minutes: 2, Target: 200}, {Minutes: 5, Target: 200}, {Minutes: 2, Target: 0}}}
	if diff := cmp.Diff(want, r.Checks.LoadTest); diff != "" {
		t.Errorf("The load test takes the seed's stages and 500 ms (-want +got):\n%s", diff)
	}
	r = it.Resolve(t, nil, v1alpha1.AddonsSpec{ExternalSecrets: v1alpha1.AddonRelease{Version: "v0.20.3"}})
	if r.Addons.ExternalSecrets.Version != "0.20.3" {
		t.Errorf("A spec version overrides the tested one (without its v): got %q", r.Addons.ExternalSecrets.Version)
	}
}

func TestResolveErrors(t *testing.T) {
	with := func(mut func(a *v1alpha1.ApplicationSpec)) []v1alpha1.ApplicationSpec {
		b := it.BackendSpec()
		mut(&b)
		return []v1alpha1.ApplicationSpec{b, it.FrontendSpec()}
	}
	cases := map[string]struct {
		reason string
		apps   []v1alpha1.ApplicationSpec
		addons v1alpha1.AddonsSpec
		domain string
		field  string
	}{
		"DuplicateName": {reason: "Names identify applications.", apps: []v1alpha1.ApplicationSpec{it.FrontendSpec(), it.FrontendSpec()}, field: "spec.applications[1].name"},
		"TwoDefaults": {reason: "The listener has one default action.",
			apps: with(func(a *v1alpha1.ApplicationSpec) { a.Route = &v1alpha1.RouteSpec{Default: true} }), field: "spec.applications[1].route.default"},
		"PathCollision": {reason: "One path pattern, one application.",
			apps: []v1alpha1.ApplicationSpec{it.BackendSpec(), func() v1alpha1.ApplicationSpec {
				f := it.FrontendSpec()
				f.Route = &v1alpha1.RouteSpec{PathPatterns: []string{"/api/*"}}
				return f
			}()}, field: "spec.applications[1].route.pathPatterns"},
		"PriorityCollision": {reason: "Listener rule priorities are unique.",
			apps: []v1alpha1.ApplicationSpec{it.BackendSpec(), func() v1alpha1.ApplicationSpec {
				f := it.FrontendSpec()
				f.Route = &v1alpha1.RouteSpec{PathPatterns: []string{"/web/*"}, Priority: ct.Ptr(int32(100))}
				return f
			}()}, field: "spec.applications[1].route.priority"},
		"RouteBoth":     {reason: "A route is default or path patterns.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Route.Default = true }), field: "spec.applications[0].route"},
		"LatestImage":   {reason: "latest names no version.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Image = "registry.example.com/backend:latest" }), field: "spec.applications[0].image"},
		"UntaggedImage": {reason: "An untagged image is latest.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Image = "registry.example.com/backend" }), field: "spec.applications[0].image"},
		"KubeSystem":    {reason: "Applications stay out of the system namespaces.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Namespace = "kube-system" }), field: "spec.applications[0].namespace"},
		"PlatformNS":    {reason: "… and out of the platform's.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Namespace = incluster.PlatformNamespace }), field: "spec.applications[0].namespace"},
		"PortRange":     {reason: "Ports are 1-65535.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Port = 70000 }), field: "spec.applications[0].port"},
		"UnknownSecret": {reason: "Only the application secret's keys.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.EnvFromSecrets["X"] = "aws-secret-key" }), field: "spec.applications[0].envFromSecrets.X"},
		"EnvTwice":      {reason: "A variable comes from env or a secret.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Env = map[string]string{"REDIS_URL": "x"} }), field: "spec.applications[0].envFromSecrets.REDIS_URL"},
		"LimitBelowReq": {reason: "Limits cover requests.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Resources.Limits.Memory = "256Mi" }), field: "spec.applications[0].resources.limits.memory"},
		"StarOnStar": {reason: "No Action * on Resource *.", apps: with(func(a *v1alpha1.ApplicationSpec) {
			a.IAM.Statements[0] = v1alpha1.IAMStatement{Actions: []string{"*"}, Resources: []string{"*"}}
		}), field: "spec.applications[0].iam.statements[0]"},
		"MinAboveMax": {reason: "The autoscaler's minimum fits its maximum.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.Autoscaling.MaxReplicas = 2 }), field: "spec.applications[0].autoscaling"},
		"RootUser":    {reason: "Containers never run as root.", apps: with(func(a *v1alpha1.ApplicationSpec) { a.RunAsUser = ct.Ptr(int64(0)) }), field: "spec.applications[0].runAsUser"},
		"RouteWithoutLBC": {reason: "Routes need the load balancer controller.", apps: with(func(*v1alpha1.ApplicationSpec) {}),
			addons: v1alpha1.AddonsSpec{LoadBalancerController: v1alpha1.AddonRelease{Enabled: ct.Ptr(false)}}, domain: it.Domain, field: "spec.addons.loadBalancerController.enabled"},
		"SecretsWithoutESO": {reason: "envFromSecrets needs External Secrets.", apps: with(func(*v1alpha1.ApplicationSpec) {}),
			addons: v1alpha1.AddonsSpec{ExternalSecrets: v1alpha1.AddonRelease{Enabled: ct.Ptr(false)}}, field: "spec.addons.externalSecrets.enabled"},
		"HPAWithoutMetrics": {reason: "An HPA needs metrics-server.", apps: with(func(*v1alpha1.ApplicationSpec) {}),
			addons: v1alpha1.AddonsSpec{MetricsServer: v1alpha1.AddonRelease{Enabled: ct.Ptr(false)}}, field: "spec.addons.metricsServer.enabled"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := environment.ResolveInCluster(tc.apps, tc.addons, ct.Namespace, tc.domain, "")
			var fe *compose.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("%s: got %v, want a field error on %s", tc.reason, err, tc.field)
			}
			if fe.Field != tc.field || fe.Fix == "" {
				t.Errorf("%s: error on %q (fix %q), want %q with a fix: %v", tc.reason, fe.Field, fe.Fix, tc.field, err)
			}
			if !strings.HasPrefix(err.Error(), tc.field) {
				t.Errorf("the message must start with the field: %v", err)
			}
		})
	}
}
