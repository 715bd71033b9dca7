package edge

import (
	"fmt"
	"slices"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	// DefaultSSLPolicy is AWS's recommended TLS 1.3 policy that still serves TLS 1.2 clients.
	DefaultSSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	// DefaultRateLimit is the WAF rate-based rule's limit: requests per client IP in 5 minutes.
	DefaultRateLimit = 2000

	// firstPathPriority and priorityStep are where the path rules' default priorities are taken from
	// (see priorities); the host rule of api.<domain> goes before them all. The XRD refuses an explicit
	// route.priority equal to hostRulePriority (a test keeps the two in step).
	firstPathPriority = 100
	priorityStep      = 10
	hostRulePriority  = 10
	maxPriority       = 50000

	// maxPathPatterns is AWS's limit of values in one path-pattern condition; maxPatternLength its
	// limit per value.
	maxPathPatterns  = 5
	maxPatternLength = 128

	// apiPattern marks the application api.<domain> is routed to when spec.edge.apiApplication is unset.
	apiPattern = "/api/*"
)

// accessLogRetention is the profile's default for spec.edge.accessLogRetentionDays.
var accessLogRetention = map[string]int32{"prod": 365, "staging": 90, "dev": 30}

// Resolve applies the profile's defaults to the edge's spec and checks the routes: at most one default
// application, path patterns AWS accepts, unique explicit rule priorities. It returns the routes; the
// priorities the spec leaves out are chosen when the rules are rendered. Without a domain there is no edge and nothing to resolve.
func Resolve(spec v1alpha1.EdgeSpec, domain, profile string, routes []Route) (*v1alpha1.ResolvedEdge, []Route, error) {
	if domain == "" {
		return nil, nil, nil
	}
	r := &v1alpha1.ResolvedEdge{
		SSLPolicy:              spec.SSLPolicy,
		AccessLogRetentionDays: accessLogRetention[profile],
		WAF:                    spec.WAF.Enabled == nil || *spec.WAF.Enabled,
	}
	if r.SSLPolicy == "" {
		r.SSLPolicy = DefaultSSLPolicy
	}
	if spec.AccessLogRetentionDays != nil {
		r.AccessLogRetentionDays = *spec.AccessLogRetentionDays
	}
	if r.WAF {
		r.WAFRateLimit = DefaultRateLimit
		if spec.WAF.RateLimit != nil {
			r.WAFRateLimit = *spec.WAF.RateLimit
		}
	}

	out := make([]Route, 0, len(routes))
	defaults := []string{}
	priorities := map[int32]string{}
	for _, rt := range routes {
		field := fmt.Sprintf("spec.applications[%s].route", rt.App)
		if rt.Default {
			defaults = append(defaults, rt.App)
		}
		if len(rt.PathPatterns) > maxPathPatterns {
			return nil, nil, compose.Invalid(field, fmt.Sprintf("list at most %d path patterns (an AWS limit per rule)", maxPathPatterns), "has %d path patterns", len(rt.PathPatterns))
		}
		for _, p := range rt.PathPatterns {
			if p == "" || len(p) > maxPatternLength || p[0] != '/' {
				return nil, nil, compose.Invalid(field, fmt.Sprintf("start each path pattern with / and keep it within %d characters, e.g. /api/*", maxPatternLength), "path pattern %q is not one AWS accepts", p)
			}
		}
		// Explicit priorities only: the others are chosen from observed state when the rules are rendered
		// (priorities), never from the order of spec.applications.
		if len(rt.PathPatterns) > 0 && rt.Priority != 0 {
			if rt.Priority < 1 || rt.Priority > maxPriority || rt.Priority == hostRulePriority {
				return nil, nil, compose.Invalid(field+".priority", fmt.Sprintf("choose a priority from 1 to %d other than %d", maxPriority, hostRulePriority), "priority %d is taken by the environment's own api.<domain> host rule or outside AWS's range", rt.Priority)
			}
			if other, dup := priorities[rt.Priority]; dup {
				return nil, nil, compose.Invalid(field+".priority", "give every routed application its own priority", "priority %d is also %s's", rt.Priority, other)
			}
			priorities[rt.Priority] = rt.App
		}
		if rt.HealthPath == "" {
			rt.HealthPath = "/"
		}
		out = append(out, rt)
	}
	if len(defaults) > 1 {
		return nil, nil, compose.Invalid("spec.applications", "mark one application only as the default route", "%v are all the default route", defaults)
	}

	r.APIApplication = spec.APIApplication
	if r.APIApplication != "" {
		if !slices.ContainsFunc(out, func(rt Route) bool { return rt.App == r.APIApplication }) {
			return nil, nil, compose.Invalid("spec.edge.apiApplication", "name an application that has a route", "%q is not a routed application", r.APIApplication)
		}
	} else {
		for _, rt := range out {
			if slices.Contains(rt.PathPatterns, apiPattern) {
				r.APIApplication = rt.App
				break
			}
		}
	}
	return r, out, nil
}
