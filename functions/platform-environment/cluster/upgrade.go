package cluster

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// maxKubeletSkew is how many minor versions kubelets may lag behind the API server (Kubernetes' version
// skew policy since 1.28). The node group follows the control plane only once the control plane reached
// the target, so a target further than this from the nodes' version would break the nodes on the way.
const maxKubeletSkew = 3

// Plan is the versions to render in one reconcile, in the safe upgrade order: the control plane steps one
// minor version at a time (EKS allows nothing else), the node group follows once the control plane is at
// the target, and add-on versions (pins, or the defaults of the new minor) follow once the node group is
// there too.
type Plan struct {
	// ControlPlane is the version to render on the cluster.
	ControlPlane string
	// NodeGroup is the version to render on the node group.
	NodeGroup string
	// AddonsAtTarget is true when add-on versions may move (to a new pin, or to the default versions of
	// a new Kubernetes minor); until then, add-ons that exist keep the version they run.
	AddonsAtTarget bool
	// Addons is the Kubernetes version the add-ons follow in this pass: the target once AddonsAtTarget,
	// else the version the node group runs (the control plane's while there is no node group).
	Addons string
	// Step describes the upgrade step in progress; empty when nothing is being upgraded.
	Step string
	// Ahead says that the control plane runs a later version than the spec asks for (EKS upgraded it at
	// the end of standard support, or the spec was lowered): the function keeps what runs and asks for
	// the spec to be raised. Empty otherwise.
	Ahead string
}

// PlanVersions decides the versions to render from the target and the observed versions (empty when
// not observed yet). A new environment is created at the target directly.
func PlanVersions(target, observedCP, observedNG string) (Plan, error) {
	const field = "spec.cluster.version"
	t, err := minor(target)
	if err != nil {
		return Plan{}, compose.Invalid(field, "use a version such as "+DefaultVersion, "%q: %v", target, err)
	}
	if observedCP == "" {
		// Nothing runs yet: create everything at the target.
		return Plan{ControlPlane: target, NodeGroup: target, AddonsAtTarget: true, Addons: target}, nil
	}
	cp, err := minor(observedCP)
	if err != nil {
		// AWS reports versions as "1.35"; anything else is not something to step from.
		return Plan{}, fmt.Errorf("cannot read the cluster's observed version %q: %w", observedCP, err)
	}
	if cp > t {
		// EKS cannot downgrade, and with support type STANDARD it upgrades the control plane by itself when
		// the version's standard support ends: refusing the spec would stop every later edit of the
		// environment over a change nobody made. Keep what runs, hold the node group and the add-ons where
		// they are (the node group within the kubelet skew of the newer control plane), and say so.
		p := Plan{ControlPlane: observedCP, NodeGroup: observedNG}
		if observedNG == "" {
			p.NodeGroup = observedCP
		}
		p.Ahead = fmt.Sprintf("the control plane runs %s, later than spec.cluster.version %q (EKS upgrades clusters "+
			"of support type STANDARD when standard support ends, and cannot downgrade): the function keeps %s; "+
			"raise spec.cluster.version to %s, then the node group and add-ons follow", observedCP, target, observedCP, observedCP)
		return p, nil
	}
	if observedNG != "" {
		ng, err := minor(observedNG)
		if err != nil {
			return Plan{}, fmt.Errorf("cannot read the node group's observed version %q: %w", observedNG, err)
		}
		if t-ng > maxKubeletSkew {
			return Plan{}, compose.Invalid(field, fmt.Sprintf("upgrade to 1.%d first, then on", ng+maxKubeletSkew),
				"%q is more than %d minor versions ahead of the node group's %s (Kubernetes' kubelet skew limit)", target, maxKubeletSkew, observedNG)
		}
	}

	p := Plan{ControlPlane: target}
	if cp < t {
		p.ControlPlane = fmt.Sprintf("1.%d", cp+1)
		p.Step = fmt.Sprintf("control plane %s → %s (target %s); the node group and add-ons follow", observedCP, p.ControlPlane, target)
	}
	switch {
	case cp == t:
		p.NodeGroup = target
	case observedNG != "":
		p.NodeGroup = observedNG // hold until the control plane is at the target
	default:
		p.NodeGroup = observedCP
	}
	if cp == t && observedNG != "" && observedNG != target {
		p.Step = fmt.Sprintf("node group %s → %s; add-ons follow", observedNG, target)
	}
	p.AddonsAtTarget = cp == t && (observedNG == "" || observedNG == target)
	switch {
	case p.AddonsAtTarget:
		p.Addons = target
	case observedNG != "":
		p.Addons = observedNG
	default:
		p.Addons = observedCP
	}
	return p, nil
}

// minor returns the minor version of "1.N".
func minor(v string) (int, error) {
	major, m, ok := strings.Cut(v, ".")
	if !ok || major != "1" {
		return 0, fmt.Errorf("not a Kubernetes 1.N version")
	}
	n, err := strconv.Atoi(m)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a Kubernetes 1.N version")
	}
	return n, nil
}

// AddonState is what an add-on's version is decided from in one pass.
type AddonState struct {
	// Pinned is the spec's version (spec.cluster.addonVersions), empty when unpinned.
	Pinned string
	// Observed is the version the add-on runs (else the one last rendered); empty when not known.
	Observed string
	// Exists is true once the add-on is observed.
	Exists bool
	// Follows is the Kubernetes minor the add-on's version was last set for (its followsAnnotation);
	// empty on an add-on made before versions followed the cluster.
	Follows string
}

// AddonVersion decides the version to render for an add-on ("" renders none: EKS's default) and the
// Kubernetes minor to record that it follows. defaults is the table's version for a minor ("" when the
// table lacks it).
//
//   - A pin wins: a new add-on is created at it, an existing one moves to it once the node group runs the
//     cluster's version (plan.AddonsAtTarget).
//   - An unpinned new add-on is created at the table's version for plan.Addons.
//   - An unpinned existing add-on keeps the version it runs while it follows plan.Addons, so a change of the
//     table moves nothing; once spec.cluster.version stepped and the node group reached it, the add-on
//     takes the table's version for the new minor, never one below the version it runs. Where the table
//     lacks the new minor the add-on keeps its version and still follows the old minor, so it moves once a
//     release's table has the minor. An add-on without a record is adopted as following plan.Addons.
func AddonVersion(plan Plan, s AddonState, defaults func(k8s string) string) (version, follows string) {
	k8s := plan.Addons
	follows = s.Follows
	if follows == "" {
		follows = k8s
	}
	switch {
	case s.Pinned != "" && (!s.Exists || plan.AddonsAtTarget || s.Observed == ""):
		return s.Pinned, k8s
	case s.Pinned != "":
		return s.Observed, follows // hold until the node group runs the cluster's version
	case !s.Exists:
		return defaults(k8s), k8s
	case follows == k8s:
		return s.Observed, follows
	}
	d := defaults(k8s)
	if d == "" {
		return s.Observed, follows
	}
	if s.Observed != "" {
		if c, ok := compareAddonVersions(d, s.Observed); !ok || c < 0 {
			// Never below what runs: a step must not take back an upgrade made by hand. A version that does
			// not read cannot be compared, so it stays too.
			return s.Observed, k8s
		}
	}
	return d, k8s
}
