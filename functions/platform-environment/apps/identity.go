package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// identity is a workload's own IAM role, bound to one Kubernetes service account through EKS Pod
// Identity: composition resources <prefix>-role (the role), <prefix>-policy (its inline policy) and
// <prefix>-identity (the PodIdentityAssociation).
type identity struct {
	// prefix of the three composition resource names.
	prefix string
	// awsPart names the role in AWS (see compose.AWSName).
	awsPart     string
	description string
	namespace   string
	sa          string
}

func (i identity) role() string        { return i.prefix + "-role" }
func (i identity) policy() string      { return i.prefix + "-policy" }
func (i identity) association() string { return i.prefix + "-identity" }

// names are the identity's composition resource names.
func (i identity) names() []string { return []string{i.role(), i.policy(), i.association()} }

// workloadIdentity renders the role, its inline policy and the association. The policy needs the account
// (for ARNs) and whatever else build needs; build returns ok=false until it can be written, and the
// policy waits (an existing one is not rendered then and stays as observed). The association needs the cluster to be Ready (EKS API); pods pick the role up when they
// start, so workloads wait for ready().
func (b *builder) workloadIdentity(id identity, build func() (compose.PolicyDocument, bool, string)) compose.Result {
	var res compose.Result
	res.Add(b.env.NewAWS(id.role(), iamAPI, "Role").
		ExternalName(b.env.AWSName(compose.RuleIAM, id.awsPart)).
		ForProvider(map[string]any{
			"description":      id.description + " of " + b.env.Namespace + "/" + b.env.Name + " (EKS Pod Identity: " + id.namespace + "/" + id.sa + ")",
			"assumeRolePolicy": compose.MustJSON(compose.PodIdentityTrustPolicy()),
		}))

	res.Want(id.role())
	if doc, ok, waitFor := build(); res.Gate(b.env.Observed, id.policy(), compose.Needs(ok, waitFor)) {
		res.Add(b.env.NewAWS(id.policy(), iamAPI, "RolePolicy").Untagged().ForProvider(map[string]any{
			"roleRef": b.env.Ref(id.role()),
			"policy":  compose.MustJSON(doc),
		}))
	}

	if res.Gate(b.env.Observed, id.association(), b.env.Observed.ReadyCond(compose.Cluster)) {
		res.Add(b.env.PodIdentityAssociation(id.association(), id.namespace, id.sa, id.role()))
	}
	return res
}

// identityReady is the condition that a workload identity is in place: its role, policy and association
// are Ready, and the Pod Identity agent that hands pods their credentials runs on the nodes.
func (b *builder) identityReady(id identity) compose.Cond {
	for _, n := range append(id.names(), compose.PodIdentityAgent) {
		if !b.env.Observed.Ready(n) {
			return compose.Known(false, n+" to be Ready (pods get their role's credentials through it)")
		}
	}
	return compose.Known(true, "")
}

// account is the environment's AWS account, once AWS has told it (compose.Observed.AccountID).
func (b *builder) account() (string, bool) { return b.env.Observed.AccountID() }

func (b *builder) arn(service, resource string) string {
	acct, _ := b.account()
	return "arn:" + b.env.Partition() + ":" + service + ":" + b.env.Region + ":" + acct + ":" + resource
}
