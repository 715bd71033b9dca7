package compose

import "strings"

// Resources of the cluster domain that other domains gate on or read (by name and observed state only).
const (
	// OIDCProvider is the IAM OpenID Connect provider of the cluster's service-account issuer, for IAM
	// roles for service accounts (IRSA).
	OIDCProvider = "cluster-oidc"
	// ClusterProviderAccess is the EKS access entry of the identity provider-aws runs as, and
	// ClusterProviderAccessPolicy its cluster-admin association: the kubeconfig ClusterAuth writes works
	// only once both are Ready.
	ClusterProviderAccess       = "cluster-access-provider"
	ClusterProviderAccessPolicy = "cluster-access-provider-policy"
	// PodIdentityAgent is the EKS add-on that hands pods the credentials of their Pod Identity role.
	PodIdentityAgent = "addons-pod-identity-agent"
)

// OIDCIssuer returns the cluster's observed service-account issuer URL (https://oidc.eks.…/id/…).
func (e *Env) OIDCIssuer() (string, bool) {
	return e.Observed.String(Cluster, "status.atProvider.identity[0].oidc[0].issuer")
}

// OIDCProviderARN returns the observed ARN of the cluster's IAM OIDC provider.
func (e *Env) OIDCProviderARN() (string, bool) { return e.Observed.ARN(OIDCProvider) }

// PodIdentityTrust is the trust policy of a role that pods of this environment's cluster assume through
// EKS Pod Identity: the EKS Auth service (pods.eks.amazonaws.com) may assume the role and tag its session
// only on behalf of this cluster, aws:SourceAccount the account and aws:SourceArn the cluster's ARN. An
// association made in another cluster (of this account or another, by anyone allowed iam:PassRole on the
// role) hands its pods nothing: the confused deputy. The ARN is built from the cluster's fixed name and
// the account, so a role needs not wait for the cluster; false while the account is unknown (read from
// observed ARNs).
func (e *Env) PodIdentityTrust() (PolicyDocument, bool) {
	return e.podIdentityTrust(nil)
}

// PodIdentityTrustFor is PodIdentityTrust for one service account: EKS tags the session with the pod's
// namespace and service account, and the role admits only those (aws:RequestTag/kubernetes-namespace,
// aws:RequestTag/kubernetes-service-account), so an association of the role with another service account
// of the same cluster gets nothing either.
func (e *Env) PodIdentityTrustFor(namespace, serviceAccount string) (PolicyDocument, bool) {
	return e.podIdentityTrust(map[string]any{
		"aws:RequestTag/kubernetes-namespace":       namespace,
		"aws:RequestTag/kubernetes-service-account": serviceAccount,
	})
}

func (e *Env) podIdentityTrust(tags map[string]any) (PolicyDocument, bool) {
	account, ok := e.Observed.AccountID()
	if !ok {
		return PolicyDocument{}, false
	}
	equals := map[string]any{"aws:SourceAccount": account}
	for k, v := range tags {
		equals[k] = v
	}
	return Policy(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "pods.eks.amazonaws.com"},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: map[string]map[string]any{
			"StringEquals": equals,
			"ArnEquals":    {"aws:SourceArn": e.ClusterARN(account)},
		},
	}), true
}

// ClusterARN is the ARN of the environment's EKS cluster in the account.
func (e *Env) ClusterARN(account string) string {
	return e.ARN("eks", e.Region, account, "cluster/"+e.ClusterName())
}

// IRSATrustPolicy is the trust policy of a role for one Kubernetes service account through the cluster's
// OIDC provider (IAM roles for service accounts). It needs the observed issuer and provider ARN; until
// both are observed it returns false and the role must wait.
func (e *Env) IRSATrustPolicy(namespace, serviceAccount string) (PolicyDocument, bool) {
	issuer, ok := e.OIDCIssuer()
	if !ok {
		return PolicyDocument{}, false
	}
	arn, ok := e.OIDCProviderARN()
	if !ok {
		return PolicyDocument{}, false
	}
	host := strings.TrimPrefix(issuer, "https://")
	return Policy(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Federated": arn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			host + ":aud": "sts.amazonaws.com",
			host + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
		}},
	}), true
}

// PodIdentityAssociation binds a role (a composed iam Role, by composition resource name) to a service
// account of the new cluster. The role trusts Pod Identity through Env.PodIdentityTrustFor (this cluster, this service account). Pods pick the
// role up when they start, so create the association before the workload that uses it; the
// PodIdentityAgent add-on must run on the nodes.
func (e *Env) PodIdentityAssociation(name, namespace, serviceAccount, role string) *MR {
	return e.NewAWS(name, "eks.aws.m.upbound.io/v1beta1", "PodIdentityAssociation").ForProvider(map[string]any{
		"clusterNameRef": e.Ref(Cluster),
		"namespace":      namespace,
		"serviceAccount": serviceAccount,
		"roleArnRef":     e.Ref(role),
	})
}
