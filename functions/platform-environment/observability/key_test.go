package observability

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestKeys(t *testing.T) {
	cases := map[string]struct {
		reason     string
		trail      bool
		protect    bool
		wantSids   []string
		wantWindow int
		// wantGroups lists the log groups the key serves, beyond the application's.
		wantGroups []string
	}{
		"ProdWithTrail": {
			reason: "Prod: CloudTrail may use the key; both log groups are in the logs condition; 30-day window.",
			trail:  true, protect: true, wantWindow: 30,
			wantSids:   []string{"AccountAdministersThroughIAM", "CloudWatchAlarmsPublishToEncryptedTopic", "CloudWatchLogsEncryptEnvironmentLogGroups", "CloudTrailEncryptsLogFiles", "CloudTrailDescribesKey"},
			wantGroups: []string{"arn:aws:logs:us-east-1:" + account + ":log-group:/aws/cloudtrail/team/prod"},
		},
		"DevWithoutTrail": {
			reason:     "Without a trail CloudTrail gets nothing; a dev key can go within 7 days.",
			wantWindow: 7,
			wantSids:   []string{"AccountAdministersThroughIAM", "CloudWatchAlarmsPublishToEncryptedTopic", "CloudWatchLogsEncryptEnvironmentLogGroups"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := testEnv(nil)
			env.DeletionProtection = tc.protect
			r := prodResolved(t)
			r.CloudTrail = tc.trail
			// The cluster's name is derived (with a hash): the application group is read, not hard-coded.
			groups := []any{"arn:aws:logs:us-east-1:" + account + ":log-group:" + env.ApplicationLogGroupName()}
			for _, g := range tc.wantGroups {
				groups = append(groups, g)
			}
			res := keys(env, r, account, false)
			got := ct.ByName(res.Resources)
			k := ct.ForProvider(got[key])
			if k["enableKeyRotation"] != true || k["deletionWindowInDays"] != tc.wantWindow {
				t.Errorf("%s\nkey rotation %v, window %v; want true, %d", tc.reason, k["enableKeyRotation"], k["deletionWindowInDays"], tc.wantWindow)
			}
			p := ct.PolicyOf(t, k["policy"])
			var sids []string
			for _, s := range p.Statement {
				sids = append(sids, s.Sid)
			}
			if diff := cmp.Diff(tc.wantSids, sids); diff != "" {
				t.Errorf("%s\nstatements (-want +got):\n%s", tc.reason, diff)
			}
			root := statement(t, p, "AccountAdministersThroughIAM")
			if root.Principal["AWS"] != "arn:aws:iam::"+account+":root" {
				t.Errorf("root principal = %v", root.Principal)
			}
			cw := statement(t, p, "CloudWatchAlarmsPublishToEncryptedTopic")
			if cw.Principal["Service"] != "cloudwatch.amazonaws.com" || cw.Condition["StringEquals"]["aws:SourceAccount"] != account {
				t.Errorf("CloudWatch statement = %+v", cw)
			}
			logs := statement(t, p, "CloudWatchLogsEncryptEnvironmentLogGroups")
			if logs.Principal["Service"] != "logs.us-east-1.amazonaws.com" {
				t.Errorf("logs principal = %v", logs.Principal)
			}
			if diff := cmp.Diff(groups, logs.Condition["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]); diff != "" {
				t.Errorf("%s\nlog groups the key serves (-want +got):\n%s", tc.reason, diff)
			}
			if tc.trail {
				ct := statement(t, p, "CloudTrailEncryptsLogFiles")
				if ct.Condition["StringEquals"]["aws:SourceArn"] != "arn:aws:cloudtrail:us-east-1:"+account+":trail/"+trailName(env) {
					t.Errorf("CloudTrail statement not bound to the trail: %+v", ct.Condition)
				}
			}
			alias := got[keyAlias]
			if compose.ExternalName(alias.Object) != "alias/"+env.AWSName(compose.RuleGeneric, "observability") {
				t.Errorf("alias external name = %q", compose.ExternalName(alias.Object))
			}
			if _, tagged := ct.ForProvider(alias)["tags"]; tagged {
				t.Error("the alias carries tags; KMS aliases take none")
			}
			ct.Validate(t, res.Resources)
		})
	}
}
