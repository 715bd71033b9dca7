package edge

import (
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// TestWAFRulesJSON pins the exact JSON the WebACL gets: AWS's own Rule structure, which the provider
// passes through to the WAFv2 API.
func TestWAFRulesJSON(t *testing.T) {
	want := `[` +
		`{"Name":"RateLimitPerIP","Priority":0,"Statement":{"RateBasedStatement":{"Limit":2000,"AggregateKeyType":"IP","EvaluationWindowSec":300}},"Action":{"Block":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"RateLimitPerIP"}},` +
		`{"Name":"AWS-AWSManagedRulesAmazonIpReputationList","Priority":10,"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesAmazonIpReputationList"}},"OverrideAction":{"None":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"AWS-AWSManagedRulesAmazonIpReputationList"}},` +
		`{"Name":"AWS-AWSManagedRulesCommonRuleSet","Priority":20,"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}},"OverrideAction":{"None":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"AWS-AWSManagedRulesCommonRuleSet"}},` +
		`{"Name":"AWS-AWSManagedRulesKnownBadInputsRuleSet","Priority":30,"Statement":{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesKnownBadInputsRuleSet"}},"OverrideAction":{"None":{}},"VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"AWS-AWSManagedRulesKnownBadInputsRuleSet"}}` +
		`]`
	if got := compose.MustJSON(WAFRules(2000)); got != want {
		t.Errorf("ruleJson:\n got %s\nwant %s", got, want)
	}
}

func TestWAFRules(t *testing.T) {
	rules := WAFRules(777)
	seen := map[int]bool{}
	for _, r := range rules {
		if seen[r.Priority] {
			t.Errorf("priority %d is used twice", r.Priority)
		}
		seen[r.Priority] = true
		if (r.Action == nil) == (r.OverrideAction == nil) {
			t.Errorf("%s: a rule has either an action (own statement) or an override action (rule group)", r.Name)
		}
		if (r.Statement.ManagedRuleGroupStatement == nil) == (r.Statement.RateBasedStatement == nil) {
			t.Errorf("%s: exactly one statement", r.Name)
		}
		if !r.VisibilityConfig.CloudWatchMetricsEnabled || !r.VisibilityConfig.SampledRequestsEnabled || r.VisibilityConfig.MetricName == "" {
			t.Errorf("%s: metrics and sampled requests must be on", r.Name)
		}
	}
	if got := rules[0].Statement.RateBasedStatement.Limit; got != 777 {
		t.Errorf("rate limit = %d, want the spec's 777", got)
	}
}

func TestWAF(t *testing.T) {
	cases := map[string]struct {
		reason   string
		spec     v1alpha1.ResolvedEdge
		observed compose.Observed
		names    []string
		retired  []string
		waiting  bool
	}{
		"WaitsForLoadBalancer": {
			reason: "The association needs the load balancer's ARN.",
			spec:   v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000},
			names:  []string{webACL}, waiting: true,
		},
		"Associated": {
			reason:   "With the load balancer, the provider's principal and the alarm topic observed the web ACL is associated and its change alert targets the topic.",
			spec:     v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000},
			observed: withLoadBalancer(neighbours()),
			names:    []string{webACL, webACLAssociation, compose.WAFChangeRule, compose.WAFChangeTarget},
		},
		"AssociatedAlertWaits": {
			reason:   "The association needs only the load balancer; the change alert waits for the provider's principal.",
			spec:     v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000},
			observed: withLoadBalancer(compose.Observed{}),
			names:    []string{webACL, webACLAssociation}, waiting: true,
		},
		"Off": {
			reason:  "Turning the WAF off retires the web ACL, its association and its change alert.",
			spec:    v1alpha1.ResolvedEdge{},
			retired: []string{webACL, webACLAssociation, compose.WAFChangeRule, compose.WAFChangeTarget},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := waf(testEnv(tc.observed), tc.spec)
			validateAll(t, res)
			want := append([]string(nil), tc.names...)
			sort.Strings(want)
			if diff := cmp.Diff(want, names(res)); diff != "" {
				t.Errorf("%s\nnames: -want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.retired, res.Retired); diff != "" {
				t.Errorf("%s\nretired: -want +got:\n%s", tc.reason, diff)
			}
			if got := res.Waiting[component] != ""; got != tc.waiting {
				t.Errorf("%s\nwaiting = %v, want %v", tc.reason, got, tc.waiting)
			}
			if tc.spec.WAF {
				fp := forProvider(t, res, webACL)
				if fp["scope"] != "REGIONAL" || !cmp.Equal(fp["defaultAction"], map[string]any{"allow": map[string]any{}}) || fp["ruleJson"] != compose.MustJSON(WAFRules(2000)) {
					t.Errorf("%s\nweb ACL: scope %v, defaultAction %v, rules %v", tc.reason, fp["scope"], fp["defaultAction"], fp["ruleJson"])
				}
			}
			if slices.Contains(tc.names, webACLAssociation) {
				fp := forProvider(t, res, webACLAssociation)
				if fp["resourceArn"] != "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1" || !cmp.Equal(fp["webAclArnRef"], map[string]any{"name": "prod-edge-waf"}) {
					t.Errorf("%s\nassociation: %v", tc.reason, fp)
				}
			}
		})
	}
}

// withLoadBalancer adds an observed load balancer with its ARN to obs.
func withLoadBalancer(obs compose.Observed) compose.Observed {
	obs[compose.LoadBalancer] = map[string]any{"status": map[string]any{"atProvider": map[string]any{"arn": testLBARN}}}
	return obs
}

const testLBARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"
