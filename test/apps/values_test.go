package apps

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// MetricsServerModule holds the metrics-server chart (charts/metrics-server) of the release the function
// installs (chart 3.13.0 is metrics-server 0.8.0; the module's tag carries its values).
const MetricsServerModule = "sigs.k8s.io/metrics-server@v0.8.0"

// releaseValues returns the values of every Release of the chart in the golden renders.
func releaseValues(t *testing.T, chart string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, f := range goldens(t) {
		for _, d := range read(t, f) {
			if !isKind(d, "helm.m.crossplane.io", "Release") {
				continue
			}
			spec, _ := d.Object["spec"].(map[string]any)
			fp, _ := spec["forProvider"].(map[string]any)
			c, _ := fp["chart"].(map[string]any)
			if c["name"] == chart {
				v, _ := fp["values"].(map[string]any)
				out = append(out, v)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no golden render installs %s", chart)
	}
	return out
}

// TestExternalSecretsValues checks the operator's Release values against the chart's values.schema.json:
// every key is one the chart knows, with the type it wants (a misspelt key is silently ignored by helm).
func TestExternalSecretsValues(t *testing.T) {
	dir, err := moduleDir(ExternalSecretsModule)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "deploy", "charts", "external-secrets", "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	for _, v := range releaseValues(t, "external-secrets") {
		for _, p := range schemaProblems(v, schema, "values") {
			t.Error(p)
		}
	}
}

func schemaProblems(v any, s map[string]any, path string) []string {
	var out []string
	if want, ok := s["type"].(string); ok && !typeMatches(v, want) {
		return []string{path + ": want a " + want}
	}
	m, ok := v.(map[string]any)
	props, hasProps := s["properties"].(map[string]any)
	if !ok || !hasProps {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ps, ok := props[k].(map[string]any)
		if !ok {
			out = append(out, path+"."+k+": not a value of the chart")
			continue
		}
		out = append(out, schemaProblems(m[k], ps, path+"."+k)...)
	}
	return out
}

func typeMatches(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer", "number":
		_, ok := v.(float64)
		return ok
	}
	return true
}

// TestMetricsServerValues checks metrics-server's Release values against the chart's values.yaml.
func TestMetricsServerValues(t *testing.T) {
	dir, err := moduleDir(MetricsServerModule)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "charts", "metrics-server", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[string]any{}
	if err := yaml.Unmarshal(b, &defaults); err != nil {
		t.Fatal(err)
	}
	for _, v := range releaseValues(t, "metrics-server") {
		for _, p := range unknownKeys(v, defaults, "values") {
			t.Error(p + ": not a value of the metrics-server chart")
		}
	}
}

func unknownKeys(v, defaults map[string]any, path string) []string {
	var out []string
	for k, x := range v {
		d, ok := defaults[k]
		if !ok {
			out = append(out, path+"."+k)
			continue
		}
		xm, ok1 := x.(map[string]any)
		dm, ok2 := d.(map[string]any)
		if ok1 && ok2 && len(dm) > 0 {
			out = append(out, unknownKeys(xm, dm, path+"."+k)...)
		}
	}
	sort.Strings(out)
	return out
}

func TestValueChecksCatchTypos(t *testing.T) {
	schema := map[string]any{"type": "object", "properties": map[string]any{
		"installCRDs":    map[string]any{"type": "boolean"},
		"serviceAccount": map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}},
	}}
	got := strings.Join(schemaProblems(map[string]any{"installCrds": true, "serviceAccount": map[string]any{"name": 1.0}}, schema, "values"), "; ")
	want := "values.installCrds: not a value of the chart; values.serviceAccount.name: want a string"
	if got != want {
		t.Errorf("schema check: got %q, want %q", got, want)
	}
	if got := unknownKeys(map[string]any{"replica": 2.0}, map[string]any{"replicas": 1.0}, "values"); len(got) != 1 {
		t.Errorf("values.yaml check misses a typo: %v", got)
	}
}
