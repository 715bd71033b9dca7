package observability

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestWAFChangeAlertPolicies: the edge's WAF change rule publishes to the encrypted alarm topic, so the
// topic policy and the key policy admit events.amazonaws.com — for that one rule of this account only
// (no wildcard in aws:SourceArn), and not at all while there is no such rule.
func TestWAFChangeAlertPolicies(t *testing.T) {
	keyARN := "arn:aws:kms:us-east-1:" + account + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	cases := map[string]struct {
		reason   string
		rendered map[string]string
		observed compose.Observed
		want     bool
	}{
		"NoWAF": {reason: "Without the rule EventBridge gets nothing."},
		"Rendered": {
			reason:   "The edge renders the rule in this pass.",
			rendered: map[string]string{compose.WAFChangeRule: "Rule"}, want: true,
		},
		"StillObserved": {
			reason:   "The rule is being deleted (the WAF turned off) but still exists: it keeps its permission until it is gone.",
			observed: compose.Observed{compose.WAFChangeRule: observed(compose.WAFChangeRule, "cloudwatchevents.aws.m.upbound.io/v1beta1", "Rule", true, nil)},
			want:     true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := testEnv(tc.observed)
			ruleARN := "arn:aws:events:us-east-1:" + account + ":rule/" + env.WAFChangeRuleName()
			if got := env.WAFChangeRuleARN(account); got != ruleARN {
				t.Fatalf("rule ARN = %q, want %q", got, ruleARN)
			}
			wafAlert := hasWAFChangeRule(env, tc.rendered)
			if wafAlert != tc.want {
				t.Fatalf("%s\nwafAlert = %v, want %v", tc.reason, wafAlert, tc.want)
			}
			topicARN := "arn:aws:sns:us-east-1:" + account + ":" + topicName(env)
			tp := ct.ForProvider(ct.ByName(topic(env, account, keyARN, nil, wafAlert).Resources)[compose.AlarmTopic])
			kp := ct.ForProvider(ct.ByName(keys(env, prodResolved(t), account, wafAlert).Resources)[key])
			bound := map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": account},
				"ArnLike":      {"aws:SourceArn": ruleARN},
			}
			for doc, c := range map[string]struct {
				policy any
				want   compose.Statement
			}{
				"topic": {tp["policy"], compose.Statement{
					Sid: "EventBridgeWAFChangesPublish", Effect: "Allow",
					Principal: map[string]any{"Service": "events.amazonaws.com"},
					Action:    []string{"sns:Publish"}, Resource: []string{topicARN}, Condition: bound,
				}},
				"key": {kp["policy"], compose.Statement{
					Sid: "EventBridgeWAFChangesPublishToEncryptedTopic", Effect: "Allow",
					Principal: map[string]any{"Service": "events.amazonaws.com"},
					Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"}, Condition: bound,
				}},
			} {
				p := ct.PolicyOf(t, c.policy)
				ct.NoWildcardAdmin(t, doc, p)
				var events []compose.Statement
				for _, s := range p.Statement {
					if s.Principal["Service"] == "events.amazonaws.com" {
						events = append(events, s)
					}
				}
				if !tc.want {
					if len(events) != 0 {
						t.Errorf("%s\n%s policy admits EventBridge: %+v", tc.reason, doc, events)
					}
					continue
				}
				if diff := cmp.Diff([]compose.Statement{c.want}, events); diff != "" {
					t.Errorf("%s\n%s policy's EventBridge statements (-want +got):\n%s", tc.reason, doc, diff)
				}
				if strings.Contains(ruleARN, "*") {
					t.Errorf("the rule ARN %q must name one rule", ruleARN)
				}
			}
		})
	}
}
