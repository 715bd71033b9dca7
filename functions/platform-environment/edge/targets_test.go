package edge

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestTargetGroups(t *testing.T) {
	env := ct.Env("prod", compose.Observed{})
	res := targetGroups(env, seedInput(t).Routes)
	ct.Validate(t, res.Resources)
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
			got := ct.ForProvider(ct.Find(t, res.Resources, tc.name))
			delete(got, "tags")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
			if n := len(got["name"].(string)); n > 32 {
				t.Errorf("%s\ntarget group names have at most 32 characters, got %d", tc.reason, n)
			}
		})
	}
	if len(res.Retired) != 0 {
		t.Errorf("with nothing observed there is nothing to retire, got %v", res.Retired)
	}
}

// TestTargetGroupRetiredOnceUnused: the target group of an application that lost its route is kept until no
// observed listener or listener rule forwards to it, by reference or by ARN (spec or status), then retired.
func TestTargetGroupRetiredOnceUnused(t *testing.T) {
	old := compose.TargetGroup("gone")
	const arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-gone/0123456789abcdef"
	forward := func(action map[string]any) map[string]any {
		return map[string]any{"type": "forward", "targetGroupArnRef": action["ref"], "targetGroupArn": action["arn"]}
	}
	cases := map[string]struct {
		reason string
		// kind and content of the one observed listener or rule besides the old target group.
		kind   string
		spec   map[string]any
		status map[string]any
		retire bool
	}{
		"DefaultActionByRef": {reason: "The listener's default action still names the old target group.", kind: "LBListener",
			spec: map[string]any{"forProvider": map[string]any{"defaultAction": []any{forward(map[string]any{"ref": map[string]any{"name": "prod-edge-tg-gone"}})}}}},
		"DefaultActionByARN": {reason: "Repointed by reference, but the resolved ARN is still the old one.", kind: "LBListener",
			spec: map[string]any{"forProvider": map[string]any{"defaultAction": []any{forward(map[string]any{"ref": map[string]any{"name": "prod-edge-tg-backend"}, "arn": arn})}}}},
		"RuleStatus": {reason: "A rule whose observed status still forwards to the old ARN.", kind: "LBListenerRule",
			status: map[string]any{"atProvider": map[string]any{"action": []any{map[string]any{"forward": []any{map[string]any{"targetGroup": []any{map[string]any{"arn": arn}}}}}}}}},
		"Repointed": {reason: "Listener observed forwarding elsewhere: the old target group goes.", kind: "LBListener", retire: true,
			spec: map[string]any{"forProvider": map[string]any{"defaultAction": []any{forward(map[string]any{"ref": map[string]any{"name": "prod-edge-tg-backend"}, "arn": "arn:other"})}}}},
		"FixedResponse": {reason: "The default action answers 404 now.", kind: "LBListener", retire: true,
			spec: map[string]any{"forProvider": map[string]any{"defaultAction": []any{map[string]any{"type": "fixed-response"}}}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := ct.Env("prod", compose.Observed{
				old: {"apiVersion": "elbv2.aws.m.upbound.io/v1beta1", "kind": "LBTargetGroup", "metadata": map[string]any{"name": "prod-edge-tg-gone"},
					"status": map[string]any{"atProvider": map[string]any{"arn": arn}}},
				"edge-forwarder": {"apiVersion": "elbv2.aws.m.upbound.io/v1beta1", "kind": tc.kind, "spec": tc.spec, "status": tc.status},
			})
			res := targetGroups(env, seedInput(t).Routes)
			if got := slices.Contains(res.Retired, old); got != tc.retire {
				t.Errorf("%s\nretired %s = %v, want %v (retired %v)", tc.reason, old, got, tc.retire, res.Retired)
			}
			if waiting := res.Waiting[component]; tc.retire == strings.Contains(waiting, old) {
				t.Errorf("%s\nedge waiting = %q; want the kept target group named while it is kept", tc.reason, waiting)
			}
		})
	}
}

// TestTargetGroupPortDecoupled: an instance target group's port forces a new target group and does
// nothing (the controller registers NodePorts, the health check uses traffic-port), so editing an
// application's port changes no field of an existing target group, while a target group not created yet
// takes the port of the spec.
func TestTargetGroupPortDecoupled(t *testing.T) {
	before := targetGroups(ct.Env("prod", compose.Observed{}), seedRoutes())
	observed := ct.ObserveAll(network(), before.Resources, ct.Options(nil))
	edited := seedRoutes()
	edited[0].Port = 9090 // backend
	edited[1].Port = 8080 // frontend
	edited[0].HealthPath = "/ready"
	cases := map[string]struct {
		reason   string
		observed compose.Observed
		app      string
		want     int32
	}{
		"ExistingKeepsItsPort": {
			reason: "An observed target group keeps the port it was created with.", observed: observed, app: "backend", want: 8061,
		},
		"ExistingFrontend": {
			reason: "The same for every application.", observed: observed, app: "frontend", want: 80,
		},
		"NewTakesTheSpecPort": {
			reason: "A target group not created yet takes the application's port.", observed: compose.Observed{}, app: "backend", want: 9090,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := targetGroups(ct.Env("prod", tc.observed), edited)
			if got := ct.ForProvider(ct.Find(t, res.Resources, compose.TargetGroup(tc.app)))["port"]; got != tc.want {
				t.Errorf("%s\nport: want %d, got %v", tc.reason, tc.want, got)
			}
		})
	}

	// Every field but the health-check path (updated in place) stays what it was.
	after := targetGroups(ct.Env("prod", observed), edited)
	if got := ct.ForProvider(ct.Find(t, after.Resources, compose.TargetGroup("backend")))["healthCheck"].(map[string]any)["path"]; got != "/ready" {
		t.Errorf("the health-check path follows the spec in place: got %v", got)
	}
	for _, app := range []string{"backend", "frontend"} {
		was, now := ct.ForProvider(ct.Find(t, before.Resources, compose.TargetGroup(app))), ct.ForProvider(ct.Find(t, after.Resources, compose.TargetGroup(app)))
		now["healthCheck"].(map[string]any)["path"] = was["healthCheck"].(map[string]any)["path"]
		if diff := cmp.Diff(was, now); diff != "" {
			t.Errorf("%s: an application port edit changed its target group (-before +after):\n%s", app, diff)
		}
	}
}
