package incluster

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// kubeconfigKey is the key of the kubeconfig in ClusterAuth's connection secret.
const kubeconfigKey = "kubeconfig"

// providerConfigKind is the kind every Object and Release names: the namespaced ProviderConfig in the
// environment's namespace. The providers' default, ClusterProviderConfig/default, points at the cluster
// Crossplane runs in, so a missing or defaulted reference would deploy the workloads there.
const providerConfigKind = "ProviderConfig"

// Access renders the provider-kubernetes and provider-helm ProviderConfigs of the new cluster. They read
// the kubeconfig ClusterAuth writes (a short-lived token of provider-aws's identity, refreshed by the
// provider) from its connection secret in the environment's namespace. They wait for the cluster, ClusterAuth
// and the provider's access entry with its cluster-admin association: before that the kubeconfig is
// refused. ProviderConfigs have no Ready condition, so they count as ready once they exist.
//
// Deletion order: see usage.go (ProviderConfigHolder).
func (b Builder) Access() compose.Result {
	var res compose.Result
	conds := []compose.Cond{
		b.Env.Observed.ReadyCond(compose.Cluster),
		b.Env.Observed.ReadyCond(compose.ClusterAuth),
		b.Env.Observed.ReadyCond(compose.ClusterProviderAccess),
		b.Env.Observed.ReadyCond(compose.ClusterProviderAccessPolicy),
	}
	secretRef := map[string]any{
		"namespace": b.Env.Namespace,
		"name":      b.Env.ResourceName(compose.ClusterAuth),
		"key":       kubeconfigKey,
	}
	configs := []struct{ name, api string }{
		{KubernetesConfig, "kubernetes.m.crossplane.io/v1alpha1"},
		{HelmConfig, "helm.m.crossplane.io/v1beta1"},
	}
	for _, c := range configs {
		if res.Gate(b.Env.Observed, c.name, conds...) {
			res.Add(b.Env.New(c.name, c.api, "ProviderConfig").
				Spec(map[string]any{"credentials": map[string]any{"source": "Secret", "secretRef": secretRef}}).
				ReadyWhen(compose.ReadyWhenObserved))
		}
		// The Usages follow whether or not the config renders in this pass: a Usage renders once both its
		// ends exist, and one that exists stays even while its config is momentarily not observed.
		res.Merge(b.Usages(ProviderConfigHolder, c.name, Holds{}))
	}
	return res
}

// KubernetesConfigRef is the providerConfigRef of every Object.
func (b Builder) KubernetesConfigRef() map[string]any {
	return map[string]any{"kind": providerConfigKind, "name": b.Env.ResourceName(KubernetesConfig)}
}

// HelmConfigRef is the providerConfigRef of every Release.
func (b Builder) HelmConfigRef() map[string]any {
	return map[string]any{"kind": providerConfigKind, "name": b.Env.ResourceName(HelmConfig)}
}

// InCluster is the condition that the in-cluster ProviderConfig of Objects exists.
func (b Builder) InCluster() compose.Cond {
	return compose.Known(b.Env.Observed.Exists(KubernetesConfig), KubernetesConfig+" (the new cluster's ProviderConfig) to exist")
}
