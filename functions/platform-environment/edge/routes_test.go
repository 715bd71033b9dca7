package edge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestRoutes(t *testing.T) {
	cases := map[string]struct {
		reason string
		apps   []v1alpha1.ApplicationSpec
		want   []Route
	}{
		"Seed": {
			reason: "The seed: backend on /api/* with its readiness path /health, frontend by default; a worker without a route has no target group.",
			apps: []v1alpha1.ApplicationSpec{
				{Name: "backend", Port: 8061, Route: &v1alpha1.RouteSpec{PathPatterns: []string{"/api/*"}}, ReadinessProbe: &v1alpha1.ProbeSpec{Path: "/health"}},
				{Name: "frontend", Port: 80, Route: &v1alpha1.RouteSpec{Default: true}},
				{Name: "worker", Port: 9000},
			},
			want: []Route{
				{App: "backend", Port: 8061, PathPatterns: []string{"/api/*"}, HealthPath: "/health"},
				{App: "frontend", Port: 80, Default: true},
			},
		},
		"ExplicitHealthAndPriority": {
			reason: "The route's own health path and priority win; a readiness probe on another port is not the target group's.",
			apps: []v1alpha1.ApplicationSpec{
				{Name: "a", Port: 8080, Route: &v1alpha1.RouteSpec{PathPatterns: []string{"/a/*"}, Priority: ct.Ptr(int32(300)), HealthCheckPath: "/ready"}, ReadinessProbe: &v1alpha1.ProbeSpec{Path: "/health"}},
				{Name: "b", Port: 8080, Route: &v1alpha1.RouteSpec{PathPatterns: []string{"/b/*"}}, ReadinessProbe: &v1alpha1.ProbeSpec{Path: "/health", Port: ct.Ptr(int32(9090))}},
			},
			want: []Route{
				{App: "a", Port: 8080, PathPatterns: []string{"/a/*"}, Priority: 300, HealthPath: "/ready"},
				{App: "b", Port: 8080, PathPatterns: []string{"/b/*"}},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Routes(tc.apps)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
