package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Composition resource names of the in-cluster ProviderConfigs.
const (
	kubernetesConfig = "releases-kubernetes-config"
	helmConfig       = "releases-helm-config"
)

// kubeconfigKey is the key of the kubeconfig in ClusterAuth's connection secret.
const kubeconfigKey = "kubeconfig"

// providerConfigKind is the kind every Object and Release names: the namespaced ProviderConfig in the
// environment's namespace. The providers' default, ClusterProviderConfig/default, points at the cluster
// Crossplane runs in, so a missing or defaulted reference would deploy the workloads there.
const providerConfigKind = "ProviderConfig"

// access renders the provider-kubernetes and provider-helm ProviderConfigs of the new cluster. They read
// the kubeconfig ClusterAuth writes (a short-lived token of provider-aws's identity, refreshed by the
// provider) from its connection secret in the environment's namespace. They wait for the cluster, ClusterAuth
// and the provider's access entry with its cluster-admin association: before that the kubeconfig is
// refused. ProviderConfigs have no Ready condition, so they count as ready once they exist.
//
// Deletion order: a ProviderConfig is held by crossplane-runtime's in-use finalizer while any Object or
// Release uses it, and the Usages below hold ClusterAuth, the access entry, its association and the cluster
// while the ProviderConfigs exist. So the workloads are deleted first, through a kubeconfig that still works.
func (b *builder) access() compose.Result {
	var res compose.Result
	conds := []compose.Cond{
		b.env.Observed.ReadyCond(compose.Cluster),
		b.env.Observed.ReadyCond(compose.ClusterAuth),
		b.env.Observed.ReadyCond(compose.ClusterProviderAccess),
		b.env.Observed.ReadyCond(compose.ClusterProviderAccessPolicy),
	}
	secretRef := map[string]any{
		"namespace": b.env.Namespace,
		"name":      b.env.ResourceName(compose.ClusterAuth),
		"key":       kubeconfigKey,
	}
	configs := []struct{ name, api string }{
		{kubernetesConfig, "kubernetes.m.crossplane.io/v1alpha1"},
		{helmConfig, "helm.m.crossplane.io/v1beta1"},
	}
	for _, c := range configs {
		if res.Gate(b.env.Observed, c.name, conds...) {
			res.Add(b.env.New(c.name, c.api, "ProviderConfig").
				Spec(map[string]any{"credentials": map[string]any{"source": "Secret", "secretRef": secretRef}}).
				ReadyWhen(compose.ReadyWhenObserved))
		}
		// The Usages follow whether or not the config renders in this pass: a Usage renders once both its
		// ends exist, and one that exists stays even while its config is momentarily not observed.
		for _, of := range []struct{ suffix, name string }{
			{"auth", compose.ClusterAuth},
			{"cluster", compose.Cluster},
			{"access", compose.ClusterProviderAccess},
			{"access-policy", compose.ClusterProviderAccessPolicy},
		} {
			res.Merge(b.usage(c.name+"-uses-"+of.suffix, of.name, c.name))
		}
	}
	return res
}

// kubernetesConfigRef is the providerConfigRef of every Object.
func (b *builder) kubernetesConfigRef() map[string]any {
	return map[string]any{"kind": providerConfigKind, "name": b.env.ResourceName(kubernetesConfig)}
}

// helmConfigRef is the providerConfigRef of every Release.
func (b *builder) helmConfigRef() map[string]any {
	return map[string]any{"kind": providerConfigKind, "name": b.env.ResourceName(helmConfig)}
}

// inCluster is the condition that the in-cluster ProviderConfig of Objects exists.
func (b *builder) inCluster() compose.Cond {
	return compose.Known(b.env.Observed.Exists(kubernetesConfig), kubernetesConfig+" (the new cluster's ProviderConfig) to exist")
}
