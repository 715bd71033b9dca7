package observability

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestTopic(t *testing.T) {
	keyARN := "arn:aws:kms:us-east-1:" + account + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	cases := map[string]struct {
		reason      string
		emails      []string
		observed    compose.Observed
		wantSubs    []string
		wantRetired []string
	}{
		"NoEmails": {reason: "No addresses: the topic alone."},
		"TwoEmails": {
			reason:   "One subscription per address, named by a hash of the address, in address order.",
			emails:   []string{"ops@example.com", "Oncall@example.com"},
			wantSubs: []string{"ops@example.com", "Oncall@example.com"},
		},
		"RemovedEmail": {
			reason: "A subscription observed for an address the spec no longer lists is retired.",
			emails: []string{"ops@example.com"},
			observed: compose.Observed{
				subscriptionName("old@example.com"): observed(subscriptionName("old@example.com"), apiSNS, "TopicSubscription", true, nil),
				subscriptionName("ops@example.com"): observed(subscriptionName("ops@example.com"), apiSNS, "TopicSubscription", true, nil),
			},
			wantSubs:    []string{"ops@example.com"},
			wantRetired: []string{subscriptionName("old@example.com")},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := testEnv(tc.observed)
			res := topic(env, account, keyARN, tc.emails, false)
			got := ct.ByName(res.Resources)
			tp := got[compose.AlarmTopic]
			if tp == nil {
				t.Fatal("no topic")
			}
			fp := ct.ForProvider(tp)
			if fp["kmsMasterKeyId"] != keyARN {
				t.Errorf("kmsMasterKeyId = %v, want the observed key ARN", fp["kmsMasterKeyId"])
			}
			if compose.ExternalName(tp.Object) != topicName(env) {
				t.Errorf("external name = %q", compose.ExternalName(tp.Object))
			}
			topicARN := "arn:aws:sns:us-east-1:" + account + ":" + topicName(env)
			p := ct.PolicyOf(t, fp["policy"])
			ct.NoWildcardAdmin(t, compose.AlarmTopic, p)
			cw := statement(t, p, "CloudWatchAlarmsPublish")
			want := compose.Statement{
				Sid: "CloudWatchAlarmsPublish", Effect: "Allow",
				Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
				Action:    []string{"sns:Publish"}, Resource: []string{topicARN},
				Condition: map[string]map[string]any{
					"StringEquals": {"aws:SourceAccount": account},
					"ArnLike":      {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:" + account + ":alarm:*"},
				},
			}
			if diff := cmp.Diff(want, cw); diff != "" {
				t.Errorf("CloudWatch publish statement (-want +got):\n%s", diff)
			}
			deny := statement(t, p, "DenyInsecureTransport")
			if deny.Effect != "Deny" || deny.Condition["Bool"]["aws:SecureTransport"] != "false" {
				t.Errorf("insecure transport statement = %+v", deny)
			}

			var subs []string
			for _, e := range tc.wantSubs {
				s := got[subscriptionName(e)]
				if s == nil {
					t.Errorf("%s\nno subscription for %s", tc.reason, e)
					continue
				}
				sfp := ct.ForProvider(s)
				if sfp["protocol"] != "email" || sfp["endpoint"] != e {
					t.Errorf("subscription of %s: protocol %v endpoint %v", e, sfp["protocol"], sfp["endpoint"])
				}
				subs = append(subs, s.Name)
			}
			if len(res.Resources) != 1+len(tc.wantSubs) {
				t.Errorf("%s\nrendered %d resources, want the topic and %d subscriptions", tc.reason, len(res.Resources), len(tc.wantSubs))
			}
			if diff := cmp.Diff(tc.wantRetired, res.Retired); diff != "" {
				t.Errorf("%s\nretired (-want +got):\n%s", tc.reason, diff)
			}
			ct.Validate(t, res.Resources)
		})
	}
}

func TestSubscriptionName(t *testing.T) {
	if subscriptionName("Ops@Example.com") != subscriptionName("ops@example.com") {
		t.Error("an address's case changes its subscription name")
	}
	if subscriptionName("a@example.com") == subscriptionName("b@example.com") {
		t.Error("two addresses share a subscription name")
	}
}
