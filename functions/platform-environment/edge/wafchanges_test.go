package edge

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// matches evaluates an EventBridge event pattern against an event, for the operators WAFChangePattern
// uses: a field's list of alternatives (exact strings, {"anything-but": string}), nested objects, and
// "$or" (any branch matches). As in EventBridge, a field the pattern names must exist in the event; the
// fields the pattern does not name are ignored.
func matches(t *testing.T, pattern, event map[string]any) bool {
	t.Helper()
	for key, want := range pattern {
		if key == "$or" {
			ok := false
			for _, branch := range want.([]any) {
				ok = ok || matches(t, branch.(map[string]any), event)
			}
			if !ok {
				return false
			}
			continue
		}
		got, present := event[key]
		if !present {
			return false
		}
		switch w := want.(type) {
		case map[string]any:
			sub, isObject := got.(map[string]any)
			if !isObject || !matches(t, w, sub) {
				return false
			}
		case []any:
			s, isString := got.(string)
			if !isString {
				return false
			}
			ok := false
			for _, alt := range w {
				switch a := alt.(type) {
				case string:
					ok = ok || a == s
				case map[string]any:
					but, known := a["anything-but"].(string)
					if !known || len(a) != 1 {
						t.Fatalf("operator %v is not one the matcher knows", a)
					}
					ok = ok || but != s
				default:
					t.Fatalf("alternative %v (%T) is not one the matcher knows", alt, alt)
				}
			}
			if !ok {
				return false
			}
		default:
			t.Fatalf("pattern value %v (%T) of %q must be a list or an object", want, want, key)
		}
	}
	return true
}

// cloudTrailEvent is an EventBridge "AWS API Call via CloudTrail" event of WAFv2, in the shape AWS
// delivers (the fields the pattern reads and a few it does not).
func cloudTrailEvent(eventName string, identity, params map[string]any) map[string]any {
	return map[string]any{
		"version": "0", "source": "aws.wafv2", "account": "123456789012", "region": "us-east-1",
		"detail-type": "AWS API Call via CloudTrail",
		"detail": map[string]any{
			"eventVersion": "1.09", "eventSource": "wafv2.amazonaws.com", "eventName": eventName,
			"awsRegion": "us-east-1", "userIdentity": identity, "requestParameters": params,
		},
	}
}

// assumedRole is the userIdentity of a call made through a session of role (its ARN).
func assumedRole(role, sessionARN string) map[string]any {
	return map[string]any{
		"type": "AssumedRole", "arn": sessionARN, "accountId": "123456789012",
		"sessionContext": map[string]any{"sessionIssuer": map[string]any{
			"type": "Role", "arn": role, "accountId": "123456789012", "userName": "x",
		}},
	}
}

func TestWAFChangePattern(t *testing.T) {
	const acl = "cloud-consulting-prod-waf-1a2b3c4d"
	consoleAdmin := assumedRole("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123",
		"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com")
	provider := assumedRole(testProvider, "arn:aws:sts::123456789012:assumed-role/crossplane-provider-aws/1764635000000000000")
	iamUser := map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/bob", "accountId": "123456789012"}
	root := map[string]any{"type": "Root", "arn": "arn:aws:iam::123456789012:root", "accountId": "123456789012"}
	update := map[string]any{"name": acl, "scope": "REGIONAL", "id": "abc", "lockToken": "t"}

	cases := map[string]struct {
		reason   string
		provider string
		event    map[string]any
		want     bool
	}{
		"ConsoleUpdate": {
			reason: "A rule deleted in the console (UpdateWebACL by an SSO admin's session) alerts.",
			event:  cloudTrailEvent("UpdateWebACL", consoleAdmin, update), want: true,
		},
		"ProviderUpdate": {
			reason: "provider-aws's own update (a session of its role) does not.",
			event:  cloudTrailEvent("UpdateWebACL", provider, update), want: false,
		},
		"ConsoleDelete": {
			reason: "Deleting the web ACL alerts.",
			event:  cloudTrailEvent("DeleteWebACL", consoleAdmin, update), want: true,
		},
		"ProviderDelete": {
			reason: "provider-aws deleting it (the WAF turned off) does not.",
			event:  cloudTrailEvent("DeleteWebACL", provider, update), want: false,
		},
		"IAMUserUpdate": {
			reason: "An IAM user's call has no sessionIssuer; it must alert all the same.",
			event:  cloudTrailEvent("UpdateWebACL", iamUser, update), want: true,
		},
		"RootUpdate": {
			reason: "So must the root user's.",
			event:  cloudTrailEvent("UpdateWebACL", root, update), want: true,
		},
		"ConsoleDisassociate": {
			reason: "Taking the web ACL off the load balancer alerts (the call names the load balancer only).",
			event:  cloudTrailEvent("DisassociateWebACL", consoleAdmin, map[string]any{"resourceArn": testLBARN}), want: true,
		},
		"ConsoleAssociateOther": {
			reason: "Putting another web ACL on the load balancer alerts.",
			event: cloudTrailEvent("AssociateWebACL", consoleAdmin, map[string]any{
				"resourceArn": testLBARN, "webACLArn": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/other/1",
			}), want: true,
		},
		"ProviderAssociate": {
			reason: "provider-aws's association does not.",
			event:  cloudTrailEvent("AssociateWebACL", provider, map[string]any{"resourceArn": testLBARN}), want: false,
		},
		"OtherWebACL": {
			reason: "Another web ACL of the account is not ours.",
			event:  cloudTrailEvent("UpdateWebACL", consoleAdmin, map[string]any{"name": "other", "scope": "REGIONAL"}), want: false,
		},
		"CloudFrontNamesake": {
			reason: "A CloudFront web ACL of the same name (scope CLOUDFRONT, us-east-1) is not ours.",
			event:  cloudTrailEvent("UpdateWebACL", consoleAdmin, map[string]any{"name": acl, "scope": "CLOUDFRONT"}), want: false,
		},
		"OtherLoadBalancer": {
			reason: "Disassociating a web ACL from another load balancer is not ours.",
			event:  cloudTrailEvent("DisassociateWebACL", consoleAdmin, map[string]any{"resourceArn": testLBARN + "0"}), want: false,
		},
		"ReadOnly": {
			reason: "Reading the web ACL changes nothing.",
			event:  cloudTrailEvent("GetWebACL", consoleAdmin, update), want: false,
		},
		"UserProvider": {
			reason:   "With an IAM user as the provider's principal, its own calls are told apart by userIdentity.arn.",
			provider: "arn:aws:iam::123456789012:user/bob",
			event:    cloudTrailEvent("UpdateWebACL", iamUser, update), want: false,
		},
		"UserProviderConsole": {
			reason:   "and anyone else's still alert.",
			provider: "arn:aws:iam::123456789012:user/bob",
			event:    cloudTrailEvent("UpdateWebACL", consoleAdmin, update), want: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := tc.provider
			if p == "" {
				p = testProvider
			}
			// Through JSON, as the rule's eventPattern carries it.
			var pattern, event map[string]any
			if err := json.Unmarshal([]byte(compose.MustJSON(WAFChangePattern(p, acl, testLBARN))), &pattern); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(compose.MustJSON(tc.event)), &event); err != nil {
				t.Fatal(err)
			}
			if got := matches(t, pattern, event); got != tc.want {
				t.Errorf("%s\nmatches = %v, want %v\npattern %s", tc.reason, got, tc.want, compose.MustJSON(pattern))
			}
		})
	}
}

func TestWAFChanges(t *testing.T) {
	const acl = "cloud-consulting-prod-waf"
	cases := map[string]struct {
		reason   string
		observed compose.Observed
		lbARN    string
		names    []string
		waiting  bool
	}{
		"WaitsForLoadBalancer": {
			reason: "The pattern names the load balancer.", observed: neighbours(), waiting: true,
		},
		"WaitsForProvider": {
			reason:   "The pattern names the provider's principal, read from the cluster's access entry.",
			observed: network(), lbARN: testLBARN, waiting: true,
		},
		"WaitsForTopic": {
			reason:   "The rule exists without the topic; its target waits for the topic's ARN.",
			observed: func() compose.Observed { o := neighbours(); delete(o, compose.AlarmTopic); return o }(),
			lbARN:    testLBARN, names: []string{compose.WAFChangeRule}, waiting: true,
		},
		"Complete": {
			reason: "The rule and its target.", observed: neighbours(), lbARN: testLBARN,
			names: []string{compose.WAFChangeRule, compose.WAFChangeTarget},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := ct.Env("prod", tc.observed)
			res := wafChanges(env, acl, tc.lbARN)
			ct.Validate(t, res.Resources)
			if diff := cmp.Diff(tc.names, ct.Names(res.Resources)); diff != "" {
				t.Errorf("%s\nnames: -want +got:\n%s", tc.reason, diff)
			}
			if got := res.Waiting[component] != ""; got != tc.waiting {
				t.Errorf("%s\nwaiting = %v (%q), want %v", tc.reason, got, res.Waiting[component], tc.waiting)
			}
			if len(tc.names) == 0 {
				return
			}
			rule := ct.Find(t, res.Resources, compose.WAFChangeRule).Object
			if got := compose.ExternalName(rule); got != env.WAFChangeRuleName() {
				t.Errorf("rule external name = %q, want %q", got, env.WAFChangeRuleName())
			}
			if got, want := ct.ForProvider(ct.Find(t, res.Resources, compose.WAFChangeRule))["eventPattern"], compose.MustJSON(WAFChangePattern(testProvider, acl, testLBARN)); got != want {
				t.Errorf("eventPattern = %v, want %v", got, want)
			}
			if len(tc.names) == 2 {
				fp := ct.ForProvider(ct.Find(t, res.Resources, compose.WAFChangeTarget))
				topic, _ := tc.observed.ARN(compose.AlarmTopic)
				if fp["arn"] != topic || !cmp.Equal(fp["ruleRef"], map[string]any{"name": "prod-" + compose.WAFChangeRule}) || fp["eventBusName"] != "default" {
					t.Errorf("target: %v (topic %s)", fp, topic)
				}
			}
		})
	}
}
