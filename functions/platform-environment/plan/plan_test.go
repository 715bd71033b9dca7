package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/cost"
)

// job is an Object carrying a batch/v1 Job, as the function's platform Jobs are composed.
func job(image string) map[string]any {
	return map[string]any{
		"apiVersion": "kubernetes.m.crossplane.io/v1alpha1", "kind": "Object",
		"metadata": map[string]any{"name": "prod-jobs-setup"},
		"spec": map[string]any{"forProvider": map[string]any{"manifest": map[string]any{
			"apiVersion": "batch/v1", "kind": "Job",
			"metadata": map[string]any{"name": "setup", "namespace": "app"},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"containers": []any{map[string]any{"name": "setup", "image": image}},
			}}},
		}}},
	}
}

func mr(kind, name string, fp map[string]any, policies ...any) map[string]any {
	spec := map[string]any{"forProvider": fp}
	if policies != nil {
		spec["managementPolicies"] = policies
	}
	return map[string]any{"apiVersion": "rds.aws.m.upbound.io/v1beta1", "kind": kind, "metadata": map[string]any{"name": name}, "spec": spec}
}

// TestCompare: the actions for desired states constructed here, independent of today's builders: a Job template
// edited on the Job that stays (what the day-2 fix of per-template Jobs avoids) is blocked, a replaced parameter
// group is a replace, a protected instance that goes is an orphan, an unset field is shown as such.
func TestCompare(t *testing.T) {
	protected := []any{"Observe", "Create", "Update", "LateInitialize"}
	cases := []struct {
		name     string
		old, new map[string]map[string]any
		want     map[string]string // name → action
		check    func(t *testing.T, v View)
	}{{
		name: "a Job template edited in place is blocked",
		old:  map[string]map[string]any{"jobs-setup": job("setup:1")},
		new:  map[string]map[string]any{"jobs-setup": job("setup:2")},
		want: map[string]string{"jobs-setup": Blocked},
		check: func(t *testing.T, v View) {
			if !strings.Contains(v.Resources[0].Reason, "spec.forProvider.manifest.spec.template") {
				t.Errorf("reason %q does not name the template", v.Resources[0].Reason)
			}
		},
	}, {
		name: "a parameter group of a new family replaces the old one",
		old:  map[string]map[string]any{"database-params-pg16": mr("ParameterGroup", "p16", map[string]any{"family": "postgres16"})},
		new:  map[string]map[string]any{"database-params-pg17": mr("ParameterGroup", "p17", map[string]any{"family": "postgres17"})},
		want: map[string]string{"database-params-pg17": Replace},
	}, {
		name: "two applications of one kind are a delete and a create, not a replace",
		old:  map[string]map[string]any{"apps-backend": mr("ParameterGroup", "b", map[string]any{})},
		new:  map[string]map[string]any{"apps-frontend": mr("ParameterGroup", "f", map[string]any{})},
		want: map[string]string{"apps-backend": Delete, "apps-frontend": Create},
	}, {
		name: "a protected instance that goes is orphaned, an unprotected one deleted (data at risk)",
		old: map[string]map[string]any{
			"database-instance": mr("Instance", "db", map[string]any{}, protected...),
			"database-other":    mr("Instance", "db2", map[string]any{}),
		},
		new:  map[string]map[string]any{},
		want: map[string]string{"database-instance": Orphan, "database-other": Delete},
		check: func(t *testing.T, v View) {
			if v.Summary.DataAtRisk != 1 || v.Resources[0].Name != "database-other" {
				t.Errorf("want the deleted instance first and at risk, got %+v", v)
			}
		},
	}, {
		name: "a field the new render no longer sets is unset",
		old:  map[string]map[string]any{"database-instance": mr("Instance", "db", map[string]any{"monitoringInterval": 60.0})},
		new:  map[string]map[string]any{"database-instance": mr("Instance", "db", map[string]any{})},
		want: map[string]string{"database-instance": Update},
		check: func(t *testing.T, v View) {
			f := v.Resources[0].Fields
			if len(f) != 1 || !f[0].Unset || f[0].Old != 60.0 {
				t.Errorf("want monitoringInterval unset, got %+v", f)
			}
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := compare(rendered{objects: c.old}, rendered{objects: c.new}, nil)
			got := map[string]string{}
			for _, r := range v.Resources {
				got[r.Name] = r.Action
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for n, a := range c.want {
				if got[n] != a {
					t.Errorf("%s: %s, want %s", n, got[n], a)
				}
			}
			if c.check != nil {
				c.check(t, v)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	got := redact("role arn:aws:iam::123456789012:role/x is not allowed; account 123456789012, port 8061")
	if want := "role <redacted> is not allowed; account <redacted>, port 8061"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestOwned: the fields a manager's fieldsV1 set names, over the object's values: maps walked, a list owned item by
// item (k:, v:, i:) taken whole, a field another manager owns left out; no Apply entry of Crossplane's composed
// manager, no answer.
func TestOwned(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"name": "x", "managedFields": []any{
			map[string]any{"manager": "provider-aws", "operation": "Update", "fieldsV1": map[string]any{"f:spec": map[string]any{"f:forProvider": map[string]any{"f:late": map[string]any{}}}}},
			map[string]any{"manager": ComposedFieldOwnerPrefix + "ab12", "operation": "Apply", "fieldsV1": map[string]any{"f:spec": map[string]any{
				".": map[string]any{},
				"f:forProvider": map[string]any{
					"f:region": map[string]any{},
					"f:rules":  map[string]any{`k:{"name":"a"}`: map[string]any{".": map[string]any{}}},
					"f:tags":   map[string]any{"f:env": map[string]any{}},
				},
			}}},
		}},
		"spec": map[string]any{"forProvider": map[string]any{
			"region": "us-east-1", "late": "provider's", "rules": []any{map[string]any{"name": "a"}},
			"tags": map[string]any{"env": "prod", "other": "someone else's"},
		}},
	}
	got, ok := owned(obj)
	want := map[string]any{"spec": map[string]any{"forProvider": map[string]any{
		"region": "us-east-1", "rules": []any{map[string]any{"name": "a"}}, "tags": map[string]any{"env": "prod"},
	}}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, %v; want %v", got, ok, want)
	}
	delete(obj, "metadata")
	if _, ok := owned(obj); ok {
		t.Error("an object without managedFields has no owned fields")
	}
}

// TestCostDiff: before and after per component; nothing composed is 0, a region without prices has no figures (and
// no difference), an incomplete estimate is flagged.
func TestCostDiff(t *testing.T) {
	usd := func(v float64) *float64 { return &v }
	est := func(total *float64, complete bool, comps ...float64) *v1alpha1.CostOutputs {
		o := &v1alpha1.CostOutputs{MonthlyUSD: total, Complete: complete, PriceDate: "2026-12-01"}
		for i, c := range comps {
			o.Components = append(o.Components, v1alpha1.CostComponent{Name: cost.Components[i], MonthlyUSD: c})
		}
		if !complete {
			o.NotPriced = []string{"ec2.x1.large (us-east-1)"}
		}
		return o
	}
	cases := []struct {
		name          string
		before, after *v1alpha1.CostOutputs
		b, a          *float64
		diff          float64
		network       float64 // the first component's difference
		complete      bool
	}{
		{"an edit", est(usd(110.30), true, 100.10, 10.20), est(usd(120.40), true, 110.20, 10.20), usd(110.30), usd(120.40), 10.10, 10.10, true},
		{"a new environment", nil, est(usd(10), true, 10), usd(0), usd(10), 10, 10, true},
		{"a destroy plan", est(usd(10), true, 10), nil, usd(10), usd(0), -10, -10, true},
		{"a region without prices", est(nil, false), est(nil, false), nil, nil, 0, 0, false},
		{"an incomplete estimate", est(usd(10), true, 10), est(usd(10), false, 10), usd(10), usd(10), 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := costDiff(c.before, c.after)
			eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
			if !eq(got.BeforeUSD, c.b) || !eq(got.AfterUSD, c.a) || got.DiffUSD != c.diff || got.Complete != c.complete {
				t.Errorf("got %+v", got)
			}
			if len(got.Components) != len(cost.Components) || got.Components[0].DiffUSD != c.network {
				t.Errorf("components %+v: want all of cost.Components, network %+.2f", got.Components, c.network)
			}
		})
	}
}

// asLive is obj as the API server and the provider hand it back: the defaults and the external name set.
func asLive(obj map[string]any) map[string]any {
	o := jsonCopy(obj)
	o["metadata"].(map[string]any)["annotations"] = map[string]any{"crossplane.io/external-name": "setup"}
	spec := o["spec"].(map[string]any)
	spec["managementPolicies"] = []any{"*"}
	spec["watch"] = false
	spec["deletionPropagationPolicy"] = "Foreground"
	return o
}

// TestCompareKept: a resource a render kept as observed is the live object sent back, so its defaults and external
// name are not changes (found by the e2e plan-vs-reality check: a port edit planned three per-rollout Jobs, kept while
// their successors waited, as blocked on the external-name annotation and managementPolicies).
func TestCompareKept(t *testing.T) {
	cases := []struct {
		name     string
		old, new rendered
		want     map[string]string // name → action; absent: no change
		fields   []string
	}{{
		name: "kept by the new render: unchanged, whatever the live defaults",
		old:  rendered{objects: map[string]map[string]any{"jobs-setup": job("setup:1")}},
		new:  rendered{objects: map[string]map[string]any{"jobs-setup": asLive(job("setup:1"))}, kept: map[string]bool{"jobs-setup": true}},
		want: map[string]string{},
	}, {
		name: "kept by the old render, rendered afresh with the same fields: unchanged",
		old:  rendered{objects: map[string]map[string]any{"jobs-setup": asLive(job("setup:1"))}, kept: map[string]bool{"jobs-setup": true}},
		new:  rendered{objects: map[string]map[string]any{"jobs-setup": job("setup:1")}},
		want: map[string]string{},
	}, {
		name:   "kept by the old render, rendered afresh with a new template: blocked on the template only",
		old:    rendered{objects: map[string]map[string]any{"jobs-setup": asLive(job("setup:1"))}, kept: map[string]bool{"jobs-setup": true}},
		new:    rendered{objects: map[string]map[string]any{"jobs-setup": job("setup:2")}},
		want:   map[string]string{"jobs-setup": Blocked},
		fields: []string{"spec.forProvider.manifest.spec.template.spec.containers"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := compare(c.old, c.new, nil)
			got := map[string]string{}
			for _, r := range v.Resources {
				got[r.Name] = r.Action
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("actions %v, want %v: %+v", got, c.want, v.Resources)
			}
			if c.fields != nil {
				var paths []string
				for _, f := range v.Resources[0].Fields {
					paths = append(paths, f.Path)
				}
				if !reflect.DeepEqual(paths, c.fields) {
					t.Errorf("fields %v, want %v", paths, c.fields)
				}
			}
		})
	}
}
