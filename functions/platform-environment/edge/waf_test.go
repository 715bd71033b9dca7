package edge

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
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
			observed: withWAFLogs(withLoadBalancer(neighbours())),
			names:    []string{webACL, webACLAssociation, compose.WAFChangeRule, compose.WAFChangeTarget, wafLogKey, wafLogAlias, wafLogGroup, wafLogsPolicy, wafLogging},
		},
		"LoggingWaits": {
			reason:   "The logging configuration waits for its log group and the account's log resource policy to be Ready.",
			spec:     v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000},
			observed: withLoadBalancer(neighbours()),
			names:    []string{webACL, webACLAssociation, compose.WAFChangeRule, compose.WAFChangeTarget, wafLogKey, wafLogAlias, wafLogGroup, wafLogsPolicy},
			waiting:  true,
		},
		"AssociatedAlertWaits": {
			reason:   "The association needs only the load balancer; the change alert waits for the provider's principal.",
			spec:     v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000},
			observed: withLoadBalancer(compose.Observed{}),
			names:    []string{webACL, webACLAssociation, wafLogKey, wafLogAlias, wafLogGroup, wafLogsPolicy}, waiting: true,
		},
		"Off": {
			reason:  "Turning the WAF off retires the web ACL, its association, its change alert and its logging (the log group and key hold logs and stay).",
			spec:    v1alpha1.ResolvedEdge{},
			retired: []string{webACL, webACLAssociation, compose.WAFChangeRule, compose.WAFChangeTarget, wafLogging, wafLogsPolicy},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := waf(ct.Env("prod", tc.observed), tc.spec)
			ct.Validate(t, res.Resources)
			want := append([]string(nil), tc.names...)
			sort.Strings(want)
			if diff := cmp.Diff(want, ct.Names(res.Resources)); diff != "" {
				t.Errorf("%s\nnames: -want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.retired, res.Retired); diff != "" {
				t.Errorf("%s\nretired: -want +got:\n%s", tc.reason, diff)
			}
			if got := res.Waiting[component] != ""; got != tc.waiting {
				t.Errorf("%s\nwaiting = %v, want %v", tc.reason, got, tc.waiting)
			}
			if tc.spec.WAF {
				fp := ct.ForProvider(ct.Find(t, res.Resources, webACL))
				if fp["scope"] != "REGIONAL" || !cmp.Equal(fp["defaultAction"], map[string]any{"allow": map[string]any{}}) || fp["ruleJson"] != compose.MustJSON(WAFRules(2000)) {
					t.Errorf("%s\nweb ACL: scope %v, defaultAction %v, rules %v", tc.reason, fp["scope"], fp["defaultAction"], fp["ruleJson"])
				}
			}
			if slices.Contains(tc.names, webACLAssociation) {
				fp := ct.ForProvider(ct.Find(t, res.Resources, webACLAssociation))
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

// withWAFLogs observes the web ACL's log group and the account's log resource policy Ready.
func withWAFLogs(obs compose.Observed) compose.Observed {
	ready := map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}}
	obs[wafLogGroup] = map[string]any{"status": ready}
	obs[wafLogsPolicy] = map[string]any{"status": ready}
	return obs
}

// TestWAFLogs: the web ACL logs (FSBP WAF.11) to aws-waf-logs-<environment>, encrypted with a key that
// CloudWatch Logs may use for that group only, with the authorization and cookie headers redacted; the
// account's one resource policy for aws-waf-logs-* is the same document in every environment of the
// account and region (so environments sharing it never fight over it) and is never deleted.
func TestWAFLogs(t *testing.T) {
	const account = "123456789012"
	res := waf(ct.Env("prod", withWAFLogs(withLoadBalancer(neighbours()))), v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000})
	ct.Validate(t, res.Resources)
	env := ct.Env("prod", nil)
	group := "aws-waf-logs-" + env.AWSName(compose.RuleGeneric, "waf")
	groupARN := "arn:aws:logs:us-east-1:" + account + ":log-group:" + group
	g := ct.Find(t, res.Resources, wafLogGroup).Object
	if got := g["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != group {
		t.Errorf("log group name %v, want %s (AWS WAF logs only to aws-waf-logs-*)", got, group)
	}
	gfp := ct.ForProvider(ct.Find(t, res.Resources, wafLogGroup))
	if gfp["retentionInDays"] != int32(365) || !cmp.Equal(gfp["kmsKeyIdRef"], map[string]any{"name": "prod-" + wafLogKey}) {
		t.Errorf("log group: retention %v, key %v; want 365 and the WAF logs key", gfp["retentionInDays"], gfp["kmsKeyIdRef"])
	}
	var keyPolicy compose.PolicyDocument
	mustUnmarshal(t, ct.ForProvider(ct.Find(t, res.Resources, wafLogKey))["policy"], &keyPolicy)
	if diff := cmp.Diff(compose.LogGroupsUseKey("us-east-1", groupARN), keyPolicy.Statement[1]); diff != "" {
		t.Errorf("key: CloudWatch Logs uses it for the WAF log group only (-want +got):\n%s", diff)
	}
	lfp := ct.ForProvider(ct.Find(t, res.Resources, wafLogging))
	want := map[string]any{
		"region":                "us-east-1",
		"resourceArnRef":        map[string]any{"name": "prod-" + webACL},
		"logDestinationConfigs": []any{groupARN},
		"redactedFields": []any{
			map[string]any{"singleHeader": map[string]any{"name": "authorization"}},
			map[string]any{"singleHeader": map[string]any{"name": "cookie"}},
		},
	}
	if diff := cmp.Diff(want, lfp); diff != "" {
		t.Errorf("logging configuration (-want +got):\n%s", diff)
	}

	p := ct.Find(t, res.Resources, wafLogsPolicy).Object
	if got := p["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != "platform-environment-aws-waf-logs" {
		t.Errorf("resource policy name %v", got)
	}
	if diff := cmp.Diff([]any{"Observe", "Create", "Update", "LateInitialize"}, p["spec"].(map[string]any)["managementPolicies"]); diff != "" {
		t.Errorf("the shared resource policy is never deleted (-want +got):\n%s", diff)
	}
	var doc compose.PolicyDocument
	mustUnmarshal(t, ct.ForProvider(ct.Find(t, res.Resources, wafLogsPolicy))["policyDocument"], &doc)
	wantDoc := compose.Policy(compose.Statement{
		Sid:       "AWSWAFLogsDelivery",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "delivery.logs.amazonaws.com"},
		Action:    []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource:  []string{"arn:aws:logs:us-east-1:" + account + ":log-group:aws-waf-logs-*:log-stream:*"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": account},
			"ArnLike":      {"aws:SourceArn": "arn:aws:logs:us-east-1:" + account + ":*"},
		},
	})
	if diff := cmp.Diff(wantDoc, doc); diff != "" {
		t.Errorf("resource policy (-want +got):\n%s", diff)
	}
	// Another environment of the same account and region renders the same policy under the same name.
	other := ct.Env("prod", withWAFLogs(withLoadBalancer(neighbours())))
	other.Name, other.Namespace = "staging", "other-team"
	otherRes := waf(other, v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000})
	if a, b := ct.ForProvider(ct.Find(t, res.Resources, wafLogsPolicy))["policyDocument"], ct.ForProvider(ct.Find(t, otherRes.Resources, wafLogsPolicy))["policyDocument"]; a != b {
		t.Errorf("two environments of one account render different shared policies:\n%v\n%v", a, b)
	}
}

func mustUnmarshal(t *testing.T, s any, into any) {
	t.Helper()
	str, ok := s.(string)
	if !ok {
		t.Fatalf("%T is not a JSON string", s)
	}
	if err := json.Unmarshal([]byte(str), into); err != nil {
		t.Fatal(err)
	}
}
