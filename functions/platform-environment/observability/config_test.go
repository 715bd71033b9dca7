package observability

import (
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestConfigRules(t *testing.T) {
	env := testEnv(nil)
	res := configRules(env)
	if len(res.Resources) != len(complianceRules) {
		t.Fatalf("rendered %d rules, want %d", len(res.Resources), len(complianceRules))
	}
	seen := map[string]bool{}
	for i, r := range res.Resources {
		fp := forProvider(t, r)
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
	validateAll(t, res.Resources)
}
