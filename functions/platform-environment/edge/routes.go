package edge

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// Routes returns the routed applications of spec.applications, in spec order: each with a route gets a
// target group (and a rule when it has path patterns). The target group checks the route's health path,
// else the readiness probe's path when that probe checks the application's own port (the target group
// checks the traffic port), else /.
func Routes(apps []v1alpha1.ApplicationSpec) []Route {
	var out []Route
	for _, a := range apps {
		if a.Route == nil {
			continue
		}
		r := Route{
			App:          a.Name,
			Port:         a.Port,
			Default:      a.Route.Default,
			PathPatterns: a.Route.PathPatterns,
			HealthPath:   a.Route.HealthCheckPath,
		}
		if a.Route.Priority != nil {
			r.Priority = *a.Route.Priority
		}
		if r.HealthPath == "" && a.ReadinessProbe != nil && a.ReadinessProbe.Path != "" &&
			(a.ReadinessProbe.Port == nil || *a.ReadinessProbe.Port == a.Port) {
			r.HealthPath = a.ReadinessProbe.Path
		}
		out = append(out, r)
	}
	return out
}
