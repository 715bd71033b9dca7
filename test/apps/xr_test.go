package apps

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/test/validate"
)

// seedXR reads the seed example, JSON-shaped.
func seedXR(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(), "examples", "seed-production.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var xr map[string]any
	if err := json.Unmarshal(j, &xr); err != nil {
		t.Fatal(err)
	}
	return xr
}

func applications(xr map[string]any) []any {
	return xr["spec"].(map[string]any)["applications"].([]any)
}

func app(xr map[string]any, i int) map[string]any { return applications(xr)[i].(map[string]any) }

// TestApplicationsAdmission checks the applications' and add-ons' CEL rules and schema at admission,
// against the CRD Crossplane derives from apis/definition.yaml: each bad spec is refused with a message
// naming the field.
func TestApplicationsAdmission(t *testing.T) {
	v := validate.Shared(t)
	if p := v.XR(seedXR(t)); len(p) > 0 {
		t.Fatalf("the seed example is refused: %v", p)
	}
	cases := map[string]struct {
		reason string
		mut    func(xr map[string]any)
		want   string
	}{
		"TwoDefaultRoutes": {"The listener has one default action.", func(xr map[string]any) {
			app(xr, 0)["route"] = map[string]any{"default": true}
		}, "at most one application may have route.default: true"},
		"SamePath": {"One path pattern, one application.", func(xr map[string]any) {
			app(xr, 1)["route"] = map[string]any{"pathPatterns": []any{"/api/*"}}
		}, "two applications cannot route the same path pattern"},
		"SamePriority": {"Listener rule priorities are unique.", func(xr map[string]any) {
			app(xr, 1)["route"] = map[string]any{"pathPatterns": []any{"/web/*"}, "priority": 100}
		}, "two applications cannot share a route.priority"},
		"DuplicateName": {"listMapKey name makes duplicates impossible.", func(xr map[string]any) {
			app(xr, 1)["name"] = "backend"
		}, "Duplicate value"},
		"Latest": {"The seed's :latest is refused.", func(xr map[string]any) {
			app(xr, 0)["image"] = "your-registry/cloud-consulting-backend:latest"
		}, "spec.applications[].image must name a tag other than latest"},
		"NoTag": {"An untagged image is latest.", func(xr map[string]any) {
			app(xr, 0)["image"] = "your-registry/cloud-consulting-backend"
		}, "spec.applications[].image must name a tag"},
		"RouteBoth": {"A route is default or paths.", func(xr map[string]any) {
			app(xr, 0)["route"].(map[string]any)["default"] = true
		}, "either default: true or pathPatterns"},
		"PortRange": {"Ports are 1-65535.", func(xr map[string]any) {
			app(xr, 0)["port"] = 70000
		}, "should be less than or equal to 65535"},
		"UnknownSecretKey": {"Only the application secret's keys.", func(xr map[string]any) {
			app(xr, 0)["envFromSecrets"].(map[string]any)["AWS_SECRET_ACCESS_KEY"] = "aws-secret-access-key"
		}, "values must be database-url, redis-url or jwt-secret"},
		"LimitBelowRequest": {"Limits cover requests.", func(xr map[string]any) {
			app(xr, 0)["resources"].(map[string]any)["limits"].(map[string]any)["memory"] = "256Mi"
		}, "limits.memory must be at least requests.memory"},
		"BadQuantity": {"Quantities are Kubernetes quantities.", func(xr map[string]any) {
			app(xr, 0)["resources"].(map[string]any)["requests"].(map[string]any)["cpu"] = "a lot"
		}, "cpu must be a positive Kubernetes quantity"},
		"KubeSystem": {"Applications stay out of kube-*.", func(xr map[string]any) {
			app(xr, 0)["namespace"] = "kube-system"
		}, "must not be default or a kube-* namespace"},
		"StarOnStar": {"No Action * on Resource *.", func(xr map[string]any) {
			app(xr, 0)["iam"] = map[string]any{"statements": []any{map[string]any{"actions": []any{"*"}, "resources": []any{"*"}}}}
		}, "Action * on Resource * is refused"},
		"MinAboveMax": {"The autoscaler's range is a range.", func(xr map[string]any) {
			app(xr, 0)["autoscaling"] = map[string]any{"minReplicas": 5, "maxReplicas": 3}
		}, "minReplicas must not exceed maxReplicas"},
		"ReplicasAboveMax": {"replicas is the autoscaler's minimum.", func(xr map[string]any) {
			app(xr, 0)["autoscaling"] = map[string]any{"maxReplicas": 2}
		}, "must not exceed autoscaling.maxReplicas"},
		"BudgetBoth": {"A PDB takes one of the two.", func(xr map[string]any) {
			app(xr, 0)["disruptionBudget"] = map[string]any{"maxUnavailable": "1", "minAvailable": "1"}
		}, "exactly one of maxUnavailable and minAvailable"},
		"NameNotDNS": {"Names are DNS labels.", func(xr map[string]any) {
			app(xr, 1)["name"] = "Front_End"
		}, "spec.applications[1].name"},
		"AddonVersion": {"Chart versions are versions.", func(xr map[string]any) {
			xr["spec"].(map[string]any)["addons"].(map[string]any)["metricsServer"] = map[string]any{"version": "latest"}
		}, "spec.addons.metricsServer.version"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := seedXR(t)
			tc.mut(xr)
			problems := strings.Join(v.XR(xr), "\n")
			if !strings.Contains(problems, tc.want) {
				t.Errorf("%s: want a problem containing %q, got:\n%s", tc.reason, tc.want, problems)
			}
		})
	}
}
