package incluster

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// The deletion order of everything in the cluster, in one table. A Crossplane Usage says: while the
// composed resource `by` exists, the composed resource `of` cannot be deleted (Crossplane's admission
// webhook refuses it), and once `by` is gone the blocked deletion is replayed. So when an environment is
// deleted, the workloads go first, through a kubeconfig and controllers that still work:
//
//   - a ProviderConfig holds the cluster, ClusterAuth (its kubeconfig) and the provider's access entry
//     with its cluster-admin association (crossplane-runtime's in-use finalizer holds the ProviderConfig
//     while any Object or Release uses it);
//   - a controller's release holds its IAM role, policy and Pod Identity association, and nodes to run on
//     (a controller with finalizers to process must still be running);
//   - an External Secrets object holds the operator, whose finalizer it carries;
//   - a TargetGroupBinding holds the load balancer controller (whose finalizer deregisters the targets)
//     and the target group.

// Holder is a kind of in-cluster resource that holds others until it is gone.
type Holder string

// The holders.
const (
	ProviderConfigHolder  Holder = "ProviderConfig"
	ControllerHolder      Holder = "controller release"
	ExternalSecretsHolder Holder = "External Secrets object"
	BindingHolder         Holder = "TargetGroupBinding"
)

// Holds is what a holder's rows name besides fixed resources: a controller's workload identity, a
// binding's target group.
type Holds struct {
	Identity    Identity
	TargetGroup string
}

// held is one row: the Usage <by>-uses-<suffix> keeps the resource `of` names.
type held struct {
	suffix string
	of     func(b Builder, h Holds) string
}

func fixed(name string) func(Builder, Holds) string {
	return func(Builder, Holds) string { return name }
}

// deletionOrder is the table, in the order the Usages render.
var deletionOrder = map[Holder][]held{
	ProviderConfigHolder: {
		{"auth", fixed(compose.ClusterAuth)},
		{"cluster", fixed(compose.Cluster)},
		{"access", fixed(compose.ClusterProviderAccess)},
		{"access-policy", fixed(compose.ClusterProviderAccessPolicy)},
	},
	ControllerHolder: {
		{"role", func(_ Builder, h Holds) string { return h.Identity.Role() }},
		{"policy", func(_ Builder, h Holds) string { return h.Identity.Policy() }},
		{"identity", func(_ Builder, h Holds) string { return h.Identity.Association() }},
		{"nodes", func(b Builder, _ Holds) string { return b.Env.NodeGroupName() }},
	},
	ExternalSecretsHolder: {
		{"eso", fixed(ESORelease)},
	},
	BindingHolder: {
		{"lbc", fixed(LBCRelease)},
		{"target-group", func(_ Builder, h Holds) string { return h.TargetGroup }},
	},
}

// Hold is one Usage of the table, resolved: its composition resource name and what it keeps.
type Hold struct{ Name, Of string }

// DeletionOrder resolves the holder's rows for the resource by.
func (b Builder) DeletionOrder(h Holder, by string, with Holds) []Hold {
	rows := deletionOrder[h]
	out := make([]Hold, 0, len(rows))
	for _, r := range rows {
		out = append(out, Hold{Name: by + "-uses-" + r.suffix, Of: r.of(b, with)})
	}
	return out
}

// Usages renders the Usages that keep, while by exists, what the table says its kind holds.
func (b Builder) Usages(h Holder, by string, with Holds) compose.Result {
	var res compose.Result
	for _, u := range b.DeletionOrder(h, by, with) {
		res.Merge(b.Usage(u.Name, u.Of, by))
	}
	return res
}

// Usage renders one Crossplane Usage: of is kept while by exists. Both live in the environment's
// namespace. A Usage can only be created when both exist (Crossplane resolves them to add its in-use
// label), so it waits for them; once it exists and one of them cannot be read, it is not rendered and
// stays as observed while the spec wants it.
func (b Builder) Usage(name, of, by string) compose.Result {
	var res compose.Result
	ofRef, ofOK := b.reference(of)
	byRef, byOK := b.reference(by)
	if !res.Gate(b.Env.Observed, name, compose.Needs(ofOK, of+" to exist"), compose.Needs(byOK, by+" to exist")) {
		return res
	}
	res.Add(b.Env.New(name, UsageAPI, "Usage").Spec(map[string]any{"of": ofRef, "by": byRef, "replayDeletion": true}))
	return res
}

// reference is a Usage's reference to an observed composed resource: its apiVersion, kind and name.
func (b Builder) reference(name string) (map[string]any, bool) {
	apiVersion, ok1 := b.Env.Observed.String(name, "apiVersion")
	kind, ok2 := b.Env.Observed.String(name, "kind")
	if !ok1 || !ok2 {
		return nil, false
	}
	return map[string]any{
		"apiVersion":  apiVersion,
		"kind":        kind,
		"resourceRef": map[string]any{"name": b.Env.ResourceName(name)},
	}, true
}
