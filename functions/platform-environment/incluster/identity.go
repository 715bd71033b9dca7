package incluster

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Identity is a workload's own IAM role, bound to one Kubernetes service account through EKS Pod
// Identity: composition resources <prefix>-role (the role), <prefix>-policy (its inline policy) and
// <prefix>-identity (the PodIdentityAssociation).
type Identity struct {
	// Prefix of the three composition resource names.
	Prefix string
	// AWSPart names the role in AWS (see compose.AWSName).
	AWSPart     string
	Description string
	Namespace   string
	SA          string
}

func (i Identity) Role() string        { return i.Prefix + "-role" }
func (i Identity) Policy() string      { return i.Prefix + "-policy" }
func (i Identity) Association() string { return i.Prefix + "-identity" }

// Names are the identity's composition resource names.
func (i Identity) Names() []string { return []string{i.Role(), i.Policy(), i.Association()} }

// WorkloadIdentity renders the role, its inline policy and the association. The policy needs the account
// (for ARNs) and whatever else build needs; build returns ok=false until it can be written, and the
// policy waits (an existing one is not rendered then and stays as observed). The association needs the
// cluster to be Ready (EKS API); pods pick the role up when they start, so workloads wait for
// IdentityReady.
func (b Builder) WorkloadIdentity(id Identity, build func() (compose.PolicyDocument, bool, string)) compose.Result {
	var res compose.Result
	res.Want(id.Role())
	trust, ok := b.PodIdentityTrust(id)
	if res.Gate(b.Env.Observed, id.Role(), compose.Needs(ok, NeedAccount)) {
		res.Add(b.Env.NewAWS(id.Role(), IAMAPI, "Role").
			ExternalName(b.Env.AWSName(compose.RuleIAM, id.AWSPart)).
			ForProvider(map[string]any{
				"description":      id.Description + " of " + b.Env.Owner() + " (EKS Pod Identity: " + id.Namespace + "/" + id.SA + ")",
				"assumeRolePolicy": compose.MustJSON(trust),
			}))
	}

	if doc, ok, waitFor := build(); res.Gate(b.Env.Observed, id.Policy(), compose.Needs(ok, waitFor)) {
		res.Add(b.Env.NewAWS(id.Policy(), IAMAPI, "RolePolicy").Untagged().ForProvider(map[string]any{
			"roleRef": b.Env.Ref(id.Role()),
			"policy":  compose.MustJSON(doc),
		}))
	}

	if res.Gate(b.Env.Observed, id.Association(), b.Env.Observed.ReadyCond(compose.Cluster)) {
		res.Add(b.Env.PodIdentityAssociation(id.Association(), id.Namespace, id.SA, id.Role()))
	}
	return res
}

// PodIdentityTrust is the trust policy of a workload identity's role: EKS Pod Identity may assume it
// only for this account's cluster (aws:SourceAccount, aws:SourceArn = the cluster's ARN) and only for
// the identity's own service account (the kubernetes-namespace and kubernetes-service-account session
// tags Pod Identity sets on every assumption). Without the conditions, a PodIdentityAssociation anyone
// creates for the role, in any cluster of the account or any namespace of this one, would hand out its
// credentials. ok is false while the account is unknown (the cluster's ARN names it).
func (b Builder) PodIdentityTrust(id Identity) (compose.PolicyDocument, bool) {
	return b.Env.PodIdentityTrustFor(id.Namespace, id.SA)
}

// IdentityReady is the condition that a workload identity is in place: its role, policy and association
// are Ready, and the Pod Identity agent that hands pods their credentials runs on the nodes.
func (b Builder) IdentityReady(id Identity) compose.Cond {
	for _, n := range append(id.Names(), compose.PodIdentityAgent) {
		if !b.Env.Observed.Ready(n) {
			return compose.Known(false, n+" to be Ready (pods get their role's credentials through it)")
		}
	}
	return compose.Known(true, "")
}

// NeedAccount is what a policy that names the account waits for.
const NeedAccount = "the AWS account (from any observed ARN)"

// TenantRolePart names the application namespaces' secrets role in AWS (the secrets package renders it;
// the operator's role may assume it).
const TenantRolePart = "secrets-tenant"

// TenantRoleARN is that role's ARN: its name is the function's, so it is known with the account.
func (b Builder) TenantRoleARN() (string, bool) {
	acct, ok := b.Account()
	if !ok {
		return "", false
	}
	return b.Env.ARN("iam", "", acct, "role/"+b.Env.AWSName(compose.RuleIAM, TenantRolePart)), true
}
