package incluster_test

import (
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestJobPhase(t *testing.T) {
	cases := map[string]struct {
		reason string
		status map[string]any
		phase  string
	}{
		"Complete":   {"A complete Job succeeded.", map[string]any{"succeeded": 1.0, "conditions": []any{map[string]any{"type": "Complete", "status": "True"}}}, "Succeeded"},
		"Failed":     {"A Job past its backoff limit failed.", map[string]any{"failed": 3.0, "conditions": []any{map[string]any{"type": "Failed", "status": "True", "message": "BackoffLimitExceeded"}}}, "Failed"},
		"Active":     {"A Job with an active pod runs.", map[string]any{"active": 1.0}, "Running"},
		"NotStarted": {"A Job without pods yet is pending.", map[string]any{}, "Pending"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := compose.Observed{"apps-x": {"status": map[string]any{"atProvider": map[string]any{"manifest": map[string]any{"kind": "Job", "status": tc.status}}}}}
			b := incluster.Builder{Env: ct.Env("prod", obs)}
			if got, _ := b.JobPhase("apps-x"); got != tc.phase {
				t.Errorf("%s: phase %q, want %q", tc.reason, got, tc.phase)
			}
		})
	}
}
