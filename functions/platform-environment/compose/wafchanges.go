package compose

import "strings"

// The WAF change alert: provider-aws offers the web ACL's rules only as ruleJson, and its CRD says drift
// there is not observed, so a rule edited or deleted in the console is never put back. The edge domain
// renders an EventBridge rule that forwards CloudTrail's record of such a change, made by anyone but
// provider-aws, to the alarm topic; the observability domain, which owns the topic and its KMS key,
// lets that one rule publish. These names are what the two share.
const (
	// WAFChangeRule is the EventBridge rule (default bus, the web ACL's region); WAFChangeTarget its
	// target, the alarm topic.
	WAFChangeRule   = "edge-waf-changes"
	WAFChangeTarget = "edge-waf-changes-target"
)

// RuleEventBridge: EventBridge rule names: 64 characters of [A-Za-z0-9._-].
var RuleEventBridge = NameRule{Max: 64, Allowed: func(r rune) bool { return isAlnum(r) || strings.ContainsRune("._-", r) }}

// WAFChangeRuleName is the EventBridge rule's AWS name. On the default bus its ARN is
// arn:<partition>:events:<region>:<account>:rule/<name>.
func (e *Env) WAFChangeRuleName() string { return e.AWSName(RuleEventBridge, "waf-changes") }

// WAFChangeRuleARN is the rule's ARN: the aws:SourceArn EventBridge presents when it publishes.
func (e *Env) WAFChangeRuleARN(account string) string {
	return e.ARN("events", e.Region, account, "rule/"+e.WAFChangeRuleName())
}
