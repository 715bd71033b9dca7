// Package incluster is the machinery every in-cluster domain (addons, secrets, workloads, checks) shares:
// the resolved spec of what runs in the cluster, the builders of provider-kubernetes Objects,
// provider-helm Releases and Crossplane Usages (with the one deletion-order table, usage.go), readiness
// policies, restricted pod security, workload identity (EKS Pod Identity), the ExternalSecret builder,
// the database and cache endpoints, and the composition resource names more than one domain reads. It
// also renders the foundation the domains deploy through: the in-cluster ProviderConfigs (access.go) and
// the namespaces (namespaces.go).
//
// Every in-cluster object is a provider-kubernetes Object or a provider-helm Release that names its
// namespaced ProviderConfig explicitly: the providers' default (ClusterProviderConfig/default) would
// deploy into the control-plane cluster. No secret value is ever part of the desired state: manifests
// name Secrets Manager keys and Kubernetes Secrets, never values.
package incluster

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// API versions of the kinds the in-cluster domains compose.
const (
	ObjectAPI  = "kubernetes.m.crossplane.io/v1alpha1"
	ReleaseAPI = "helm.m.crossplane.io/v1beta1"
	UsageAPI   = "protection.crossplane.io/v1beta1"
	IAMAPI     = "iam.aws.m.upbound.io/v1beta1"
	SMAPI      = "secretsmanager.aws.m.upbound.io/v1beta1"
)

// Components of the in-cluster domains: the add-on releases and ProviderConfigs (releases-…) and
// everything else (apps-…).
const (
	ReleasesComponent = "releases"
	AppsComponent     = "apps"
)

// Builder carries what every in-cluster builder reads: the shared Env and the resolved spec. Each domain
// embeds it in its own builder.
type Builder struct {
	Env  *compose.Env
	Spec *Spec
}

// Account is the environment's AWS account, once AWS has told it (compose.Observed.AccountID).
func (b Builder) Account() (string, bool) { return b.Env.Observed.AccountID() }

// ARN is an ARN in the environment's partition, region and account (empty while the account is unknown:
// callers wait for Account first).
func (b Builder) ARN(service, resource string) string {
	acct, _ := b.Account()
	return b.Env.ARN(service, b.Env.Region, acct, resource)
}

// Replicas is how many controller replicas a profile runs: two outside dev, so one node's loss or a
// drain does not stop the controller.
func (b Builder) Replicas() int {
	if b.Env.Profile == "dev" {
		return 1
	}
	return 2
}
