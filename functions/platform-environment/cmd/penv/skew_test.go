package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/plan"
)

// fieldsV1 is the field set an apply of obj leaves its manager: every key of the spec and of the labels and
// annotations, lists whole (as atomic lists are owned).
func fieldsV1(obj map[string]any) map[string]any {
	var set func(v any) map[string]any
	set = func(v any) map[string]any {
		out := map[string]any{}
		if m, ok := v.(map[string]any); ok {
			for k, c := range m {
				out["f:"+k] = set(c)
			}
		}
		return out
	}
	md, _ := obj["metadata"].(map[string]any)
	meta := map[string]any{}
	for _, k := range []string{"labels", "annotations"} {
		if v, ok := md[k]; ok {
			meta["f:"+k] = set(v)
		}
	}
	ann, _ := meta["f:annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
	}
	ann["f:"+plan.CompositionResourceName] = map[string]any{} // Crossplane adds its own before it applies
	meta["f:annotations"] = ann
	return map[string]any{"f:metadata": meta, "f:spec": set(obj["spec"])}
}

// TestFunctionVersionSkew: observed objects whose managedFields say Crossplane applied exactly what this render of
// the live spec gives (and the XR's labels it copies) show no skew; one whose applied maxSize differs (an older function version rendered 9) is
// listed as function version skew, apart from the plan's changes, which it is not.
func TestFunctionVersionSkew(t *testing.T) {
	state, err := plan.ReadState(seedReady)
	if err != nil {
		t.Fatal(err)
	}
	_, xr, err := plan.ReadXR(seed)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := environment.Render(xr, state.Observed)
	if err != nil {
		t.Fatal(err)
	}
	write := func(tamper func(compose.Observed)) string {
		objs := compose.Observed{}
		for n, o := range state.Observed {
			b, _ := json.Marshal(o)
			c := map[string]any{}
			_ = json.Unmarshal(b, &c)
			objs[n] = c
		}
		for _, r := range a.Resources {
			o := objs[r.Name]
			if o == nil {
				continue
			}
			b, _ := json.Marshal(r.Object)
			d := map[string]any{}
			_ = json.Unmarshal(b, &d)
			o["spec"] = d["spec"] // what Crossplane applied; the provider's late-initialised fields are another manager's
			// Crossplane copies the XR's labels onto what it composes, and owns them: no render has them.
			md := o["metadata"].(map[string]any)
			labels, _ := md["labels"].(map[string]any)
			if labels == nil {
				labels = map[string]any{}
				md["labels"] = labels
			}
			labels["team"] = "a"
			fv := fieldsV1(d)
			meta := fv["f:metadata"].(map[string]any)
			fl, _ := meta["f:labels"].(map[string]any)
			if fl == nil {
				fl = map[string]any{}
				meta["f:labels"] = fl
			}
			fl["f:team"] = map[string]any{}
			o["metadata"].(map[string]any)["managedFields"] = []any{
				map[string]any{"manager": "provider-aws", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:status": map[string]any{}}},
				map[string]any{"manager": plan.ComposedFieldOwnerPrefix + "2b7ad0c1", "operation": "Apply", "fieldsType": "FieldsV1", "fieldsV1": fv},
			}
		}
		if tamper != nil {
			tamper(objs)
		}
		var docs []byte
		for _, o := range objs {
			b, _ := yaml.Marshal(o)
			docs = append(append(docs, "---\n"...), b...)
		}
		p := filepath.Join(t.TempDir(), "observed.yaml")
		if err := os.WriteFile(p, docs, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	p, code := runJSON(t, "plan", "--new", seed, "--old", seed, "--observed", write(nil))
	if code != exitNoChange || len(p.Skew) != 0 {
		t.Fatalf("applied as rendered: exit %d, skew %+v", code, p.Skew)
	}
	p, code = runJSON(t, "plan", "--new", seed, "--old", seed, "--observed", write(func(o compose.Observed) {
		compose.Lookup(o["nodes-group"], "spec.forProvider.scalingConfig").(map[string]any)["maxSize"] = 9.0
	}))
	if len(p.Skew) != 1 || p.Skew[0].Name != "nodes-group" || p.Skew[0].Action != plan.Skew {
		t.Fatalf("want nodes-group's skew only, got %+v", p.Skew)
	}
	if f := field(&p.Skew[0], "spec.forProvider.scalingConfig.maxSize"); f == nil || f.Old != 9.0 || f.New != 10.0 || len(p.Skew[0].Fields) != 1 {
		t.Errorf("want maxSize applied 9, rendered 10, got %+v", p.Skew[0].Fields)
	}
	if code != exitNoChange || p.Changes() {
		t.Errorf("skew is no change of the edit: exit %d, %+v", code, p.Resources)
	}
	var out, errb bytes.Buffer
	run([]string{"plan", "--new", seed, "--old", seed, "--observed", write(func(o compose.Observed) {
		compose.Lookup(o["nodes-group"], "spec.forProvider.scalingConfig").(map[string]any)["maxSize"] = 9.0
	})}, &out, &errb)
	if s := out.String(); !strings.Contains(s, "Function version skew") || !strings.Contains(s, "spec.forProvider.scalingConfig.maxSize: 9 → 10") {
		t.Errorf("the text plan does not list the skew:\n%s", out.String())
	}
}
