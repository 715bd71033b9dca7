package cluster

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Node group replacement. EKS cannot change a managed node group's instance types, AMI type, capacity
// type, subnets, node role, launch template ID or name (Terraform's aws_eks_node_group marks them
// ForceNew; see nodeGroupForceNew), upjet refuses such an update (the managed resource goes
// Synced=False) and Crossplane never replaces a managed resource. So the function replaces the group
// itself, create before destroy, one step per reconcile, each step decided by observed state alone:
//
//  1. the spec's ForceNew inputs differ from every observed group's: a new group is rendered under a new
//     composition resource name, metadata.name and EKS name ("nodes-group-<hash of the inputs>"), with the
//     same role and launch template and a desired size of at least the old group's; the old group is
//     kept as observed;
//  2. the new group is observed Ready (ACTIVE: EKS reports it so once its nodes joined): the old group
//     gets a NoSchedule taint (EKS applies it to the running nodes through UpdateNodegroupConfig, in
//     place), and what names the node group moves to the new one (NodeGroupName: the releases' gate and
//     their "uses nodes" Usages);
//  3. the taint is observed applied and no observed Usage names the old group any more: the old group is
//     retired. EKS scales it to zero, draining each node (pods land on the new nodes only: the old ones
//     are tainted), and terminates a node whose drain does not finish in time.
//
// Once an old group carries the taint the new group serves for good (a flapping Ready moves nothing back).
// A replacement EKS could not create (CREATE_FAILED) is reported; set back in the spec, it is retired
// without a taint. Setting the spec back at any step makes the matching observed group the spec's again
// and the other one the old group.
//
// The first group keeps the name it has always had ("nodes-group", no suffix): an environment whose
// ForceNew inputs did not change sees no rename (a renamed composition resource is a delete and a create).

// retiringTaint is the taint a replaced group's nodes get before the group is deleted.
var retiringTaint = map[string]any{"key": "platform.cloudpartner.pro/retiring", "value": "true", "effect": "NO_SCHEDULE"}

// nodeGroupForceNew are the node group's forProvider fields the function sets that force a new node
// group (hashicorp/terraform-provider-aws internal/service/eks/node_group.go, commit 012e0a32: ami_type,
// capacity_type, instance_types, subnet_ids, node_role_arn, cluster_name, launch_template.id/name,
// node_group_name, disk_size and remote_access are ForceNew; the last three are not set by the function:
// the disk is in the launch template, the name is the external name, there is no SSH access). The role,
// cluster and launch template are the same composed resources for every generation, so only the first
// four can differ between two renders; subnets follow the zones.
type nodeGroupForceNew struct {
	InstanceTypes []string
	AMIType       string
	CapacityType  string
	Subnets       []string // composition resource names of the subnets (the refs' targets)
}

// capacityType is the node group's purchase option; the spec has no knob for it.
const capacityType = "ON_DEMAND"

func desiredForceNew(env *compose.Env, ng v1alpha1.ResolvedNodeGroup) nodeGroupForceNew {
	subnets := make([]string, 0, len(env.Zones))
	for _, s := range env.Subnets(compose.TierPrivate) {
		subnets = append(subnets, env.ResourceName(s))
	}
	return nodeGroupForceNew{InstanceTypes: ng.InstanceTypes, AMIType: ng.AMIType, CapacityType: capacityType, Subnets: subnets}
}

// key is the inputs as one string; generation names carry a hash of it.
func (f nodeGroupForceNew) key() string {
	return strings.Join([]string{strings.Join(f.InstanceTypes, ","), f.AMIType, f.CapacityType, strings.Join(f.Subnets, ",")}, "/")
}

// generation is the composition resource name of a replacement group with these inputs.
func (f nodeGroupForceNew) generation() string {
	sum := sha256.Sum256([]byte(f.key()))
	return compose.NodeGroup + "-" + hex.EncodeToString(sum[:])[:8]
}

// observedForceNew reads an observed group's inputs from the spec it was applied with. A field that does
// not read stays empty: it is unknown, not different (see sameInputs).
func observedForceNew(env *compose.Env, name string) nodeGroupForceNew {
	var f nodeGroupForceNew
	types, _ := env.Observed.Value(name, "spec.forProvider.instanceTypes")
	list, _ := types.([]any)
	for _, t := range list {
		s, _ := t.(string)
		f.InstanceTypes = append(f.InstanceTypes, s)
	}
	f.AMIType, _ = env.Observed.String(name, "spec.forProvider.amiType")
	f.CapacityType, _ = env.Observed.String(name, "spec.forProvider.capacityType")
	refs, _ := env.Observed.Value(name, "spec.forProvider.subnetIdRefs")
	rl, _ := refs.([]any)
	for _, r := range rl {
		m, _ := r.(map[string]any)
		s, _ := m["name"].(string)
		f.Subnets = append(f.Subnets, s)
	}
	return f
}

// sameInputs reports whether an observed group's inputs are the spec's. A field observed empty does not
// count as a difference: a group is replaced only on a difference that reads, never on a guess (an odd
// observed object, a field an older release did not set).
func sameInputs(observed, want nodeGroupForceNew) bool {
	same := func(o, w string) bool { return o == "" || o == w }
	return (len(observed.InstanceTypes) == 0 || strings.Join(observed.InstanceTypes, ",") == strings.Join(want.InstanceTypes, ",")) &&
		same(observed.AMIType, want.AMIType) && same(observed.CapacityType, want.CapacityType) &&
		(len(observed.Subnets) == 0 || strings.Join(observed.Subnets, ",") == strings.Join(want.Subnets, ","))
}

// nodeGroupPlan is which node groups exist and what each one is for this pass.
type nodeGroupPlan struct {
	// Current is the group the spec wants (rendered from the spec).
	Current string
	// Old are the observed groups the spec no longer wants, in name order.
	Old []string
	// Serving is the group workloads run on: Current once it is Ready (or when nothing is replaced),
	// else the old group.
	Serving string
}

// replacing reports whether a replacement is in progress.
func (p nodeGroupPlan) replacing() bool { return len(p.Old) > 0 }

// planNodeGroups reads which node groups are observed (composition resource names nodes-group and
// nodes-group-…, of kind NodeGroup) and decides which one the spec wants.
func planNodeGroups(env *compose.Env, ng v1alpha1.ResolvedNodeGroup) nodeGroupPlan {
	want := desiredForceNew(env, ng)
	var groups []string
	for name, obj := range env.Observed {
		if name != compose.NodeGroup && !strings.HasPrefix(name, compose.NodeGroup+"-") {
			continue
		}
		if obj["kind"] != "NodeGroup" {
			continue
		}
		groups = append(groups, name)
	}
	sort.Strings(groups) // "nodes-group" sorts first
	p := nodeGroupPlan{}
	switch next := want.generation(); {
	case env.Observed.Exists(next):
		p.Current = next
	default:
		for _, g := range groups {
			if sameInputs(observedForceNew(env, g), want) {
				p.Current = g
				break
			}
		}
		if p.Current == "" {
			p.Current = compose.NodeGroup // a new environment's first group
			if len(groups) > 0 {
				p.Current = next
			}
		}
	}
	for _, g := range groups {
		if g != p.Current {
			p.Old = append(p.Old, g)
		}
	}
	p.Serving = p.Current
	if p.replacing() && !groupActive(env, p.Current) && !tookOver(env, p.Old) {
		p.Serving = p.Old[0]
		for _, g := range p.Old {
			if env.Observed.Ready(g) {
				p.Serving = g
				break
			}
		}
	}
	return p
}

// groupActive reports whether a node group is observed Ready and, where AWS's status reads, ACTIVE.
func groupActive(env *compose.Env, name string) bool {
	if !env.Observed.Ready(name) {
		return false
	}
	s, ok := env.Observed.String(name, "status.atProvider.status")
	return !ok || s == "ACTIVE"
}

// generationAWSName is the EKS name of a group: the first keeps the name it always had; a replacement's
// carries its generation suffix, since EKS names are unique in the cluster and both groups run at once.
func generationAWSName(env *compose.Env, name string) string {
	if name == compose.NodeGroup {
		return env.AWSName(compose.RuleEKSNodeGroup, "nodes")
	}
	return env.AWSName(compose.RuleEKSNodeGroup, "nodes"+strings.TrimPrefix(name, compose.NodeGroup))
}

// replacementDesiredSize is the desired size a replacement group is created with: at least what the old
// groups run now (the autoscaler may have scaled them past the spec's desired size), within the spec's
// maximum.
func replacementDesiredSize(env *compose.Env, ng v1alpha1.ResolvedNodeGroup, old []string) int32 {
	size := ng.DesiredSize
	for _, g := range old {
		for _, path := range []string{"status.atProvider.scalingConfig.desiredSize", "spec.initProvider.scalingConfig.desiredSize"} {
			if n, ok := env.Observed.Int32(g, path); ok {
				if n > size {
					size = n
				}
				break
			}
		}
	}
	if size > ng.MaxSize {
		size = ng.MaxSize
	}
	return size
}

// oldNodeGroups renders the groups being replaced: kept as observed until the new group is active, then
// tainted NoSchedule, then retired once the taint is applied and no Usage names them.
func oldNodeGroups(env *compose.Env, p nodeGroupPlan) compose.Result {
	var res compose.Result
	if !p.replacing() {
		return res
	}
	// Each step is both the component's wait (the XR is not Ready meanwhile) and the replacement's step,
	// which the Applied condition reports (Applied=False/Replacing) and Argo CD shows as Progressing.
	step := func(msg string) {
		res.Wait("nodes", msg)
		res.Replacing("nodes", msg)
	}
	if createFailed(env, p.Current) {
		step("replacing the node group: EKS could not create " + p.Current + " (CREATE_FAILED); " +
			strings.Join(p.Old, ", ") + " keeps serving: fix spec.cluster.nodeGroup (e.g. instance types the zones offer) or set it back")
		return res
	}
	if !groupActive(env, p.Current) && tookOver(env, p.Old) {
		// Ready once, then not (a flapping condition, a node group update): what moved stays moved and the
		// old groups stay tainted as observed; nothing is retired until the new group is Ready again.
		step("replacing the node group: " + p.Current + " took over and is not Ready now; " +
			strings.Join(p.Old, ", ") + " stays tainted until it is")
		return res
	}
	if !groupActive(env, p.Current) {
		step("replacing the node group: " + p.Current + " is being created (its ForceNew inputs changed); " +
			strings.Join(p.Old, ", ") + " keeps serving until it is active")
		return res
	}
	for _, g := range p.Old {
		if (taintApplied(env, g) || createFailed(env, g)) && !usedByUsage(env, g) {
			res.Retire(g)
			continue
		}
		m, ok := env.AsObserved(g)
		if !ok {
			continue // Assemble keeps it as it is; nothing to taint
		}
		fp, _ := m.Resource().Object["spec"].(map[string]any)["forProvider"].(map[string]any)
		if fp == nil {
			fp = map[string]any{}
		}
		m.ForProvider(map[string]any{"taint": withTaint(fp["taint"])})
		res.Add(m)
		step("replacing the node group: " + p.Current + " is active; " + g +
			" is tainted NoSchedule and retired once the taint is applied and no Usage names it")
	}
	return res
}

// tookOver reports whether the switch to the new group happened: an old group carries the retiring taint
// in the spec it was applied with. From then on the new group serves, even should its Ready condition
// flap: moving the Usages and gates back and forth would help nothing.
func tookOver(env *compose.Env, old []string) bool {
	for _, g := range old {
		v, _ := env.Observed.Value(g, "spec.forProvider.taint")
		list, _ := v.([]any)
		for _, t := range list {
			if m, ok := t.(map[string]any); ok && m["key"] == retiringTaint["key"] {
				return true
			}
		}
	}
	return false
}

// withTaint returns the observed taints plus retiringTaint (once).
func withTaint(observed any) []any {
	list, _ := observed.([]any)
	out := make([]any, 0, len(list)+1)
	for _, t := range list {
		if m, ok := t.(map[string]any); ok && m["key"] == retiringTaint["key"] {
			continue
		}
		out = append(out, t)
	}
	return append(out, map[string]any{"key": retiringTaint["key"], "value": retiringTaint["value"], "effect": retiringTaint["effect"]})
}

// taintApplied reports whether AWS reports the retiring taint on the group (status.atProvider.taint is
// what EKS describes after the update), with the managed resource Synced.
func taintApplied(env *compose.Env, name string) bool {
	v, _ := env.Observed.Value(name, "status.atProvider.taint")
	list, _ := v.([]any)
	for _, t := range list {
		if m, ok := t.(map[string]any); ok && m["key"] == retiringTaint["key"] && m["effect"] == retiringTaint["effect"] {
			return synced(env, name)
		}
	}
	return false
}

// createFailed reports whether EKS reports the group CREATE_FAILED: a replacement that never came up
// (an instance type the zones do not offer, say) and was given up by editing the spec back. Nothing runs
// on it, so there is nothing to taint, and a config update of a failed group would not succeed anyway.
func createFailed(env *compose.Env, name string) bool {
	s, _ := env.Observed.String(name, "status.atProvider.status")
	return s == "CREATE_FAILED"
}

// synced reports whether the resource's Synced condition is True (the last update reached AWS).
func synced(env *compose.Env, name string) bool {
	v, _ := env.Observed.Value(name, "status.conditions")
	conds, _ := v.([]any)
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Synced" {
			return m["status"] == "True"
		}
	}
	return false
}

// usedByUsage reports whether an observed Crossplane Usage still names the group as the used resource:
// retiring the group before the Usage moved would have Crossplane's webhook refuse its deletion (and
// replay it once the Usage's user is gone).
func usedByUsage(env *compose.Env, name string) bool {
	target := env.ResourceName(name)
	if n, ok := env.Observed.String(name, "metadata.name"); ok {
		target = n
	}
	for u, obj := range env.Observed {
		if obj["kind"] != "Usage" {
			continue
		}
		if n, _ := env.Observed.String(u, "spec.of.resourceRef.name"); n == target {
			return true
		}
	}
	return false
}
