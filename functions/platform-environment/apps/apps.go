// Package apps renders what runs inside the environment's EKS cluster (components releases and apps):
//
//   - access: provider-kubernetes and provider-helm ProviderConfigs that read the kubeconfig ClusterAuth
//     writes, created once the cluster and the provider's access entry are Ready, and the Usages that keep
//     the cluster, ClusterAuth and the access entry until everything deployed through them is gone;
//   - the cluster add-ons as pinned Helm releases, each with its own IAM role bound through EKS Pod
//     Identity: AWS Load Balancer Controller, metrics-server, aws-for-fluent-bit, cluster-autoscaler and
//     External Secrets Operator;
//   - the secrets: AWS Secrets Manager holds every value (RDS's managed master secret, the cache AUTH token
//     bridged from its control-plane Secret, a JWT key and the applications' database password generated in
//     the cluster); External Secrets builds each namespace's app-secrets from them;
//   - the applications: Namespace, ConfigMap, ServiceAccount with its own role, Deployment, NodePort
//     Service, HPA, PDB and TargetGroupBinding, a database setup Job that creates the applications'
//     database role, per-version migration Jobs that run before a rollout, and the smoke and load tests.
//
// Every in-cluster object is a provider-kubernetes Object or a provider-helm Release that names its
// namespaced ProviderConfig explicitly: the providers' default (ClusterProviderConfig/default) would
// deploy into the control-plane cluster. No secret value is ever part of the desired state: manifests
// name Secrets Manager keys and Kubernetes Secrets, never values.
package apps

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// API versions of the kinds this package composes.
const (
	objectAPI  = "kubernetes.m.crossplane.io/v1alpha1"
	releaseAPI = "helm.m.crossplane.io/v1beta1"
	usageAPI   = "protection.crossplane.io/v1beta1"
	iamAPI     = "iam.aws.m.upbound.io/v1beta1"
	eksAPI     = "eks.aws.m.upbound.io/v1beta1"
	smAPI      = "secretsmanager.aws.m.upbound.io/v1beta1"
)

// Components of this package.
const (
	releasesComponent = "releases"
	appsComponent     = "apps"
)

// Output is what the package renders and publishes.
type Output struct {
	compose.Result
	Outputs *v1alpha1.ApplicationsOutputs
}

// Build renders the in-cluster releases and the applications. Nothing in the cluster is rendered before
// the ProviderConfigs exist; every resource that exists is rendered on every pass (a gate holds back
// creation only) unless a value it is made of is unknown, and then it stays as observed.
func Build(env *compose.Env, r Resolved) Output {
	var out Output
	b := &builder{env: env, r: r}
	out.Merge(b.access())
	out.Merge(b.addons())
	out.Merge(b.secrets())
	out.Merge(b.namespaces())
	out.Merge(b.database())
	for i := range r.Apps {
		out.Merge(b.application(&r.Apps[i]))
	}
	out.Merge(b.tests())
	// Both components are this package's: Assemble retires what of them the spec no longer wants (an
	// application, an add-on switched off) and superseded versions' Jobs once their successors render, and
	// keeps as observed whatever is wanted but cannot be rendered this pass.
	out.Own(releasesComponent+"-", appsComponent+"-")
	out.Outputs = b.outputs()
	return out
}

// builder carries what every part of the package reads.
type builder struct {
	env *compose.Env
	r   Resolved
}
