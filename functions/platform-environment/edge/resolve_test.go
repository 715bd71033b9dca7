package edge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
	"github.com/cloudpartner/platform-environment/test/validate"
)

func TestResolve(t *testing.T) {
	type want struct {
		resolved *v1alpha1.ResolvedEdge
		routes   []Route
		err      string
	}
	cases := map[string]struct {
		reason  string
		spec    v1alpha1.EdgeSpec
		domain  string
		profile string
		routes  []Route
		want    want
	}{
		"NoDomain": {
			reason: "Without a domain there is no edge.",
			spec:   v1alpha1.EdgeSpec{SSLPolicy: "x"}, profile: "prod", routes: seedRoutes(),
		},
		"Seed": {
			reason: "The seed: TLS 1.3 policy, a year of logs in prod, WAF on at 2000, backend on api.<domain> because it owns /api/*, priority 100, frontend's health on /.",
			domain: testDomain, profile: "prod", routes: seedRoutes(),
			want: want{
				resolved: &v1alpha1.ResolvedEdge{SSLPolicy: DefaultSSLPolicy, AccessLogRetentionDays: 365, APIApplication: "backend", WAF: true, WAFRateLimit: 2000},
				routes: []Route{
					{App: "backend", Port: 8061, PathPatterns: []string{"/api/*"}, HealthPath: "/health"},
					{App: "frontend", Port: 80, Default: true, HealthPath: "/"},
				},
			},
		},
		"DevOverrides": {
			reason: "dev keeps logs 30 days by default; explicit values win; WAF off has no rate limit.",
			spec: v1alpha1.EdgeSpec{
				SSLPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06", AccessLogRetentionDays: ct.Ptr(int32(7)),
				WAF: v1alpha1.WAFSpec{Enabled: ct.Ptr(false), RateLimit: ct.Ptr(int64(500))}, APIApplication: "frontend",
			},
			domain: testDomain, profile: "dev", routes: seedRoutes(),
			want: want{
				resolved: &v1alpha1.ResolvedEdge{SSLPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06", AccessLogRetentionDays: 7, APIApplication: "frontend"},
				routes: []Route{
					{App: "backend", Port: 8061, PathPatterns: []string{"/api/*"}, HealthPath: "/health"},
					{App: "frontend", Port: 80, Default: true, HealthPath: "/"},
				},
			},
		},
		"UnsetPrioritiesLeftOut": {
			reason: "Resolve keeps explicit priorities only: the others are chosen from observed state when the rules are rendered (never from spec order); no /api/* means no API host.",
			domain: testDomain, profile: "staging",
			routes: []Route{
				{App: "a", Port: 1, PathPatterns: []string{"/a/*"}},
				{App: "b", Port: 2, PathPatterns: []string{"/b/*"}, Priority: 500},
				{App: "c", Port: 3, PathPatterns: []string{"/c/*", "/cc"}},
			},
			want: want{
				resolved: &v1alpha1.ResolvedEdge{SSLPolicy: DefaultSSLPolicy, AccessLogRetentionDays: 90, WAF: true, WAFRateLimit: 2000},
				routes: []Route{
					{App: "a", Port: 1, PathPatterns: []string{"/a/*"}, HealthPath: "/"},
					{App: "b", Port: 2, PathPatterns: []string{"/b/*"}, Priority: 500, HealthPath: "/"},
					{App: "c", Port: 3, PathPatterns: []string{"/c/*", "/cc"}, HealthPath: "/"},
				},
			},
		},
		"TwoDefaults": {
			reason: "Only one application can take what no rule matches.",
			domain: testDomain, profile: "prod",
			routes: []Route{{App: "a", Default: true}, {App: "b", Default: true}},
			want:   want{err: "spec.applications: [a b] are all the default route; mark one application only as the default route"},
		},
		"DuplicatePriority": {
			reason: "AWS refuses two rules with one priority.",
			domain: testDomain, profile: "prod",
			routes: []Route{{App: "a", PathPatterns: []string{"/a"}, Priority: 200}, {App: "b", PathPatterns: []string{"/b"}, Priority: 200}},
			want:   want{err: "spec.applications[b].route.priority: priority 200 is also a's; give every routed application its own priority"},
		},
		"HostRulePriority": {
			reason: "Priority 10 belongs to the api.<domain> host rule.",
			domain: testDomain, profile: "prod",
			routes: []Route{{App: "a", PathPatterns: []string{"/a"}, Priority: 10}},
			want:   want{err: "spec.applications[a].route.priority: priority 10 is taken by the environment's own api.<domain> host rule or outside AWS's range; choose a priority from 1 to 50000 other than 10"},
		},
		"TooManyPatterns": {
			reason: "AWS takes at most five values in a path-pattern condition.",
			domain: testDomain, profile: "prod",
			routes: []Route{{App: "a", PathPatterns: []string{"/1", "/2", "/3", "/4", "/5", "/6"}}},
			want:   want{err: "spec.applications[a].route: has 6 path patterns; list at most 5 path patterns (an AWS limit per rule)"},
		},
		"RelativePattern": {
			reason: "A path pattern starts with /.",
			domain: testDomain, profile: "prod",
			routes: []Route{{App: "a", PathPatterns: []string{"api/*"}}},
			want:   want{err: `spec.applications[a].route: path pattern "api/*" is not one AWS accepts; start each path pattern with / and keep it within 128 characters, e.g. /api/*`},
		},
		"UnknownAPIApplication": {
			reason: "apiApplication must name a routed application.",
			spec:   v1alpha1.EdgeSpec{APIApplication: "worker"},
			domain: testDomain, profile: "prod", routes: seedRoutes(),
			want: want{err: `spec.edge.apiApplication: "worker" is not a routed application; name an application that has a route`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, routes, err := Resolve(tc.spec, tc.domain, tc.profile, tc.routes)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.want.err {
				t.Fatalf("%s\nerror = %q, want %q", tc.reason, gotErr, tc.want.err)
			}
			if diff := cmp.Diff(tc.want.resolved, r); diff != "" {
				t.Errorf("%s\nresolved: -want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.routes, routes); diff != "" {
				t.Errorf("%s\nroutes: -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestHostRulePriorityMatchesXRD keeps the XRD's admission rule and the function's own rules in step: the
// priority of the api.<domain> host rule is refused at admission and by Resolve, its neighbours are admitted
// by both.
func TestHostRulePriorityMatchesXRD(t *testing.T) {
	v := validate.Shared(t)
	for _, p := range []int32{hostRulePriority - 1, hostRulePriority, hostRulePriority + 1, firstPathPriority} {
		xr := map[string]any{
			"apiVersion": "platform.cloudpartner.pro/v1alpha1", "kind": "PlatformEnvironment",
			"metadata": map[string]any{"name": "prod", "namespace": "cloud-consulting"},
			"spec": map[string]any{"region": "us-east-1", "domain": testDomain, "applications": []any{map[string]any{
				"name": "a", "image": "registry.example.com/a:1", "port": 8080,
				"route": map[string]any{"pathPatterns": []any{"/a/*"}, "priority": p},
			}}},
		}
		admitted := len(v.XR(xr)) == 0
		_, _, err := Resolve(v1alpha1.EdgeSpec{}, testDomain, "prod", []Route{{App: "a", PathPatterns: []string{"/a/*"}, Priority: p}})
		if want := p != hostRulePriority; admitted != want || (err == nil) != want {
			t.Errorf("priority %d: admitted %v, the function accepts it %v (err %v); want both %v", p, admitted, err == nil, err, want)
		}
	}
}
