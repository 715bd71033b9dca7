package observability

import (
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestConfigRules(t *testing.T) {
	env := testEnv(nil)
	res := configRules(env)
	if len(res.Resources) != len(complianceRules) {
		t.Fatalf("rendered %d rules, want %d", len(res.Resources), len(complianceRules))
	}
	seen := map[string]bool{}
	for i, r := range res.Resources {
		fp := ct.ForProvider(r)
		src := fp["source"].(map[string]any)
		if src["owner"] != "AWS" || src["sourceIdentifier"] != complianceRules[i].identifier {
			t.Errorf("%s: source = %v", r.Name, src)
		}
		scope := fp["scope"].(map[string]any)
		if scope["tagKey"] != "environment" || scope["tagValue"] != "team/prod" {
			t.Errorf("%s: scope = %v, want the environment tag", r.Name, scope)
		}
		n := compose.ExternalName(r.Object)
		if seen[n] || !strings.HasPrefix(n, "team-prod-config-") || len(n) > 128 {
			t.Errorf("%s: AWS name %q is not unique or not ours", r.Name, n)
		}
		seen[n] = true
	}
	ct.Validate(t, res.Resources)
}

// TestConfigRulesNeedRecorder: AWS refuses every Config rule while the account has no configuration
// recorder in the region; the environment's status must say so (the provider's error is only on each
// rule's Synced condition), and only for that error.
func TestConfigRulesNeedRecorder(t *testing.T) {
	rule := configRulePrefix + "rds-storage-encrypted"
	synced := func(status, msg string) compose.Observed {
		return compose.Observed{rule: map[string]any{
			"apiVersion": apiConfig, "kind": "ConfigRule",
			"metadata": map[string]any{"name": "prod-" + rule},
			"status": map[string]any{"conditions": []any{
				map[string]any{"type": "Ready", "status": "False", "reason": "Creating"},
				map[string]any{"type": "Synced", "status": status, "reason": "ReconcileError", "message": msg},
			}},
		}}
	}
	noRecorder := "create failed: async create failed: failed to create the resource: [{0 creating ConfigService Config Rule (team-prod-config-rds-storage-encrypted): operation error Config Service: PutConfigRule, https response error StatusCode: 400, RequestID: 1, NoAvailableConfigurationRecorderException: no configuration recorder is available  []}]"
	cases := map[string]struct {
		reason   string
		observed compose.Observed
		want     string // substring of the component's message; "" for no recorder message
	}{
		"NotCreatedYet":  {reason: "Nothing observed: the rules are being created, no hint yet.", observed: nil},
		"NoRecorder":     {reason: "AWS refused the rule for want of a recorder: the component names the prerequisite and the region.", observed: synced("False", noRecorder), want: "no configuration recorder in us-east-1"},
		"OtherError":     {reason: "Another error is the provider's own message, not the recorder hint.", observed: synced("False", "AccessDeniedException: not authorized")},
		"SyncedNotReady": {reason: "A rule that synced is not refused.", observed: synced("True", "")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := testEnv(tc.observed)
			res := configRules(env)
			a, err := compose.Assemble(env, res)
			if err != nil {
				t.Fatal(err)
			}
			var msg string
			for _, c := range a.Components {
				if c.Name == component {
					msg = c.Message
				}
			}
			if tc.want == "" {
				if strings.Contains(msg, "configuration recorder") {
					t.Errorf("%s\nmessage = %q, want no recorder hint", tc.reason, msg)
				}
				return
			}
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "compliance: false") {
				t.Errorf("%s\nmessage = %q, want it to say %q and the way out", tc.reason, msg, tc.want)
			}
		})
	}
}
