package edge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// readyEdge returns observed state in which every gate of the load balancer is open.
func readyEdge(t *testing.T, in Input) compose.Observed {
	t.Helper()
	obs := ct.ObserveAll(network(), Build(ct.Env("prod", compose.Observed{}), in).Result.Resources, ct.Options(allReady))
	for range 3 {
		obs = ct.ObserveAll(network(), Build(ct.Env("prod", obs), in).Result.Resources, ct.Options(allReady))
	}
	return obs
}

func TestLoadBalancer(t *testing.T) {
	in := seedInput(t)
	obs := readyEdge(t, in)
	res := loadBalancer(ct.Env("prod", obs), in)
	ct.Validate(t, res.Resources)

	lb := ct.ForProvider(ct.Find(t, res.Resources, compose.LoadBalancer))
	want := map[string]any{
		"name":             ct.Env("prod", nil).AWSName(compose.RuleALB, "alb"),
		"loadBalancerType": "application",
		"internal":         false,
		"ipAddressType":    "ipv4",
		"subnetRefs": []any{
			map[string]any{"name": "prod-network-subnet-public-a"},
			map[string]any{"name": "prod-network-subnet-public-b"},
			map[string]any{"name": "prod-network-subnet-public-c"},
		},
		"securityGroupRefs":        []any{map[string]any{"name": "prod-network-sg-alb"}},
		"dropInvalidHeaderFields":  true,
		"enableDeletionProtection": true,
		"accessLogs":               map[string]any{"enabled": true, "bucketRef": map[string]any{"name": "prod-edge-logs-bucket"}, "prefix": "alb"},
		"region":                   "us-east-1",
	}
	delete(lb, "tags")
	if diff := cmp.Diff(want, lb); diff != "" {
		t.Errorf("load balancer: -want +got:\n%s", diff)
	}
	if got := ct.Find(t, res.Resources, compose.LoadBalancer).Object["spec"].(map[string]any)["managementPolicies"]; got == nil {
		t.Errorf("a deletion-protected load balancer cannot be deleted by the provider: it must be orphaned (no Delete policy)")
	}

	http := ct.ForProvider(ct.Find(t, res.Resources, listenerHTTP))
	if diff := cmp.Diff([]any{map[string]any{
		"type":     "redirect",
		"redirect": map[string]any{"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
	}}, http["defaultAction"]); diff != "" {
		t.Errorf("HTTP listener redirects: -want +got:\n%s", diff)
	}

	https := ct.ForProvider(ct.Find(t, res.Resources, compose.LoadBalancerHTTPS))
	certARN, _ := obs.ARN(compose.Certificate)
	for k, v := range map[string]any{
		"port": 443, "protocol": "HTTPS", "sslPolicy": DefaultSSLPolicy, "certificateArn": certARN,
		"routingHttpResponseStrictTransportSecurityHeaderValue": "max-age=31536000",
	} {
		if !cmp.Equal(https[k], v) {
			t.Errorf("HTTPS listener %s = %v, want %v", k, https[k], v)
		}
	}
	if diff := cmp.Diff([]any{map[string]any{"type": "forward", "targetGroupArnRef": map[string]any{"name": "prod-edge-tg-frontend"}}}, https["defaultAction"]); diff != "" {
		t.Errorf("the default route goes to frontend: -want +got:\n%s", diff)
	}

	path := ct.ForProvider(ct.Find(t, res.Resources, PathRule("backend")))
	delete(path, "tags")
	if diff := cmp.Diff(map[string]any{
		"listenerArnRef": map[string]any{"name": "prod-edge-listener-https"},
		"priority":       int32(100),
		"action":         []any{map[string]any{"type": "forward", "targetGroupArnRef": map[string]any{"name": "prod-edge-tg-backend"}}},
		"condition":      []any{map[string]any{"pathPattern": map[string]any{"values": []any{"/api/*"}}}},
		"region":         "us-east-1",
	}, path); diff != "" {
		t.Errorf("the seed's rule: priority 100, /api/* to backend: -want +got:\n%s", diff)
	}
	host := ct.ForProvider(ct.Find(t, res.Resources, hostRule))
	if diff := cmp.Diff([]any{map[string]any{"hostHeader": map[string]any{"values": []any{"api.cloudpartner.pro"}}}}, host["condition"]); diff != "" {
		t.Errorf("api.<domain> goes to the API application: -want +got:\n%s", diff)
	}
	if host["priority"] != hostRulePriority {
		t.Errorf("host rule priority = %v, want %d (ahead of path rules)", host["priority"], hostRulePriority)
	}
}

func TestLoadBalancerRoutes(t *testing.T) {
	cases := map[string]struct {
		reason        string
		routes        []Route
		defaultAction map[string]any
		rules         []string
		retired       []string
	}{
		"NoDefault": {
			reason: "Without a default application the listener answers 404; no /api/* means no host rule, which is retired.",
			routes: []Route{{App: "docs", Port: 8080, PathPatterns: []string{"/docs/*"}, Priority: 100, HealthPath: "/"}},
			defaultAction: map[string]any{"type": "fixed-response", "fixedResponse": map[string]any{
				"contentType": "text/plain", "statusCode": "404", "messageBody": "Not Found"}},
			rules:   []string{"edge-rule-path-docs"},
			retired: []string{hostRule, pathRulePrefix},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := *seedInput(t).Spec
			spec.APIApplication = ""
			in := Input{Domain: testDomain, Spec: &spec, Routes: tc.routes}
			res := loadBalancer(ct.Env("prod", readyEdge(t, in)), in)
			ct.Validate(t, res.Resources)
			if diff := cmp.Diff([]any{tc.defaultAction}, ct.ForProvider(ct.Find(t, res.Resources, compose.LoadBalancerHTTPS))["defaultAction"]); diff != "" {
				t.Errorf("%s\ndefault action: -want +got:\n%s", tc.reason, diff)
			}
			var rules []string
			for _, n := range ct.Names(res.Resources) {
				if len(n) > len("edge-rule-") && n[:len("edge-rule-")] == "edge-rule-" {
					rules = append(rules, n)
				}
			}
			if diff := cmp.Diff(tc.rules, rules); diff != "" {
				t.Errorf("%s\nrules: -want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.retired, res.Retired); diff != "" {
				t.Errorf("%s\nretired: -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestLoadBalancerGatesNeverRetire(t *testing.T) {
	// While the HTTPS listener waits, its rules are not rendered, and must not be retired either: an
	// observed rule stays (kept as observed) instead of being deleted by a closed gate.
	res := loadBalancer(ct.Env("prod", compose.Observed{}), seedInput(t))
	if len(res.Retired) != 0 {
		t.Errorf("a gated listener retires nothing, got %v", res.Retired)
	}
}

func TestLoadBalancerWithoutProtection(t *testing.T) {
	in := seedInput(t)
	env := ct.Env("prod", readyEdge(t, in))
	env.DeletionProtection = false
	res := loadBalancer(env, in)
	if got := ct.ForProvider(ct.Find(t, res.Resources, compose.LoadBalancer))["enableDeletionProtection"]; got != false {
		t.Errorf("enableDeletionProtection = %v, want false without protection", got)
	}
	if got := ct.Find(t, res.Resources, compose.LoadBalancer).Object["spec"].(map[string]any)["managementPolicies"]; got != nil {
		t.Errorf("without protection the load balancer is deleted with the environment, got policies %v", got)
	}
}
