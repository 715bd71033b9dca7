package edge

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	listenerHTTP = "edge-listener-http"
	// hostRule routes every path of api.<domain> to the API application.
	hostRule = "edge-rule-host-api"
	// pathRulePrefix + app is an application's path rule.
	pathRulePrefix = "edge-rule-path-"
)

// PathRule returns the composition resource name of an application's path rule.
func PathRule(app string) string { return pathRulePrefix + app }

// loadBalancer renders the ALB, its two listeners and the routing rules.
func loadBalancer(env *compose.Env, in Input) compose.Result {
	var res compose.Result
	// AWS checks at creation that it may write the access logs, so the load balancer waits for the
	// bucket policy. Once it exists it stays rendered whatever the policy's state.
	if !env.Observed.Ready(logPolicy) && !env.Observed.Exists(compose.LoadBalancer) {
		res.Wait(component, "waiting for "+logPolicy+" to be Ready before creating the load balancer (AWS checks that it may write the access logs)")
	} else {
		res.Add(env.NewAWS(compose.LoadBalancer, elbv2, "LB").Stateful().ForProvider(map[string]any{
			"name":                     env.AWSName(compose.RuleALB, "alb"),
			"loadBalancerType":         "application",
			"internal":                 false,
			"ipAddressType":            "ipv4",
			"subnetRefs":               env.Refs(env.Subnets(compose.TierPublic)...),
			"securityGroupRefs":        env.Refs(compose.SecurityGroupALB),
			"dropInvalidHeaderFields":  true,
			"enableDeletionProtection": env.DeletionProtection,
			"accessLogs": map[string]any{
				"enabled":   true,
				"bucketRef": env.Ref(logBucket),
				"prefix":    logPrefix,
			},
		}))
	}

	// HTTP only redirects: nothing is ever served in clear text.
	res.Add(env.NewAWS(listenerHTTP, elbv2, "LBListener").ForProvider(map[string]any{
		"loadBalancerArnRef": env.Ref(compose.LoadBalancer),
		"port":               80,
		"protocol":           "HTTP",
		"defaultAction": []any{map[string]any{
			"type":     "redirect",
			"redirect": map[string]any{"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
		}},
	}))

	certARN, haveCert := env.Observed.ARN(compose.Certificate)
	validated := env.Observed.Ready(certificateValidation) || env.Observed.Exists(compose.LoadBalancerHTTPS)
	switch {
	case !haveCert:
		res.Wait(component, "waiting for the ARN of "+compose.Certificate+" for the HTTPS listener")
		return res
	case !validated:
		res.Wait(component, "waiting for ACM to issue the certificate ("+certificateValidation+" Ready) before the HTTPS listener; a created hosted zone must be delegated first (status.outputs.dns.delegation)")
		return res
	}
	res.Add(env.NewAWS(compose.LoadBalancerHTTPS, elbv2, "LBListener").ForProvider(map[string]any{
		"loadBalancerArnRef": env.Ref(compose.LoadBalancer),
		"port":               443,
		"protocol":           "HTTPS",
		"sslPolicy":          in.Spec.SSLPolicy,
		"certificateArn":     certARN,
		"defaultAction":      []any{defaultAction(env, in.Routes)},
		// Browsers that once reached the site over HTTPS keep to it for a year. Subdomains are left out:
		// the domain may have hosts this environment does not serve.
		"routingHttpResponseStrictTransportSecurityHeaderValue": "max-age=31536000",
		"routingHttpResponseXContentTypeOptionsHeaderValue":     "nosniff",
	}))
	res.Merge(rules(env, in))
	return res
}

// defaultAction forwards to the default application, or answers 404 when there is none.
func defaultAction(env *compose.Env, routes []Route) map[string]any {
	for _, r := range routes {
		if r.Default {
			return map[string]any{"type": "forward", "targetGroupArnRef": env.Ref(compose.TargetGroup(r.App))}
		}
	}
	return map[string]any{
		"type": "fixed-response",
		"fixedResponse": map[string]any{
			"contentType": "text/plain",
			"statusCode":  "404",
			"messageBody": "Not Found",
		},
	}
}

// rules renders the HTTPS listener's rules: api.<domain> to the API application (all paths), then one
// path rule per application with path patterns, at the priorities of priorities (a new rule whose
// priority another rule still holds waits). Rules of applications that lost their route are retired; rules are only ever retired while the listener is rendered, so a gate never deletes them.
func rules(env *compose.Env, in Input) compose.Result {
	var res compose.Result
	forward := func(app string) []any {
		return []any{map[string]any{"type": "forward", "targetGroupArnRef": env.Ref(compose.TargetGroup(app))}}
	}
	if in.Spec.APIApplication != "" {
		res.Add(env.NewAWS(hostRule, elbv2, "LBListenerRule").ForProvider(map[string]any{
			"listenerArnRef": env.Ref(compose.LoadBalancerHTTPS),
			"priority":       hostRulePriority,
			"action":         forward(in.Spec.APIApplication),
			"condition":      []any{map[string]any{"hostHeader": map[string]any{"values": []any{"api." + in.Domain}}}},
		}))
	} else {
		res.Retire(hostRule)
	}
	prio := priorities(env.Observed, in.Routes)
	if prio.waiting != "" {
		res.Wait(component, prio.waiting)
	}
	for _, r := range in.Routes {
		p, ok := prio.desired[r.App]
		if len(r.PathPatterns) == 0 || !ok {
			continue
		}
		res.Add(env.NewAWS(PathRule(r.App), elbv2, "LBListenerRule").ForProvider(map[string]any{
			"listenerArnRef": env.Ref(compose.LoadBalancerHTTPS),
			"priority":       p,
			"action":         forward(r.App),
			"condition":      []any{map[string]any{"pathPattern": map[string]any{"values": toAny(r.PathPatterns)}}},
		}))
	}
	res.Retire(pathRulePrefix)
	return res
}
