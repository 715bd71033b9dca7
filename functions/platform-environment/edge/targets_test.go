package edge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestTargetGroups(t *testing.T) {
	env := testEnv(compose.Observed{})
	res := targetGroups(env, seedInput(t).Routes)
	validateAll(t, res)
	cases := map[string]struct {
		reason string
		name   string
		want   map[string]any
	}{
		"Backend": {
			reason: "The backend: port 8061, health on /health, instance targets (NodePort).",
			name:   compose.TargetGroup("backend"),
			want: map[string]any{
				"name": env.AWSName(compose.RuleALB, "tg-backend"), "targetType": "instance", "protocol": "HTTP", "port": int32(8061),
				"vpcIdRef": map[string]any{"name": "prod-network-vpc"}, "deregistrationDelay": "30",
				"healthCheck": map[string]any{"enabled": true, "protocol": "HTTP", "port": "traffic-port", "path": "/health",
					"matcher": "200-399", "interval": 15, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 3},
				"region": "us-east-1",
			},
		},
		"Frontend": {
			reason: "The frontend: port 80, health on /.",
			name:   compose.TargetGroup("frontend"),
			want: map[string]any{
				"name": env.AWSName(compose.RuleALB, "tg-frontend"), "targetType": "instance", "protocol": "HTTP", "port": int32(80),
				"vpcIdRef": map[string]any{"name": "prod-network-vpc"}, "deregistrationDelay": "30",
				"healthCheck": map[string]any{"enabled": true, "protocol": "HTTP", "port": "traffic-port", "path": "/",
					"matcher": "200-399", "interval": 15, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 3},
				"region": "us-east-1",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := forProvider(t, res, tc.name)
			delete(got, "tags")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
			if n := len(got["name"].(string)); n > 32 {
				t.Errorf("%s\ntarget group names have at most 32 characters, got %d", tc.reason, n)
			}
		})
	}
	if diff := cmp.Diff([]string{"edge-tg-"}, res.Retired); diff != "" {
		t.Errorf("target groups of applications that lost their route are retired: -want +got:\n%s", diff)
	}
}
