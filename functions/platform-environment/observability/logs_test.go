package observability

import (
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestLogGroup(t *testing.T) {
	cases := map[string]struct {
		reason     string
		protect    bool
		retention  int32
		wantPolicy []any
	}{
		"Protected": {
			reason: "With deletion protection the group is never deleted by Crossplane.", protect: true, retention: 365,
			wantPolicy: []any{"Observe", "Create", "Update", "LateInitialize"},
		},
		"Unprotected": {reason: "Without protection the group goes with the environment.", retention: 30},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := testEnv(nil)
			env.DeletionProtection = tc.protect
			r := prodResolved(t)
			r.LogRetentionDays = tc.retention
			res := logGroup(env, r)
			g := ct.ByName(res.Resources)[compose.ApplicationLogGroup]
			if compose.ExternalName(g.Object) != env.ApplicationLogGroupName() {
				t.Errorf("external name = %q, want %q", compose.ExternalName(g.Object), env.ApplicationLogGroupName())
			}
			fp := ct.ForProvider(g)
			if fp["retentionInDays"] != tc.retention {
				t.Errorf("retention = %v, want %d", fp["retentionInDays"], tc.retention)
			}
			if ref, _ := fp["kmsKeyIdRef"].(map[string]any); ref["name"] != env.ResourceName(key) {
				t.Errorf("kmsKeyIdRef = %v, want the environment's key", fp["kmsKeyIdRef"])
			}
			mp, _ := g.Object["spec"].(map[string]any)["managementPolicies"].([]any)
			if len(mp) != len(tc.wantPolicy) {
				t.Errorf("%s\nmanagementPolicies = %v, want %v", tc.reason, mp, tc.wantPolicy)
			}
			ct.Validate(t, res.Resources)
		})
	}
}
