package edge

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	webACL            = "edge-waf"
	webACLAssociation = "edge-waf-association"
)

// The WAFv2 rule types below are the subset of the AWS API's Rule structure (in its own field names) the
// web ACL uses. The namespaced WebACL takes its rules as that JSON (forProvider.ruleJson), so they are
// built from types and never from strings.

// WAFRule is a WAFv2 rule.
type WAFRule struct {
	Name      string       `json:"Name"`
	Priority  int          `json:"Priority"`
	Statement WAFStatement `json:"Statement"`
	// Action is for rules with their own statement; OverrideAction for rule groups. Exactly one is set.
	Action           *WAFAction          `json:"Action,omitempty"`
	OverrideAction   *WAFOverrideAction  `json:"OverrideAction,omitempty"`
	VisibilityConfig WAFVisibilityConfig `json:"VisibilityConfig"`
}

// WAFStatement holds exactly one statement.
type WAFStatement struct {
	ManagedRuleGroupStatement *WAFManagedRuleGroup `json:"ManagedRuleGroupStatement,omitempty"`
	RateBasedStatement        *WAFRateBased        `json:"RateBasedStatement,omitempty"`
}

// WAFManagedRuleGroup refers to a managed rule group by vendor and name.
type WAFManagedRuleGroup struct {
	VendorName string `json:"VendorName"`
	Name       string `json:"Name"`
}

// WAFRateBased blocks a client IP above Limit requests in EvaluationWindowSec.
type WAFRateBased struct {
	Limit               int64  `json:"Limit"`
	AggregateKeyType    string `json:"AggregateKeyType"`
	EvaluationWindowSec int    `json:"EvaluationWindowSec"`
}

// WAFAction is a rule's action; only Block is used.
type WAFAction struct {
	Block *struct{} `json:"Block,omitempty"`
}

// WAFOverrideAction of a rule group: None keeps the group's own actions.
type WAFOverrideAction struct {
	None *struct{} `json:"None,omitempty"`
}

// WAFVisibilityConfig turns on CloudWatch metrics and sampled requests.
type WAFVisibilityConfig struct {
	SampledRequestsEnabled   bool   `json:"SampledRequestsEnabled"`
	CloudWatchMetricsEnabled bool   `json:"CloudWatchMetricsEnabled"`
	MetricName               string `json:"MetricName"`
}

// managedRuleGroups are the AWS managed rule groups of the web ACL, in evaluation order after the rate
// limit: IP reputation first (cheapest, drops known bad sources), then the core rule set (OWASP top 10
// classes), then known bad inputs (e.g. Log4j, Java deserialization).
var managedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
}

// WAFRules returns the web ACL's rules: a per-IP rate limit over 5 minutes, then the managed rule groups.
// Every rule publishes metrics named after it.
func WAFRules(rateLimit int64) []WAFRule {
	visible := func(name string) WAFVisibilityConfig {
		return WAFVisibilityConfig{SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: name}
	}
	rules := []WAFRule{{
		Name:     "RateLimitPerIP",
		Priority: 0,
		Statement: WAFStatement{RateBasedStatement: &WAFRateBased{
			Limit: rateLimit, AggregateKeyType: "IP", EvaluationWindowSec: 300,
		}},
		Action:           &WAFAction{Block: &struct{}{}},
		VisibilityConfig: visible("RateLimitPerIP"),
	}}
	for i, g := range managedRuleGroups {
		rules = append(rules, WAFRule{
			Name:             "AWS-" + g,
			Priority:         10 * (i + 1),
			Statement:        WAFStatement{ManagedRuleGroupStatement: &WAFManagedRuleGroup{VendorName: "AWS", Name: g}},
			OverrideAction:   &WAFOverrideAction{None: &struct{}{}},
			VisibilityConfig: visible("AWS-" + g),
		})
	}
	return rules
}

// waf renders the regional web ACL and, once the load balancer's ARN is observed, its association with
// the load balancer (the association's resourceArnRef refers to API Gateway stages, not load balancers,
// so the ARN is read from observed state), and the alert on changes made outside provider-aws
// (wafChanges). Turning the WAF off retires them all.
func waf(env *compose.Env, r v1alpha1.ResolvedEdge) compose.Result {
	var res compose.Result
	if !r.WAF {
		// The log group, its key and alias hold logs and stay (kept as observed); the shared resource policy's
		// MR goes, the policy stays in AWS (no Delete).
		res.Retire(webACL, webACLAssociation, compose.WAFChangeRule, compose.WAFChangeTarget, wafLogging, wafLogsPolicy)
		return res
	}
	name := env.AWSName(compose.RuleGeneric, "waf")
	res.Add(env.NewAWS(webACL, wafv2, "WebACL").ForProvider(map[string]any{
		"name":          name,
		"description":   "Managed rule groups and a per-IP rate limit in front of the load balancer of " + env.Namespace + "/" + env.Name,
		"scope":         "REGIONAL",
		"defaultAction": map[string]any{"allow": map[string]any{}},
		"ruleJson":      compose.MustJSON(WAFRules(r.WAFRateLimit)),
		"visibilityConfig": map[string]any{
			"cloudwatchMetricsEnabled": true,
			"sampledRequestsEnabled":   true,
			"metricName":               name,
		},
	}))

	lbARN, ok := env.Observed.ARN(compose.LoadBalancer)
	switch {
	case ok:
		res.Add(env.NewAWS(webACLAssociation, wafv2, "WebACLAssociation").Untagged().ForProvider(map[string]any{
			"resourceArn":  lbARN,
			"webAclArnRef": env.Ref(webACL),
		}))
	case !env.Observed.Exists(webACLAssociation):
		res.Wait(component, "waiting for the ARN of "+compose.LoadBalancer+" to associate the web ACL")
	}
	// After the association: its wait, when there is one, is what the component says first.
	res.Merge(wafChanges(env, name, lbARN))
	res.Merge(wafLogs(env))
	return res
}
