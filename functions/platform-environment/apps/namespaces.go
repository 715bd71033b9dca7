package apps

import (
	"sort"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// namespaceObject is the composition resource name of a namespace's Namespace object.
func namespaceObject(ns string) string { return "apps-namespace-" + ns }

// appSecretObject is the composition resource name of a namespace's application secret (ExternalSecret).
func appSecretObject(ns string) string { return "apps-secret-namespace-" + ns }

// appNamespaces are the applications' namespaces, sorted.
func (b *builder) appNamespaces() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range b.r.Apps {
		if !seen[a.Namespace] {
			seen[a.Namespace] = true
			out = append(out, a.Namespace)
		}
	}
	sort.Strings(out)
	return out
}

// namespaces renders the applications' namespaces and the platform namespace, all enforcing the
// restricted Pod Security Standard (every pod this package renders meets it), and each application
// namespace's application secret with the keys its applications take.
func (b *builder) namespaces() compose.Result {
	var res compose.Result
	for _, ns := range append([]string{PlatformNamespace}, b.appNamespaces()...) {
		name := namespaceObject(ns)
		if !res.Gate(b.env.Observed, name, b.inCluster()) {
			continue
		}
		m := manifest("v1", "Namespace", "", ns, map[string]any{
			"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/warn":    "restricted",
			"pod-security.kubernetes.io/audit":   "restricted",
		})
		res.Add(b.object(name, m, onCreate))
	}
	if !b.r.Addons.ExternalSecrets.Enabled {
		return res
	}
	for _, ns := range b.appNamespaces() {
		keys := map[string]bool{}
		for _, a := range b.r.Apps {
			if a.Namespace != ns {
				continue
			}
			for _, v := range a.EnvFromSecrets {
				keys[v] = true
			}
		}
		if len(keys) == 0 {
			continue
		}
		res.Merge(b.appSecret(appSecretObject(ns), ns, sortedKeys(keys)))
	}
	return res
}

// namespaceExists is the condition that a namespace's Namespace object exists.
func (b *builder) namespaceExists(ns string) compose.Cond {
	return compose.Known(b.env.Observed.Exists(namespaceObject(ns)), "the namespace "+ns+" ("+namespaceObject(ns)+")")
}
