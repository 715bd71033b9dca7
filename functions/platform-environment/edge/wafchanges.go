package edge

import (
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const cloudwatchEvents = "cloudwatchevents.aws.m.upbound.io/v1beta1"

// wafChangeEvents are the WAFv2 calls that change what the web ACL does to traffic: its rules and default
// action (UpdateWebACL), its existence (DeleteWebACL), and which web ACL protects the load balancer
// (DisassociateWebACL, AssociateWebACL of another ACL). The ACL uses AWS managed rule groups only, no
// IP sets or rule groups of ours, so no other call changes it.
var wafChangeEvents = []string{"AssociateWebACL", "DeleteWebACL", "DisassociateWebACL", "UpdateWebACL"}

// WAFChangePattern is the EventBridge event pattern of CloudTrail's management events for those calls on
// this web ACL (by name and scope) or this load balancer (by ARN), made by anyone but provider-aws.
//
// provider is spec.cluster.providerPrincipalArn, the IAM role or user provider-aws runs as. A role's
// calls are recorded as an assumed-role session whose userIdentity.sessionContext.sessionIssuer.arn is
// the role's ARN (with its path, as the spec has it); calls without a role session (IAM users, root)
// have no sessionIssuer, and EventBridge never matches a field that is absent, so those match by
// userIdentity.type instead. A user principal is told apart by userIdentity.arn.
func WAFChangePattern(provider, webACLName, loadBalancerARN string) map[string]any {
	identity := map[string]any{"arn": []any{map[string]any{"anything-but": provider}}}
	if strings.Contains(provider, ":role/") {
		identity = map[string]any{"$or": []any{
			map[string]any{"sessionContext": map[string]any{"sessionIssuer": map[string]any{
				"arn": []any{map[string]any{"anything-but": provider}},
			}}},
			map[string]any{"type": []any{map[string]any{"anything-but": "AssumedRole"}}},
		}}
	}
	events := make([]any, len(wafChangeEvents))
	for i, e := range wafChangeEvents {
		events[i] = e
	}
	return map[string]any{
		"source":      []any{"aws.wafv2"},
		"detail-type": []any{"AWS API Call via CloudTrail"},
		"detail": map[string]any{
			"eventSource": []any{"wafv2.amazonaws.com"},
			"eventName":   events,
			"$or": []any{
				map[string]any{"requestParameters": map[string]any{"name": []any{webACLName}, "scope": []any{"REGIONAL"}}},
				map[string]any{"requestParameters": map[string]any{"resourceArn": []any{loadBalancerARN}}},
			},
			"userIdentity": identity,
		},
	}
}

// wafChanges renders the EventBridge rule that alerts on WAF changes made outside provider-aws, and its
// target, the environment's alarm topic (whose key and topic policies, in the observability domain, let
// this rule publish). The rule needs the load balancer's ARN and the provider's principal (read from the
// cluster domain's access entry for it, whose principalArn is spec.cluster.providerPrincipalArn and
// immutable); the target needs the alarm topic's ARN. Until then they wait; once they exist they stay
// rendered. It relies on CloudTrail recording management events in this region (see docs/security.md).
func wafChanges(env *compose.Env, webACLName, lbARN string) compose.Result {
	var res compose.Result
	provider, hasProvider := env.Observed.String(compose.ClusterProviderAccess, "spec.forProvider.principalArn")
	if lbARN == "" || !hasProvider {
		if !env.Observed.Exists(compose.WAFChangeRule) {
			res.Wait(component, "the WAF change alert waits for the load balancer's ARN and the provider's principal ("+compose.ClusterProviderAccess+")")
		}
		return res
	}
	res.Add(env.NewAWS(compose.WAFChangeRule, cloudwatchEvents, "Rule").ExternalName(env.WAFChangeRuleName()).ForProvider(map[string]any{
		"description":  "WAF changes to " + env.Namespace + "/" + env.Name + " made outside provider-aws (ruleJson drift is not observed)",
		"eventBusName": "default",
		"eventPattern": compose.MustJSON(WAFChangePattern(provider, webACLName, lbARN)),
		// The EventBridge API documents ENABLED as matching every event "except for AWS management events
		// delivered through CloudTrail"; this state includes them. Read-only calls it adds are never matched.
		"state": "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
	}))
	topicARN, ok := env.Observed.ARN(compose.AlarmTopic)
	if !ok {
		if !env.Observed.Exists(compose.WAFChangeTarget) {
			res.Wait(component, "the WAF change alert waits for the ARN of "+compose.AlarmTopic)
		}
		return res
	}
	res.Add(env.NewAWS(compose.WAFChangeTarget, cloudwatchEvents, "Target").Untagged().ForProvider(map[string]any{
		"eventBusName": "default",
		"ruleRef":      env.Ref(compose.WAFChangeRule),
		"targetId":     "alarm-topic",
		"arn":          topicARN,
	}))
	return res
}
