package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func observedReady(kind string, ready bool) map[string]any {
	st := "False"
	if ready {
		st = "True"
	}
	return map[string]any{
		"apiVersion": "ec2.aws.m.upbound.io/v1beta1",
		"kind":       kind,
		"metadata": map[string]any{
			"name":        "prod-" + kind,
			"annotations": map[string]any{"crossplane.io/external-name": "id-" + kind, "other": "dropped"},
		},
		"spec":   map[string]any{"forProvider": map[string]any{"region": "us-east-1"}},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": st}}},
	}
}

func TestAssemble(t *testing.T) {
	env := func(obs Observed) *Env { return &Env{Name: "prod", Namespace: "ns", Observed: obs} }
	res := func(name string) *Resource {
		return &Resource{Name: name, Object: map[string]any{"apiVersion": "v1", "kind": "X"}}
	}
	type want struct {
		names      []string
		ready      map[string]bool
		kept       []string
		components []ComponentState
	}
	cases := map[string]struct {
		reason   string
		observed Observed
		results  []Result
		want     want
	}{
		"ReadinessFromObserved": {
			reason:   "A resource is ready only when observed with Ready=True.",
			observed: Observed{"network-vpc": observedReady("VPC", true), "network-igw": observedReady("IGW", false)},
			results:  []Result{{Resources: []*Resource{res("network-vpc"), res("network-igw"), res("network-subnet")}}},
			want: want{
				names: []string{"network-vpc", "network-igw", "network-subnet"},
				ready: map[string]bool{"network-vpc": true},
				components: []ComponentState{{Name: "network", Resources: 3, ReadyResources: 1,
					Message: "network-igw: waiting for Ready"}},
			},
		},
		"KeepObserved": {
			reason:   "An observed resource that no builder rendered stays in desired state, as observed.",
			observed: Observed{"cluster-eks": observedReady("Cluster", true)},
			results:  []Result{{Resources: []*Resource{res("network-vpc")}}},
			want: want{
				names: []string{"network-vpc", "cluster-eks"},
				ready: map[string]bool{"cluster-eks": true},
				kept:  []string{"cluster-eks"},
				components: []ComponentState{
					{Name: "network", Resources: 1, Message: "network-vpc: being created"},
					{Name: "cluster", Resources: 1, ReadyResources: 1, Ready: true},
				},
			},
		},
		"RetiredIsDropped": {
			reason: "Only what the spec retired leaves desired state.",
			observed: Observed{
				"apps-backend-deployment": observedReady("Object", true),
				"apps-frontend-service":   observedReady("Object", true),
			},
			results: []Result{{Retired: []string{"apps-backend-"}}},
			want: want{
				names: []string{"apps-frontend-service"},
				ready: map[string]bool{"apps-frontend-service": true},
				kept:  []string{"apps-frontend-service"},
				components: []ComponentState{
					{Name: "apps", Resources: 1, ReadyResources: 1, Ready: true},
				},
			},
		},
		"WaitingKeepsComponentUnready": {
			reason:   "A component that waits on a gate is not ready even when what it rendered is.",
			observed: Observed{"nodes-role": observedReady("Role", true)},
			results: []Result{{
				Resources: []*Resource{res("nodes-role")},
				Waiting:   map[string]string{"nodes": "waiting for the cluster"},
			}},
			want: want{
				names: []string{"nodes-role"},
				ready: map[string]bool{"nodes-role": true},
				components: []ComponentState{
					{Name: "nodes", Resources: 1, ReadyResources: 1, Message: "waiting for the cluster"},
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := Assemble(env(tc.observed), tc.results...)
			if err != nil {
				t.Fatal(err)
			}
			var names, kept []string
			ready := map[string]bool{}
			for _, r := range a.Resources {
				names = append(names, r.Name)
				if r.Ready {
					ready[r.Name] = true
				}
				if r.Kept {
					kept = append(kept, r.Name)
				}
			}
			got := want{names: names, ready: ready, kept: kept, components: a.Components}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestKeepAsObserved(t *testing.T) {
	vpc := func(name any) map[string]any {
		o := observedReady("VPC", true)
		o["metadata"].(map[string]any)["name"] = name
		return o
	}
	desired := func(name string) map[string]any {
		return map[string]any{
			"apiVersion": "ec2.aws.m.upbound.io/v1beta1",
			"kind":       "VPC",
			"metadata": map[string]any{
				"name":        name,
				"annotations": map[string]any{"crossplane.io/external-name": "id-VPC"},
			},
			"spec": map[string]any{"forProvider": map[string]any{"region": "us-east-1"}},
		}
	}
	cases := map[string]struct {
		reason string
		obs    map[string]any
		want   map[string]any
	}{
		"Observed": {
			reason: "Identity, external name and spec are kept, nothing else.",
			obs:    observedReady("VPC", true), want: desired("prod-VPC"),
		},
		"NameNotAString": {
			reason: "A name that does not read as one (never from the API server) is replaced by the function's own.",
			obs:    vpc(3.0), want: desired("prod-network-vpc"),
		},
		"NameEmpty": {
			reason: "An empty name likewise.",
			obs:    vpc(""), want: desired("prod-network-vpc"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, keepAsObserved(tc.obs, "prod-network-vpc")); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestAssembleDuplicate(t *testing.T) {
	r := &Resource{Name: "network-vpc", Object: map[string]any{}}
	if _, err := Assemble(&Env{}, Result{Resources: []*Resource{r}}, Result{Resources: []*Resource{r}}); err == nil {
		t.Error("two builders rendering one name must be an error")
	}
}

// TestAsObserved: a builder that changes one field of an observed resource starts from exactly what
// Assemble would keep, and its change reaches the observed spec only.
func TestAsObserved(t *testing.T) {
	env := &Env{Name: "prod", Namespace: "ns", Observed: Observed{
		"nodes-group": observedReady("NodeGroup", true),
		"no-kind":     {"metadata": map[string]any{"name": "x"}},
	}}
	m, ok := env.AsObserved("nodes-group")
	if !ok {
		t.Fatal("an observed resource reads")
	}
	want := keepAsObserved(env.Observed["nodes-group"], "prod-nodes-group")
	if diff := cmp.Diff(want, m.Resource().Object); diff != "" {
		t.Errorf("starts as Assemble keeps it (-want +got):\n%s", diff)
	}
	m.ForProvider(map[string]any{"taint": []any{"t"}})
	if _, ok := env.Observed["nodes-group"]["spec"].(map[string]any)["forProvider"].(map[string]any)["taint"]; ok {
		t.Error("the change leaked into observed state")
	}
	for _, name := range []string{"missing", "no-kind"} {
		if _, ok := env.AsObserved(name); ok {
			t.Errorf("%s: nothing Crossplane could apply must not read", name)
		}
	}
}

// TestNodeGroupName: the node group other domains name is NodeGroup until the cluster domain says
// another one serves.
func TestNodeGroupName(t *testing.T) {
	if got := (&Env{}).NodeGroupName(); got != NodeGroup {
		t.Errorf("default: %q", got)
	}
	if got := (&Env{ServingNodeGroup: NodeGroup + "-abc"}).NodeGroupName(); got != NodeGroup+"-abc" {
		t.Errorf("replacement: %q", got)
	}
}

func TestOrphansOnDelete(t *testing.T) {
	withPolicies := func(p ...any) map[string]any {
		return map[string]any{"spec": map[string]any{"managementPolicies": p}}
	}
	cases := map[string]struct {
		obj  map[string]any
		want bool
	}{
		"NoPolicies":       {obj: map[string]any{"spec": map[string]any{}}, want: false},
		"NoSpec":           {obj: map[string]any{}, want: false},
		"All":              {obj: withPolicies("*"), want: false},
		"WithDelete":       {obj: withPolicies("Observe", "Create", "Update", "Delete"), want: false},
		"StatefulPolicies": {obj: withPolicies("Observe", "Create", "Update", "LateInitialize"), want: true},
		"ObserveOnly":      {obj: withPolicies("Observe"), want: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := OrphansOnDelete(tc.obj); got != tc.want {
				t.Errorf("OrphansOnDelete() = %v, want %v", got, tc.want)
			}
		})
	}
}
