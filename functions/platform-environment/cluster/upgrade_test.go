package cluster

import (
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestPlanVersions(t *testing.T) {
	cases := map[string]struct {
		reason            string
		target, cp, ng    string
		want              Plan
		errField, errSays string
	}{
		"Create": {
			reason: "Nothing observed: everything is created at the target.",
			target: "1.35",
			want:   Plan{ControlPlane: "1.35", NodeGroup: "1.35", AddonsAtTarget: true, Addons: "1.35"},
		},
		"Steady": {
			reason: "Everything at the target: nothing to do.",
			target: "1.35", cp: "1.35", ng: "1.35",
			want: Plan{ControlPlane: "1.35", NodeGroup: "1.35", AddonsAtTarget: true, Addons: "1.35"},
		},
		"FirstStep": {
			reason: "Two minors behind: the control plane moves one; nodes and add-ons hold.",
			target: "1.35", cp: "1.33", ng: "1.33",
			want: Plan{ControlPlane: "1.34", NodeGroup: "1.33", Addons: "1.33", Step: "control plane 1.33 → 1.34 (target 1.35); the node group and add-ons follow"},
		},
		"SecondStep": {
			reason: "The control plane reached 1.34: it moves on to 1.35; nodes still hold.",
			target: "1.35", cp: "1.34", ng: "1.33",
			want: Plan{ControlPlane: "1.35", NodeGroup: "1.33", Addons: "1.33", Step: "control plane 1.34 → 1.35 (target 1.35); the node group and add-ons follow"},
		},
		"Nodes": {
			reason: "The control plane is at the target: the node group follows; add-ons hold.",
			target: "1.35", cp: "1.35", ng: "1.33",
			want: Plan{ControlPlane: "1.35", NodeGroup: "1.35", Addons: "1.33", Step: "node group 1.33 → 1.35; add-ons follow"},
		},
		"ClusterWithoutNodes": {
			reason: "A node group created while the control plane is behind gets the control plane's version.",
			target: "1.35", cp: "1.34",
			want: Plan{ControlPlane: "1.35", NodeGroup: "1.34", Addons: "1.34", Step: "control plane 1.34 → 1.35 (target 1.35); the node group and add-ons follow"},
		},
		"AheadOfSpec": {
			reason: "EKS upgraded the control plane past the spec (STANDARD support ended) and cannot downgrade: keep what runs, hold the node group, and ask for the spec to be raised; never refuse.",
			target: "1.34", cp: "1.35", ng: "1.34",
			want: Plan{ControlPlane: "1.35", NodeGroup: "1.34", Ahead: `the control plane runs 1.35, later than spec.cluster.version "1.34" (EKS upgrades clusters of support type STANDARD when standard support ends, and cannot downgrade): the function keeps 1.35; raise spec.cluster.version to 1.35, then the node group and add-ons follow`},
		},
		"AheadOfSpecWithoutNodes": {
			reason: "A node group created while the control plane is ahead of the spec gets the control plane's version.",
			target: "1.34", cp: "1.35",
			want: Plan{ControlPlane: "1.35", NodeGroup: "1.35", Ahead: `the control plane runs 1.35, later than spec.cluster.version "1.34" (EKS upgrades clusters of support type STANDARD when standard support ends, and cannot downgrade): the function keeps 1.35; raise spec.cluster.version to 1.35, then the node group and add-ons follow`},
		},
		"TooFarAheadOfNodes": {
			reason: "The kubelet skew limit: nodes on 1.32 cannot follow a control plane on 1.36.",
			target: "1.36", cp: "1.32", ng: "1.32",
			errField: "spec.cluster.version", errSays: "kubelet skew",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := PlanVersions(tc.target, tc.cp, tc.ng)
			if tc.errField != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.errField+": ") || !strings.Contains(err.Error(), tc.errSays) {
					t.Fatalf("%s\nPlanVersions: %v, want an error on %s saying %q", tc.reason, err, tc.errField, tc.errSays)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nPlanVersions (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestAddonVersion is the rule that decides an add-on's version: pins win; an unpinned add-on is created
// at the table's version and moves only when spec.cluster.version steps, after the node group reached it,
// never below what it runs; a minor the table lacks leaves it unpinned.
func TestAddonVersion(t *testing.T) {
	table := map[string]string{"1.34": "v1.13.2-eksbuild.11", "1.35": "v1.14.3-eksbuild.3"}
	defaults := func(minor string) string { return table[minor] }
	steady := Plan{AddonsAtTarget: true, Addons: "1.35"}
	upgrading := Plan{AddonsAtTarget: false, Addons: "1.34"} // control plane at 1.35, node group still 1.34
	cases := map[string]struct {
		reason        string
		plan          Plan
		state         AddonState
		want, follows string
	}{
		"NewGetsTable": {
			reason: "A new environment's add-on is created at the table's version for its minor.",
			plan:   steady, state: AddonState{},
			want: "v1.14.3-eksbuild.3", follows: "1.35",
		},
		"NewUnknownMinor": {
			reason: "A minor the table lacks: no version (EKS's default); Resolve warns.",
			plan:   Plan{AddonsAtTarget: true, Addons: "1.36"}, state: AddonState{},
			want: "", follows: "1.36",
		},
		"KeepsObservedAtSameMinor": {
			reason: "The table has a newer version for 1.35, but the cluster version did not step: nothing moves.",
			plan:   steady, state: AddonState{Observed: "v1.12.0-eksbuild.1", Exists: true, Follows: "1.35"},
			want: "v1.12.0-eksbuild.1", follows: "1.35",
		},
		"AdoptsUnrecorded": {
			reason: "An add-on made before versions followed the cluster is adopted where it runs.",
			plan:   steady, state: AddonState{Observed: "v1.0.0-eksbuild.1", Exists: true},
			want: "v1.0.0-eksbuild.1", follows: "1.35",
		},
		"HoldsWhileNodesLag": {
			reason: "The control plane reached 1.35 but the node group runs 1.34: the add-on stays.",
			plan:   upgrading, state: AddonState{Observed: "v1.12.0-eksbuild.1", Exists: true, Follows: "1.34"},
			want: "v1.12.0-eksbuild.1", follows: "1.34",
		},
		"AdoptsUnrecordedDuringUpgrade": {
			reason: "Adopted mid-upgrade, it follows the node group's minor, so it still moves once the nodes are at the target.",
			plan:   upgrading, state: AddonState{Observed: "v1.0.0-eksbuild.1", Exists: true},
			want: "v1.0.0-eksbuild.1", follows: "1.34",
		},
		"StepsAtTarget": {
			reason: "spec.cluster.version stepped and the node group runs it: the new minor's version.",
			plan:   steady, state: AddonState{Observed: "v1.13.2-eksbuild.11", Exists: true, Follows: "1.34"},
			want: "v1.14.3-eksbuild.3", follows: "1.35",
		},
		"NeverBelowObserved": {
			reason: "Someone upgraded the add-on past the table's version: it keeps what it runs.",
			plan:   steady, state: AddonState{Observed: "v1.14.3-eksbuild.10", Exists: true, Follows: "1.34"},
			want: "v1.14.3-eksbuild.10", follows: "1.35",
		},
		"UnreadableObservedStays": {
			reason: "A version that does not read cannot be compared: it stays.",
			plan:   steady, state: AddonState{Observed: "1.14", Exists: true, Follows: "1.34"},
			want: "1.14", follows: "1.35",
		},
		"StepToUnknownMinor": {
			reason: "The table lacks the new minor: the add-on keeps its version and still follows the old minor, so it moves once a release has the minor.",
			plan:   Plan{AddonsAtTarget: true, Addons: "1.36"}, state: AddonState{Observed: "v1.14.3-eksbuild.3", Exists: true, Follows: "1.35"},
			want: "v1.14.3-eksbuild.3", follows: "1.35",
		},
		"PinWins": {
			reason: "A pin wins over the table.",
			plan:   steady, state: AddonState{Pinned: "v1.11.0-eksbuild.1", Observed: "v1.12.0-eksbuild.1", Exists: true, Follows: "1.35"},
			want: "v1.11.0-eksbuild.1", follows: "1.35",
		},
		"CreatePinned":       {reason: "A new add-on at its pin.", plan: steady, state: AddonState{Pinned: "v1.2.0-eksbuild.1"}, want: "v1.2.0-eksbuild.1", follows: "1.35"},
		"CreateDuringUpdate": {reason: "A new add-on at its pin, even mid-upgrade.", plan: upgrading, state: AddonState{Pinned: "v1.2.0-eksbuild.1"}, want: "v1.2.0-eksbuild.1", follows: "1.34"},
		"HoldPinDuringUpgrade": {
			reason: "A new pin waits for the node group.",
			plan:   upgrading, state: AddonState{Pinned: "v1.2.0-eksbuild.1", Observed: "v1.1.0-eksbuild.1", Exists: true, Follows: "1.34"},
			want: "v1.1.0-eksbuild.1", follows: "1.34",
		},
		"ApplyPinAtTarget": {
			reason: "A new pin applies once the node group runs the cluster's version.",
			plan:   steady, state: AddonState{Pinned: "v1.2.0-eksbuild.1", Observed: "v1.1.0-eksbuild.1", Exists: true, Follows: "1.34"},
			want: "v1.2.0-eksbuild.1", follows: "1.35",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v, follows := AddonVersion(tc.plan, tc.state, defaults)
			if v != tc.want || follows != tc.follows {
				t.Errorf("%s\nAddonVersion = %q following %q, want %q following %q", tc.reason, v, follows, tc.want, tc.follows)
			}
		})
	}
}

// TestUpgradeSequence upgrades the seed's running cluster from 1.33 to 1.35 with a new kube-proxy pin,
// observing after every pass what the builders rendered the way AWS would apply it, and records the
// versions each pass renders: the control plane one minor at a time, then the node group, then the add-on.
func TestUpgradeSequence(t *testing.T) {
	const oldProxy, newProxy = "v1.33.0-eksbuild.2", "v1.35.0-eksbuild.1"
	spec := seedSpec()
	spec.Version = "1.33"
	spec.AddonVersions.KubeProxy = oldProxy
	network := networkObserved(t)
	observed, _ := walkSpec(t, "prod", spec, network, nil, func(string) bool { return true })

	spec.Version = "1.35"
	spec.AddonVersions.KubeProxy = newProxy
	// Upgrading is what the builder reports for the Applied condition (compose.Result.Upgrading): every pass
	// that moves something in place says so, down to the one that moves the add-ons, so Applied is never
	// True between two steps.
	type step struct {
		ControlPlane, NodeGroup, KubeProxy, Upgrade string
		Upgrading                                   map[string]string
	}
	var got []step
	for pass := 0; pass < 10; pass++ {
		env, out := resolveBuild(t, "prod", spec, observed)
		ct.Validate(t, out.Resources)
		s := step{
			ControlPlane: ct.ForProvider(ct.Find(t, out.Resources, compose.Cluster))["version"].(string),
			NodeGroup:    ct.ForProvider(ct.Find(t, out.Resources, compose.NodeGroup))["version"].(string),
			KubeProxy:    ct.ForProvider(ct.Find(t, out.Resources, addonName(AddonKubeProxy)))["addonVersion"].(string),
			Upgrade:      out.Outputs.Upgrade,
			Upgrading:    out.Upgrades,
		}
		if len(got) > 0 && cmp.Equal(got[len(got)-1], s) {
			break
		}
		got = append(got, s)
		// AWS applies what was rendered; the provider reports it.
		observed = observeOnce(t, env, out, network)
	}
	want := []step{
		{"1.34", "1.33", oldProxy, "control plane 1.33 → 1.34 (target 1.35); the node group and add-ons follow", map[string]string{
			"cluster": "control plane 1.33 → 1.34 (target 1.35); the node group and add-ons follow"}},
		{"1.35", "1.33", oldProxy, "control plane 1.34 → 1.35 (target 1.35); the node group and add-ons follow", map[string]string{
			"cluster": "control plane 1.34 → 1.35 (target 1.35); the node group and add-ons follow"}},
		{"1.35", "1.35", oldProxy, "node group 1.33 → 1.35; add-ons follow", map[string]string{
			"cluster": "node group 1.33 → 1.35; add-ons follow"}},
		{"1.35", "1.35", newProxy, "", map[string]string{"addons": "add-on versions " +
			"addons-vpc-cni v1.20.4-eksbuild.2 → v1.21.1-eksbuild.1, addons-kube-proxy " + oldProxy + " → " + newProxy + ", " +
			"addons-coredns v1.12.4-eksbuild.18 → v1.14.3-eksbuild.3, addons-ebs-csi v1.56.0-eksbuild.1 → v1.57.1-eksbuild.1 (Kubernetes 1.35)"}},
		{"1.35", "1.35", newProxy, "", nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("upgrade steps (-want +got):\n%s", diff)
	}
}

// TestUpgradeWaits checks the components' wait messages during the first upgrade step.
func TestUpgradeWaits(t *testing.T) {
	spec := seedSpec()
	spec.Version = "1.33"
	spec.AddonVersions.CoreDNS = "v1.11.4-eksbuild.2"
	observed, _ := walkSpec(t, "prod", spec, networkObserved(t), nil, func(string) bool { return true })
	spec.Version = "1.35"
	spec.AddonVersions.CoreDNS = "v1.12.1-eksbuild.2"
	_, out := resolveBuild(t, "prod", spec, observed)
	want := map[string]string{
		"cluster": "upgrading: control plane 1.33 → 1.34 (target 1.35); the node group and add-ons follow",
		"nodes":   "the node group stays at 1.33 until the control plane reaches 1.35",
		"addons":  "add-on versions follow once the node group runs 1.35",
	}
	if diff := cmp.Diff(want, out.Waiting); diff != "" {
		t.Errorf("waiting (-want +got):\n%s", diff)
	}
}

// observeOnce observes one build as if AWS applied it at once and everything is Ready.
func observeOnce(t *testing.T, env *compose.Env, out Output, network compose.Observed) compose.Observed {
	t.Helper()
	next := ct.ObserveAll(nil, ct.Assemble(t, env, out.Result), observe.Options{Namespace: env.Namespace, Region: env.Region})
	maps.Copy(next, network) // the network stays as it is observed
	return next
}

// TestUnreadableObservedVersion: a cluster whose status does not read as 1.N (a broken status) is not
// refused; the version last rendered says where it runs, so an upgrade still moves one minor at a time.
func TestUnreadableObservedVersion(t *testing.T) {
	cases := map[string]struct {
		reason string
		status any
		want   string
	}{
		"NotAVersion": {reason: "A string that is not 1.N.", status: "17", want: "1.34"},
		"WrongType":   {reason: "A number where AWS reports a string.", status: 1.33, want: "1.34"},
		"Readable":    {reason: "The status as AWS reports it.", status: "1.34", want: "1.35"},
	}
	spec := seedSpec()
	spec.Version = "1.33"
	base, _ := walkSpec(t, "prod", spec, networkObserved(t), nil, func(string) bool { return true })
	spec.Version = "1.35"
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			observed := compose.Observed{}
			for k, v := range base {
				observed[k] = v
			}
			cp := ct.JSONCopy(observed[compose.Cluster])
			cp["status"].(map[string]any)["atProvider"].(map[string]any)["version"] = tc.status
			observed[compose.Cluster] = cp
			env := ct.Env("prod", observed)
			r, err := Resolve(spec, env)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Build(env, r)
			if err != nil {
				t.Fatalf("%s\nBuild: %v", tc.reason, err)
			}
			if got := ct.ForProvider(ct.Find(t, out.Resources, compose.Cluster))["version"]; got != tc.want {
				t.Errorf("%s\ncontrol plane version = %v, want %s", tc.reason, got, tc.want)
			}
		})
	}
}
