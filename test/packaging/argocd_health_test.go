package packaging

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"
)

// healthKey is the argocd-cm key Argo CD reads a health check for group platform.cloudpartner.pro, kind
// PlatformEnvironment from.
const healthKey = "resource.customizations.health.platform.cloudpartner.pro_PlatformEnvironment"

// health is what Argo CD reads back from the script's returned table.
type health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// argoHealthCodes are the statuses Argo CD accepts from a script; anything else becomes Unknown.
var argoHealthCodes = map[string]bool{"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true}

// healthScript extracts the Lua from the argocd-cm snippet that users apply, so the test runs exactly that text.
func healthScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), "examples", "argocd", "argocd-cm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Metadata   map[string]any    `json:"metadata"`
		Data       map[string]string `json:"data"`
	}
	if err := yaml.UnmarshalStrict(b, &cm); err != nil {
		t.Fatalf("argocd-cm.yaml: %v", err)
	}
	if cm.Kind != "ConfigMap" || cm.Data[healthKey] == "" {
		t.Fatalf("argocd-cm.yaml: want a ConfigMap with data[%q]", healthKey)
	}
	if got := cm.Data["application.resourceTrackingMethod"]; got != "annotation" {
		t.Errorf("argocd-cm.yaml: application.resourceTrackingMethod = %q, want annotation (Crossplane copies XR labels to composed resources)", got)
	}
	return cm.Data[healthKey]
}

// runHealth runs a health script the way Argo CD runs one from argocd-cm (util/lua in argo-cd): a state without the
// standard libraries, then only package, base and table opened (plus a restricted os the script must not need), the
// object as the global obj, a one-second deadline, and the returned table read back through JSON.
func runHealth(script string, obj map[string]any) (health, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return health{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return health{}, err
	}
	ret, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return health{}, fmt.Errorf("script returned %s, want a table", l.Get(-1).Type())
	}
	h := health{Status: lua.LVAsString(ret.RawGetString("status")), Message: lua.LVAsString(ret.RawGetString("message"))}
	// Argo CD encodes the table as JSON: any other field would be dropped; an unknown status becomes Unknown.
	extra := []string{}
	ret.ForEach(func(k, _ lua.LValue) {
		if s := k.String(); s != "status" && s != "message" {
			extra = append(extra, s)
		}
	})
	if len(extra) > 0 {
		return h, fmt.Errorf("script returned unexpected fields %v", extra)
	}
	if !argoHealthCodes[h.Status] {
		return h, fmt.Errorf("script returned status %q, which Argo CD turns into Unknown", h.Status)
	}
	return h, nil
}

// toLua converts a decoded JSON object as Argo CD does: maps to tables, arrays to 1-based tables, numbers to numbers.
func toLua(l *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case string:
		return lua.LString(x)
	case float64:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case int:
		return lua.LNumber(x)
	case []any:
		t := l.CreateTable(len(x), 0)
		for _, e := range x {
			t.Append(toLua(l, e))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(x))
		for k, e := range x {
			t.RawSetString(k, toLua(l, e))
		}
		return t
	}
	return lua.LNil
}

// xr builds a PlatformEnvironment with the given status conditions, as the API server returns it.
func xr(t *testing.T, conditions string) map[string]any {
	t.Helper()
	doc := `apiVersion: platform.cloudpartner.pro/v1alpha1
kind: PlatformEnvironment
metadata:
  name: seed
  namespace: team-a
  generation: 3
spec:
  profile: prod
  region: us-east-1
`
	if conditions != "" {
		doc += "status:\n  conditions:\n" + conditions
	}
	obj := map[string]any{}
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func TestArgoCDHealth(t *testing.T) {
	script := healthScript(t)
	// Conditions as Crossplane v2.4 writes them on a namespaced XR (Synced from the XR reconciler, Ready from the
	// function's readiness of the composed resources).
	cases := map[string]struct {
		reason     string
		conditions string
		want       health
	}{
		"JustCreated": {
			reason: "Before Crossplane's first reconcile there are no conditions: Progressing, and say why.",
			want:   health{Status: "Progressing", Message: "Waiting for Crossplane to report the environment's conditions"},
		},
		"Creating": {
			reason: "Synced, but composed resources not ready yet: Progressing with the reason and the unready resources.",
			conditions: `  - type: Synced
    status: "True"
    reason: ReconcileSuccess
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Ready
    status: "False"
    reason: Creating
    message: "Unready resources: cluster, database, nat-gateway-a, and 12 more"
    lastTransitionTime: "2026-11-25T10:00:00Z"
`,
			want: health{Status: "Progressing", Message: "Creating: Unready resources: cluster, database, nat-gateway-a, and 12 more"},
		},
		"ReadyNoMessage": {
			reason: "Ready=True and Synced=True: Healthy.",
			conditions: `  - type: Synced
    status: "True"
    reason: ReconcileSuccess
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Ready
    status: "True"
    reason: Available
    lastTransitionTime: "2026-11-25T10:40:00Z"
`,
			want: health{Status: "Healthy", Message: "Available"},
		},
		"FunctionFatal": {
			reason: "A bad spec makes the function return Fatal; Crossplane reports it as Synced=False: Degraded with the message.",
			conditions: `  - type: Synced
    status: "False"
    reason: ReconcileError
    message: 'cannot compose resources: pipeline step "platform-environment" returned a fatal result: spec.network.vpcCidr: "10.0.0.0/33" is not a CIDR; use e.g. 10.0.0.0/16'
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Ready
    status: "False"
    reason: Creating
    lastTransitionTime: "2026-11-25T10:00:00Z"
`,
			want: health{Status: "Degraded", Message: `cannot compose resources: pipeline step "platform-environment" returned a fatal result: spec.network.vpcCidr: "10.0.0.0/33" is not a CIDR; use e.g. 10.0.0.0/16`},
		},
		"DegradedAfterReady": {
			reason: "An environment that was Ready and then cannot be reconciled is Degraded, not Healthy: Synced=False wins.",
			conditions: `  - type: Ready
    status: "True"
    reason: Available
    lastTransitionTime: "2026-11-25T10:40:00Z"
  - type: Synced
    status: "False"
    reason: ReconcileError
    message: "cannot apply composed resource \"database\": admission webhook denied the request"
    lastTransitionTime: "2026-11-25T11:00:00Z"
`,
			want: health{Status: "Degraded", Message: `cannot apply composed resource "database": admission webhook denied the request`},
		},
		"SyncedFalseNoMessage": {
			reason: "A Synced=False condition without a message still gives a message (its reason).",
			conditions: `  - type: Synced
    status: "False"
    reason: ReconcileError
    lastTransitionTime: "2026-11-25T11:00:00Z"
`,
			want: health{Status: "Degraded", Message: "ReconcileError"},
		},
		"Deleting": {
			reason: "While Crossplane deletes the composed resources, Ready=False with reason Deleting: Progressing.",
			conditions: `  - type: Synced
    status: "True"
    reason: ReconcileSuccess
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Ready
    status: "False"
    reason: Deleting
    lastTransitionTime: "2026-11-25T12:00:00Z"
`,
			want: health{Status: "Progressing", Message: "Deleting"},
		},
		"UpdateRefused": {
			reason: "Ready, but a provider refused an edit that needs a replacement (the function's Applied condition): " +
				"Degraded with the message, since it never resolves by itself.",
			conditions: `  - type: Synced
    status: "True"
    reason: ReconcileSuccess
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Ready
    status: "True"
    reason: Available
    lastTransitionTime: "2026-11-25T10:40:00Z"
  - type: Applied
    status: "False"
    reason: UpdateRefused
    message: 'update refused, it needs a replacement: nodes-group (nodes-group: update failed: refuse to update the external resource because the following update requires replacing it: cannot change the value of the argument "instance_types.#" from "1" to "2")'
    lastTransitionTime: "2026-11-25T11:00:00Z"
`,
			want: health{Status: "Degraded", Message: `UpdateRefused: update refused, it needs a replacement: nodes-group (nodes-group: update failed: refuse to update the external resource because the following update requires replacing it: cannot change the value of the argument "instance_types.#" from "1" to "2")`},
		},
		"UpdateRefusedWhileUnready": {
			reason: "A refusal is Degraded whether or not the environment is Ready.",
			conditions: `  - type: Ready
    status: "False"
    reason: Creating
    message: "Unready resources: apps-web-smoke"
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Applied
    status: "False"
    reason: UpdateRefused
    message: "update refused, it needs a replacement: apps-web-smoke (apps-web-smoke: update failed: cannot apply object: Job.batch is invalid: spec.template: field is immutable)"
    lastTransitionTime: "2026-11-25T11:00:00Z"
`,
			want: health{Status: "Degraded", Message: "UpdateRefused: update refused, it needs a replacement: apps-web-smoke (apps-web-smoke: update failed: cannot apply object: Job.batch is invalid: spec.template: field is immutable)"},
		},
		"SyncedFalseBeforeRefused": {
			reason: "The XR's own Synced=False (the function could not run) comes first: Applied is then the last pass's.",
			conditions: `  - type: Synced
    status: "False"
    reason: ReconcileError
    message: "cannot compose resources: fatal"
    lastTransitionTime: "2026-11-25T11:00:00Z"
  - type: Applied
    status: "False"
    reason: UpdateRefused
    message: "update refused, it needs a replacement: nodes-group"
    lastTransitionTime: "2026-11-25T10:00:00Z"
`,
			want: health{Status: "Degraded", Message: "cannot compose resources: fatal"},
		},
		"UpdatePending": {
			reason: "Ready, but an edit has not reached AWS yet: Progressing with Applied's reason and message, not Healthy.",
			conditions: `  - type: Synced
    status: "True"
    reason: ReconcileSuccess
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Ready
    status: "True"
    reason: Available
    lastTransitionTime: "2026-11-25T10:40:00Z"
  - type: Applied
    status: "False"
    reason: UpdatePending
    message: "update pending: edge-rule-web"
    lastTransitionTime: "2026-11-25T11:00:00Z"
`,
			want: health{Status: "Progressing", Message: "UpdatePending: update pending: edge-rule-web"},
		},
		"Replacing": {
			reason: "Ready (the old resource serves) while the function replaces one: Progressing with the step.",
			conditions: `  - type: Ready
    status: "True"
    reason: Available
    lastTransitionTime: "2026-11-25T10:40:00Z"
  - type: Applied
    status: "False"
    reason: Replacing
    message: "replacing nodes: new group Ready; old group tainted NoSchedule"
    lastTransitionTime: "2026-11-25T11:00:00Z"
`,
			want: health{Status: "Progressing", Message: "Replacing: replacing nodes: new group Ready; old group tainted NoSchedule"},
		},
		"Upgrading": {
			reason: "Ready while the function steps a version upgrade (every resource Synced, the add-ons not moved " +
				"yet): Progressing with the step, not Healthy.",
			conditions: `  - type: Ready
    status: "True"
    reason: Available
    lastTransitionTime: "2026-11-25T10:40:00Z"
  - type: Applied
    status: "False"
    reason: Upgrading
    message: "upgrading addons: add-on versions addons-kube-proxy v1.35.3-eksbuild.13 → v1.36.1-eksbuild.2 (Kubernetes 1.36)"
    lastTransitionTime: "2026-11-25T11:00:00Z"
`,
			want: health{Status: "Progressing", Message: "Upgrading: upgrading addons: add-on versions addons-kube-proxy v1.35.3-eksbuild.13 → v1.36.1-eksbuild.2 (Kubernetes 1.36)"},
		},
		"PendingWhileCreating": {
			reason: "Not Ready and an update pending (references not resolvable yet): Progressing with Ready's message, " +
				"which names the unready resources.",
			conditions: `  - type: Ready
    status: "False"
    reason: Creating
    message: "Unready resources: cluster-eks"
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Applied
    status: "False"
    reason: UpdatePending
    message: "update pending: nodes-group"
    lastTransitionTime: "2026-11-25T10:00:00Z"
`,
			want: health{Status: "Progressing", Message: "Creating: Unready resources: cluster-eks"},
		},
		"CreateIncomplete": {
			reason: "A provider stopped during a create call and will not retry (the function's Applied=False/CreateIncomplete): " +
				"Degraded with the message, which says what to do, since it never resolves by itself.",
			conditions: `  - type: Synced
    status: "True"
    reason: ReconcileSuccess
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Ready
    status: "False"
    reason: Creating
    message: "Unready resources: network-vpc"
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Applied
    status: "False"
    reason: CreateIncomplete
    message: "creation incomplete, the provider will not retry: network-vpc (network-vpc: AWS assigns its ID, so the interrupted create may have made one: find it (tag crossplane-name=seed-x1) and import it (set crossplane.io/external-name to its ID) or delete it, then kubectl -n team-a annotate vpc.ec2.aws.m.upbound.io seed-x1 crossplane.io/external-create-pending-)"
    lastTransitionTime: "2026-11-25T10:05:00Z"
`,
			want: health{Status: "Degraded", Message: "CreateIncomplete: creation incomplete, the provider will not retry: network-vpc (network-vpc: AWS assigns its ID, so the interrupted create may have made one: find it (tag crossplane-name=seed-x1) and import it (set crossplane.io/external-name to its ID) or delete it, then kubectl -n team-a annotate vpc.ec2.aws.m.upbound.io seed-x1 crossplane.io/external-create-pending-)"},
		},
		"CreatePending": {
			reason: "A create call under way or retried (Applied=False/CreatePending) while not Ready: Progressing with Ready's message.",
			conditions: `  - type: Ready
    status: "False"
    reason: Creating
    message: "Unready resources: network-vpc"
    lastTransitionTime: "2026-11-25T10:00:00Z"
  - type: Applied
    status: "False"
    reason: CreatePending
    message: "create pending: network-vpc"
    lastTransitionTime: "2026-11-25T10:00:00Z"
`,
			want: health{Status: "Progressing", Message: "Creating: Unready resources: network-vpc"},
		},
		"ReadyAndApplied": {
			reason: "Ready=True and Applied=True: Healthy.",
			conditions: `  - type: Ready
    status: "True"
    reason: Available
    lastTransitionTime: "2026-11-25T10:40:00Z"
  - type: Applied
    status: "True"
    reason: Synced
    message: "no update refused or pending among the 267 observed composed resources"
    lastTransitionTime: "2026-11-25T10:40:00Z"
`,
			want: health{Status: "Healthy", Message: "Available"},
		},
		"ReadyUnknown": {
			reason: "Ready=Unknown (provider not yet answering) is neither healthy nor failed: Progressing.",
			conditions: `  - type: Ready
    status: "Unknown"
    reason: Unavailable
    message: "observed resources are not yet available"
    lastTransitionTime: "2026-11-25T12:00:00Z"
`,
			want: health{Status: "Progressing", Message: "Unavailable: observed resources are not yet available"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := runHealth(script, xr(t, tc.conditions))
			if err != nil {
				t.Fatalf("%s\nrunHealth(): %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nhealth: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestArgoCDHealthGoldens runs the health script on the XR of every render golden (test/golden/<example>/<stage>.yaml,
// first document). Render writes the conditions the function reports, so the script meets real statuses; the expected
// health is derived from the conditions by the rule the script implements, and an example's "ready" stage must be
// Healthy.
func TestArgoCDHealthGoldens(t *testing.T) {
	script := healthScript(t)
	files := goldenFiles(t)
	if len(files) == 0 {
		t.Skip("no render goldens under test/golden yet (the foundation issue adds them); TestArgoCDHealth covers the rule")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(f.rel, ".yaml"), func(t *testing.T) {
			obj := firstXR(t, f.path)
			got, err := runHealth(script, obj)
			if err != nil {
				t.Fatal(err)
			}
			want := expectedHealth(obj)
			if got.Status != want {
				t.Errorf("status %q, want %q (conditions: %s)", got.Status, want, conditionsJSON(obj))
			}
			if filepath.Base(f.path) == "ready.yaml" && got.Status != "Healthy" {
				t.Errorf("the fully observed stage is %q, want Healthy (conditions: %s)", got.Status, conditionsJSON(obj))
			}
		})
	}
}

// expectedHealth is the rule the Lua implements, written independently in Go.
func expectedHealth(obj map[string]any) string {
	status, reason := map[string]string{}, map[string]string{}
	st, _ := obj["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		typ, _ := m["type"].(string)
		s, _ := m["status"].(string)
		status[typ] = s
		reason[typ], _ = m["reason"].(string)
	}
	switch {
	case status["Synced"] == "False":
		return "Degraded"
	case status["Applied"] == "False" && (reason["Applied"] == "UpdateRefused" || reason["Applied"] == "CreateIncomplete"):
		return "Degraded"
	case status["Ready"] == "True" && status["Applied"] == "False":
		return "Progressing"
	case status["Ready"] == "True":
		return "Healthy"
	}
	return "Progressing"
}

func conditionsJSON(obj map[string]any) string {
	st, _ := obj["status"].(map[string]any)
	b, _ := json.Marshal(st["conditions"])
	return string(b)
}

type goldenFile struct{ path, rel string }

// goldenFiles lists test/golden/**/*.yaml, sorted; nil if the directory does not exist.
func goldenFiles(t *testing.T) []goldenFile {
	t.Helper()
	dir := filepath.Join(root(t), "test", "golden")
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	var out []goldenFile
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, goldenFile{path: p, rel: rel})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out
}

// firstXR returns the PlatformEnvironment of a render output.
func firstXR(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // our own test tree.
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(b), "\n---") {
		obj := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if obj["kind"] == "PlatformEnvironment" {
			return obj
		}
	}
	t.Fatalf("%s: no PlatformEnvironment document", path)
	return nil
}
