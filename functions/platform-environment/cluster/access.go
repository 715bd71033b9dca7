package cluster

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// ClusterAdminPolicy is the EKS access policy that grants cluster-admin.
const ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"

// AdminAccessName returns the composition resource name of an admin's access entry: the prefix and a
// hash of the principal, so that names do not shift when the list changes.
func AdminAccessName(principal string) string {
	sum := sha256.Sum256([]byte(principal))
	return adminAccessPrefix + hex.EncodeToString(sum[:])[:8]
}

// access renders the kubeconfig secret (ClusterAuth) and the access entries with cluster-admin for the
// provider's identity and the spec's admins. All wait for the cluster to be Ready: EKS rejects them on
// a cluster that is still being created.
func access(env *compose.Env, r v1alpha1.ResolvedCluster) compose.Result {
	var res compose.Result
	clusterReady := env.Observed.ReadyCond(compose.Cluster)

	if res.Gate(env.Observed, compose.ClusterAuth, clusterReady) {
		// The provider writes a kubeconfig with a short-lived token of its own identity, refreshed
		// before it expires, to a Secret named after this resource in the environment's namespace.
		res.Add(env.NewAWS(compose.ClusterAuth, eksAPI, "ClusterAuth").Untagged().ConnectionSecret().
			ForProvider(map[string]any{"clusterNameRef": env.Ref(compose.Cluster)}))
	}

	res.Merge(accessEntry(env, compose.ClusterProviderAccess, compose.ClusterProviderAccessPolicy, r.ProviderPrincipalARN, clusterReady))

	wanted := map[string]bool{}
	for _, a := range r.AdminPrincipalARNs {
		if a == r.ProviderPrincipalARN {
			continue // one principal, one access entry
		}
		name := AdminAccessName(a)
		wanted[name] = true
		res.Merge(accessEntry(env, name, name+"-policy", a, clusterReady))
	}
	// An admin removed from the spec: retire its entry and association, which keep-observed would keep.
	var gone []string
	for name := range env.Observed {
		if strings.HasPrefix(name, adminAccessPrefix) && !wanted[strings.TrimSuffix(name, "-policy")] {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	res.Retire(gone...)
	return res
}

// accessEntry renders one access entry and its cluster-admin association. The association refers to the
// entry, so Crossplane creates it once the entry exists.
func accessEntry(env *compose.Env, entry, association, principal string, clusterReady compose.Cond) compose.Result {
	var res compose.Result
	if res.Gate(env.Observed, entry, clusterReady) {
		res.Add(env.NewAWS(entry, eksAPI, "AccessEntry").ForProvider(map[string]any{
			"clusterNameRef": env.Ref(compose.Cluster),
			"principalArn":   principal,
			"type":           "STANDARD",
		}))
	}
	if res.Gate(env.Observed, association, clusterReady) {
		res.Add(env.NewAWS(association, eksAPI, "AccessPolicyAssociation").Untagged().ForProvider(map[string]any{
			"clusterNameRef":  env.Ref(compose.Cluster),
			"principalArnRef": env.Ref(entry),
			"policyArn":       env.ARN("eks", "", compose.AWSOwned, "cluster-access-policy/"+ClusterAdminPolicy),
			"accessScope":     map[string]any{"type": "cluster"},
		}))
	}
	return res
}
