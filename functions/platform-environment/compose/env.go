package compose

import (
	"maps"
	"slices"
)

// ProviderConfigRef names the provider-aws ProviderConfig every AWS managed resource uses.
type ProviderConfigRef struct {
	Kind string
	Name string
}

// Env is what every builder needs to know about the environment it renders for. It is built once per
// RunFunction from the observed XR and is read-only for builders.
type Env struct {
	// Name and Namespace of the PlatformEnvironment.
	Name      string
	Namespace string
	// UID is the PlatformEnvironment's metadata.uid (empty where there is none, e.g. `crossplane
	// render`). Names that must differ between two lives of an environment with the same name (final
	// snapshots, which outlive it) include it.
	UID string
	// Region of every regional AWS resource.
	Region string
	// Profile is dev, staging or prod.
	Profile string
	// ProviderConfig every provider-aws managed resource uses.
	ProviderConfig ProviderConfigRef
	// DeletionProtection is the resolved flag: stateful resources keep their external resource when the
	// managed resource is deleted, and AWS deletion protection is on where AWS has it.
	DeletionProtection bool
	// Zones are the resolved availability zones, in order.
	Zones []string
	// Tags are the spec's extra tags, added to every taggable resource.
	Tags map[string]string
	// Observed composed resources, by composition resource name.
	Observed Observed
	// ServingNodeGroup is the composition resource name of the node group workloads run on. It is
	// NodeGroup until the cluster domain replaces the group (a change AWS cannot make in place, such as
	// the instance types): render sets it from the cluster's output, for the domains rendered after it.
	// Read it through NodeGroupName.
	ServingNodeGroup string
}

// NodeGroupName is the composition resource name of the node group workloads run on: what Usages and
// gates on "nodes to run on" name. It moves to a replacement group once that group is Ready.
func (e *Env) NodeGroupName() string {
	if e.ServingNodeGroup != "" {
		return e.ServingNodeGroup
	}
	return NodeGroup
}

// The ownership tags: which environment and which of its components own an AWS resource, and what
// manages it. AWS Config rules scope to the environment by the first.
const (
	TagEnvironment = "environment"
	TagComponent   = "component"
	TagManagedBy   = "managed-by"
)

// Owner is the value of the environment tag: "<namespace>/<name>" of the PlatformEnvironment.
func (e *Env) Owner() string { return e.Namespace + "/" + e.Name }

// TagsFor returns the tags of an AWS resource of the given component: the spec's extra tags, then the
// ownership tags, last so that a spec tag cannot hide which environment owns a resource. NewAWS puts them
// on every managed resource; builders use them for what AWS tags on a resource's behalf (the instances
// and volumes of a launch template), and without managed-by for what another controller writes.
func (e *Env) TagsFor(component string) map[string]any {
	t := make(map[string]any, len(e.Tags)+3)
	for k, v := range e.Tags {
		t[k] = v
	}
	t[TagEnvironment] = e.Owner()
	t[TagComponent] = component
	t[TagManagedBy] = "crossplane"
	return t
}

// sortedKeys returns m's keys in order, for deterministic iteration.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Partition returns the AWS partition of the environment's region, for ARNs.
func (e *Env) Partition() string { return Partition(e.Region) }

// Partition returns the AWS partition of a region.
func Partition(region string) string {
	switch {
	case len(region) > 3 && region[:3] == "cn-":
		return "aws-cn"
	case len(region) > 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	default:
		return "aws"
	}
}
