package cluster

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// largerSpec is the seed's cluster with other instance types: a change EKS cannot make in place.
func largerSpec() v1alpha1.ClusterSpec {
	s := seedSpec()
	s.NodeGroup.InstanceTypes = []string{"m5.large"}
	return s
}

// buildSpec runs Build and Assemble once for a spec and observed state.
func buildSpec(t *testing.T, profile string, spec v1alpha1.ClusterSpec, observed compose.Observed) (Output, *compose.Assembled) {
	t.Helper()
	env, out := resolveBuild(t, profile, spec, observed)
	a, err := compose.Assemble(env, out.Result)
	if err != nil {
		t.Fatal(err)
	}
	return out, a
}

// observeAs adds a desired resource to observed state, Ready or not.
func observeAs(o compose.Observed, r *compose.Resource, ready bool) compose.Observed {
	out := compose.Observed{}
	for k, v := range o {
		out[k] = v
	}
	out[r.Name] = observe.Resource(r.Name, r.Object, ct.Options(func(string) bool { return ready }))
	return out
}

func desiredOf(a *compose.Assembled, name string) map[string]any {
	for _, r := range a.Resources {
		if r.Name == name {
			return r.Object
		}
	}
	return nil
}

func specOf(obj map[string]any) map[string]any {
	s, _ := obj["spec"].(map[string]any)
	return s
}

// TestNodeGroupReplacement walks one instance-type edit through its observed stages, one reconcile each.
func TestNodeGroupReplacement(t *testing.T) {
	for _, profile := range []string{"prod", "dev"} {
		t.Run(profile, func(t *testing.T) {
			ready, _ := walk(t, profile, networkObserved(t), nil, func(string) bool { return true })
			next := desiredForceNew(ct.Env(profile, ready), mustResolve(t, profile, largerSpec()).NodeGroup).generation()
			oldObserved := specOf(ready[compose.NodeGroup])

			// Stage 0: the spec is unchanged: the group keeps its name and its spec (the stage goldens
			// prove the whole output byte-identical).
			out, a := buildSpec(t, profile, seedSpec(), ready)
			if out.NodeGroup != compose.NodeGroup || ct.Has(out.Resources, next) || len(out.Retired) > 0 {
				t.Fatalf("unchanged spec: serving %q, rendered %v, retired %v", out.NodeGroup, ct.Names(out.Resources), out.Retired)
			}
			if diff := cmp.Diff(ct.JSON(oldObserved), ct.JSON(specOf(desiredOf(a, compose.NodeGroup)))); diff != "" {
				t.Errorf("unchanged spec changed the node group (-observed +desired):\n%s", diff)
			}

			// Stage 1: instance types edited: the new group is rendered, the old one kept untouched.
			out, a = buildSpec(t, profile, largerSpec(), ready)
			newGroup := ct.Find(t, out.Resources, next)
			fp := ct.ForProvider(newGroup)
			if diff := cmp.Diff([]any{"m5.large"}, ct.JSON(fp["instanceTypes"])); diff != "" {
				t.Errorf("new group's instance types (-want +got):\n%s", diff)
			}
			for _, f := range []string{"nodeRoleArnRef", "launchTemplate", "clusterNameRef", "subnetIdRefs", "scalingConfig", "labels", "version"} {
				if diff := cmp.Diff(ct.JSON(oldObserved["forProvider"].(map[string]any)[f]), ct.JSON(fp[f])); diff != "" {
					t.Errorf("the new group's %s differs from the old one's (-old +new):\n%s", f, diff)
				}
			}
			oldEN := ready[compose.NodeGroup]["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]
			newEN := newGroup.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]
			if newEN == oldEN || newGroup.Object["metadata"].(map[string]any)["name"] == ready[compose.NodeGroup]["metadata"].(map[string]any)["name"] {
				t.Errorf("the new group needs its own metadata.name and EKS name: %v, %v", newGroup.Object["metadata"], oldEN)
			}
			if ct.Has(out.Resources, compose.NodeGroup) {
				t.Error("the old group is rendered while its successor is created; it must be kept as observed")
			}
			if diff := cmp.Diff(ct.JSON(oldObserved), ct.JSON(specOf(desiredOf(a, compose.NodeGroup)))); diff != "" {
				t.Errorf("the old group changed while its successor is created (-observed +desired):\n%s", diff)
			}
			if out.NodeGroup != compose.NodeGroup {
				t.Errorf("workloads still run on the old group: serving %q", out.NodeGroup)
			}
			if w := out.Waiting["nodes"]; !strings.Contains(w, "replacing the node group") {
				t.Errorf("the nodes component says the step: %q", w)
			}
			if r := out.Replacements["nodes"]; r != out.Waiting["nodes"] {
				t.Errorf("the replacement's step (Applied=False/Replacing) is %q, want the component's step %q", r, out.Waiting["nodes"])
			}

			// Stage 1b: the new group exists but is not active yet: nothing moves.
			creating := observeAs(ready, newGroup, false)
			out, _ = buildSpec(t, profile, largerSpec(), creating)
			if ct.Has(out.Resources, compose.NodeGroup) || len(out.Retired) > 0 || out.NodeGroup != compose.NodeGroup {
				t.Errorf("new group not Ready: the old group must stay untouched and serving (rendered %v, retired %v, serving %q)", ct.Names(out.Resources), out.Retired, out.NodeGroup)
			}

			// Stage 2: the new group is Ready: the old one gets the NoSchedule taint, nothing else; what
			// names the node group moves to the new one.
			active := observeAs(ready, ct.Find(t, out.Resources, next), true)
			out, _ = buildSpec(t, profile, largerSpec(), active)
			old := ct.Find(t, out.Resources, compose.NodeGroup)
			want := ct.JSONCopy(oldObserved)
			want["forProvider"].(map[string]any)["taint"] = []any{map[string]any{"key": "platform.cloudpartner.pro/retiring", "value": "true", "effect": "NO_SCHEDULE"}}
			if diff := cmp.Diff(ct.JSON(want), ct.JSON(specOf(old.Object))); diff != "" {
				t.Errorf("the old group gets the taint and nothing else (-want +got):\n%s", diff)
			}
			if out.NodeGroup != next {
				t.Errorf("serving %q, want the new group %q", out.NodeGroup, next)
			}
			if len(out.Retired) > 0 {
				t.Errorf("retired %v before the taint is applied", out.Retired)
			}

			// Stage 3a: the taint is applied but a Usage still names the old group: it stays.
			tainted := observeAs(active, old, true)

			// Stage 2b: the new group flaps to not Ready after it took over: nothing moves back, nothing
			// is retired, the old group stays tainted as observed.
			out, a = buildSpec(t, profile, largerSpec(), withCondition(tainted, next, "False"))
			if out.NodeGroup != next || len(out.Retired) > 0 || ct.Has(out.Resources, compose.NodeGroup) {
				t.Errorf("flap after the switch: serving %q, retired %v, rendered %v", out.NodeGroup, out.Retired, ct.Names(out.Resources))
			}
			if _, ok := ct.ForProvider(&compose.Resource{Object: desiredOf(a, compose.NodeGroup)})["taint"]; !ok {
				t.Error("flap after the switch: the old group lost its taint")
			}

			// Set back after the switch: the first group is the spec's again and loses its taint in place
			// (rendered from the spec), the replacement becomes the old group and is tainted in turn.
			out, a = buildSpec(t, profile, seedSpec(), tainted)
			if _, ok := ct.ForProvider(ct.Find(t, out.Resources, compose.NodeGroup))["taint"]; ok || out.NodeGroup != compose.NodeGroup {
				t.Errorf("set back: the first group keeps its taint or does not serve (serving %q)", out.NodeGroup)
			}
			if _, ok := ct.ForProvider(&compose.Resource{Object: desiredOf(a, next)})["taint"]; !ok {
				t.Error("set back: the replacement is not tainted in turn")
			}

			usage := map[string]any{
				"apiVersion": "protection.crossplane.io/v1beta1", "kind": "Usage",
				"metadata": map[string]any{"name": "prod-releases-lbc-uses-nodes"},
				"spec": map[string]any{
					"of": map[string]any{"apiVersion": eksAPI, "kind": "NodeGroup", "resourceRef": map[string]any{"name": "prod-nodes-group"}},
					"by": map[string]any{"apiVersion": "helm.m.crossplane.io/v1beta1", "kind": "Release", "resourceRef": map[string]any{"name": "prod-releases-lbc"}},
				},
			}
			withUsage := compose.Observed{"releases-lbc-uses-nodes": usage}
			for k, v := range tainted {
				withUsage[k] = v
			}
			out, _ = buildSpec(t, profile, largerSpec(), withUsage)
			if len(out.Retired) > 0 || !ct.Has(out.Resources, compose.NodeGroup) {
				t.Errorf("a Usage still names the old group: it must stay (retired %v)", out.Retired)
			}

			// Stage 3b: the Usage moved: the old group is retired, by its exact name.
			usage["spec"].(map[string]any)["of"].(map[string]any)["resourceRef"] = map[string]any{"name": "prod-" + next}
			out, a = buildSpec(t, profile, largerSpec(), withUsage)
			if diff := cmp.Diff([]string{compose.NodeGroup}, out.Retired); diff != "" {
				t.Errorf("retired (-want +got):\n%s", diff)
			}
			if desiredOf(a, compose.NodeGroup) != nil {
				t.Error("the retired group is still desired")
			}
			if desiredOf(a, next) == nil {
				t.Error("the new group is not desired")
			}

			// Stage 4: the old group is gone: the new one is the only group, rendered from the spec.
			delete(tainted, compose.NodeGroup)
			out, _ = buildSpec(t, profile, largerSpec(), tainted)
			if out.NodeGroup != next || ct.Has(out.Resources, compose.NodeGroup) || len(out.Retired) > 0 || out.Waiting["nodes"] != "" {
				t.Errorf("after the replacement: serving %q, rendered %v, retired %v, waiting %q", out.NodeGroup, ct.Names(out.Resources), out.Retired, out.Waiting["nodes"])
			}
		})
	}
}

func mustResolve(t *testing.T, profile string, spec v1alpha1.ClusterSpec) v1alpha1.ResolvedCluster {
	t.Helper()
	r, err := Resolve(spec, ct.Env(profile, nil))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNodeGroupReplacementWalk walks the edit to its fixed point (every resource observed Ready as soon
// as it is rendered, the taint applied as soon as it is asked for) and checks every pass: no group that
// stays changes a ForceNew input, the old group is retired only after the new one is Ready and the taint
// is applied, and the walk ends with the new group alone.
func TestNodeGroupReplacementWalk(t *testing.T) {
	network := networkObserved(t)
	observed, _ := walk(t, "prod", network, nil, func(string) bool { return true })
	next := desiredForceNew(ct.Env("prod", observed), mustResolve(t, "prod", largerSpec()).NodeGroup).generation()
	sawTaint := false
	for pass := 1; ; pass++ {
		if pass > 10 {
			t.Fatal("no fixed point after 10 passes")
		}
		env := ct.Env("prod", observed)
		out, a := buildSpec(t, "prod", largerSpec(), observed)
		for _, r := range a.Resources {
			if r.Object["kind"] != "NodeGroup" || observed[r.Name] == nil {
				continue
			}
			was := observedForceNew(env, r.Name)
			now := observedForceNew(&compose.Env{Observed: compose.Observed{r.Name: r.Object}}, r.Name)
			if was.key() != now.key() {
				t.Errorf("pass %d: %s changes a ForceNew input in place: %q → %q", pass, r.Name, was.key(), now.key())
			}
		}
		for _, g := range out.Retired {
			if !observed.Ready(next) || !taintApplied(env, g) {
				t.Errorf("pass %d: %s retired before %s is Ready and the taint applied", pass, g, next)
			}
		}
		if desiredOf(a, compose.NodeGroup) != nil {
			if _, ok := ct.ForProvider(&compose.Resource{Object: desiredOf(a, compose.NodeGroup)})["taint"]; ok {
				sawTaint = true
			}
		}
		nextObserved := compose.Observed{}
		for k, v := range network {
			nextObserved[k] = v
		}
		for _, r := range a.Resources {
			if _, ok := network[r.Name]; !ok {
				nextObserved[r.Name] = observe.Resource(r.Name, r.Object, observe.Options{Namespace: env.Namespace, Region: env.Region})
			}
		}
		if cmp.Equal(nextObserved, observed) {
			t.Logf("fixed point after %d passes", pass)
			break
		}
		t.Logf("pass %d: node groups desired %v, retired %v, waiting %q", pass, nodeGroupNames(a), out.Retired, out.Waiting["nodes"])
		observed = nextObserved
	}
	if !sawTaint {
		t.Error("the old group was never tainted")
	}
	if observed.Exists(compose.NodeGroup) || !observed.Ready(next) {
		t.Errorf("fixed point: old group observed %v, new group Ready %v", observed.Exists(compose.NodeGroup), observed.Ready(next))
	}
	if got := observedVersion(ct.Env("prod", observed), next); got != "1.35" {
		t.Errorf("the new group runs %q, want the cluster's 1.35", got)
	}
}

// TestReplacementDesiredSize: a replacement starts with at least the nodes the old group runs, within the
// spec's maximum.
func TestReplacementDesiredSize(t *testing.T) {
	r := mustResolve(t, "prod", largerSpec()).NodeGroup // desired 3, max 10
	cases := map[string]struct {
		reason   string
		observed any
		want     int32
	}{
		"SpecWins":      {reason: "The old group runs fewer than the spec's desired size.", observed: int64(2), want: 3},
		"OldRunsMore":   {reason: "The autoscaler scaled the old group to 7: the new one starts at 7.", observed: float64(7), want: 7},
		"WithinMax":     {reason: "Never above the spec's maximum.", observed: float64(14), want: 10},
		"NothingToRead": {reason: "No observed size: the spec's.", observed: nil, want: 3},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := map[string]any{"kind": "NodeGroup"}
			if tc.observed != nil {
				obj["status"] = map[string]any{"atProvider": map[string]any{"scalingConfig": map[string]any{"desiredSize": tc.observed}}}
			}
			env := ct.Env("prod", compose.Observed{compose.NodeGroup: obj})
			if got := replacementDesiredSize(env, r, []string{compose.NodeGroup}); got != tc.want {
				t.Errorf("%s\ngot %d, want %d", tc.reason, got, tc.want)
			}
		})
	}
}

// TestPlanNodeGroups: which observed group is the spec's, which are old, which serves.
func TestPlanNodeGroups(t *testing.T) {
	seed := mustResolve(t, "prod", seedSpec()).NodeGroup
	larger := mustResolve(t, "prod", largerSpec()).NodeGroup
	env := ct.Env("prod", nil)
	gen := func(ng v1alpha1.ResolvedNodeGroup) string { return desiredForceNew(env, ng).generation() }
	group := func(types ...string) map[string]any {
		list := make([]any, len(types))
		for i, s := range types {
			list[i] = s
		}
		return map[string]any{"kind": "NodeGroup", "status": map[string]any{"conditions": []any{
			map[string]any{"type": "Ready", "status": "True"},
		}}, "spec": map[string]any{"forProvider": map[string]any{
			"instanceTypes": list, "amiType": "AL2023_x86_64_STANDARD", "capacityType": "ON_DEMAND",
			"subnetIdRefs": []any{
				map[string]any{"name": "prod-network-subnet-private-a"},
				map[string]any{"name": "prod-network-subnet-private-b"},
				map[string]any{"name": "prod-network-subnet-private-c"},
			},
		}}}
	}
	cases := map[string]struct {
		reason   string
		ng       v1alpha1.ResolvedNodeGroup
		observed compose.Observed
		want     nodeGroupPlan
	}{
		"NewEnvironment": {
			reason: "Nothing observed: the first group has no suffix.",
			ng:     seed, observed: compose.Observed{},
			want: nodeGroupPlan{Current: compose.NodeGroup, Serving: compose.NodeGroup},
		},
		"Unchanged": {
			reason: "Today's group with the same inputs keeps its name.",
			ng:     seed, observed: compose.Observed{compose.NodeGroup: group("t3.medium")},
			want: nodeGroupPlan{Current: compose.NodeGroup, Serving: compose.NodeGroup},
		},
		"Edited": {
			reason: "Other instance types: a new generation; the old group serves until the new one is Ready.",
			ng:     larger, observed: compose.Observed{compose.NodeGroup: group("t3.medium")},
			want: nodeGroupPlan{Current: gen(larger), Old: []string{compose.NodeGroup}, Serving: compose.NodeGroup},
		},
		"Reverted": {
			reason: "Edited back while the replacement runs: the first group is the spec's again, the new one is old.",
			ng:     seed, observed: compose.Observed{compose.NodeGroup: group("t3.medium"), gen(larger): group("m5.large")},
			want: nodeGroupPlan{Current: compose.NodeGroup, Old: []string{gen(larger)}, Serving: compose.NodeGroup},
		},
		"Unreadable": {
			reason: "An observed group whose inputs do not read is not replaced on a guess.",
			ng:     larger, observed: compose.Observed{compose.NodeGroup: {"kind": "NodeGroup"}},
			want: nodeGroupPlan{Current: compose.NodeGroup, Serving: compose.NodeGroup},
		},
		"OlderRelease": {
			reason: "A field an observed group does not carry is unknown, not different.",
			ng:     seed, observed: compose.Observed{compose.NodeGroup: {"kind": "NodeGroup", "spec": map[string]any{"forProvider": map[string]any{"instanceTypes": []any{"t3.medium"}}}}},
			want: nodeGroupPlan{Current: compose.NodeGroup, Serving: compose.NodeGroup},
		},
		"AMITypeEdited": {
			reason:   "Any ForceNew input that reads differently makes a new generation (the AMI type follows the architecture).",
			ng:       func() v1alpha1.ResolvedNodeGroup { n := seed; n.AMIType = "AL2023_ARM_64_STANDARD"; return n }(),
			observed: compose.Observed{compose.NodeGroup: group("t3.medium")},
			want:     nodeGroupPlan{Current: gen(func() v1alpha1.ResolvedNodeGroup { n := seed; n.AMIType = "AL2023_ARM_64_STANDARD"; return n }()), Old: []string{compose.NodeGroup}, Serving: compose.NodeGroup},
		},
		"OtherKind": {
			reason: "Only NodeGroups with the prefix count.",
			ng:     seed, observed: compose.Observed{compose.NodeGroup + "-x": {"kind": "Usage"}},
			want: nodeGroupPlan{Current: compose.NodeGroup, Serving: compose.NodeGroup},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := planNodeGroups(ct.Env("prod", tc.observed), tc.ng)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(nodeGroupPlan{})); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func nodeGroupNames(a *compose.Assembled) []string {
	var out []string
	for _, r := range a.Resources {
		if r.Object["kind"] == "NodeGroup" {
			out = append(out, r.Name)
		}
	}
	return out
}

// TestFailedReplacementGivenUp: a replacement that never came up (CREATE_FAILED) and was given up by
// editing the spec back is retired without a taint once the first group serves again.
func TestFailedReplacementGivenUp(t *testing.T) {
	ready, _ := walk(t, "prod", networkObserved(t), nil, func(string) bool { return true })
	out, _ := buildSpec(t, "prod", largerSpec(), ready)
	next := desiredForceNew(ct.Env("prod", ready), mustResolve(t, "prod", largerSpec()).NodeGroup).generation()
	failed := observeAs(ready, ct.Find(t, out.Resources, next), false)
	failed[next]["status"].(map[string]any)["atProvider"].(map[string]any)["status"] = "CREATE_FAILED"

	out, _ = buildSpec(t, "prod", seedSpec(), failed)
	if diff := cmp.Diff([]string{next}, out.Retired); diff != "" {
		t.Errorf("the failed replacement is retired (-want +got):\n%s", diff)
	}
	if out.NodeGroup != compose.NodeGroup || !ct.Has(out.Resources, compose.NodeGroup) {
		t.Errorf("the first group serves and is rendered from the spec: serving %q", out.NodeGroup)
	}
}
