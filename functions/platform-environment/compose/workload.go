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

// PodIdentityTrustPolicy is the trust policy of a role that pods assume through EKS Pod Identity. The
// role is bound to one service account by a PodIdentityAssociation (see PodIdentityAssociation), so the
// trust policy itself names no cluster.
func PodIdentityTrustPolicy() PolicyDocument {
	return Policy(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "pods.eks.amazonaws.com"},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
	})
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
// account of the new cluster. The role's trust policy must be PodIdentityTrustPolicy. Pods pick the
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
