package incluster

import (
	"sort"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// AppNamespaces are the applications' namespaces, sorted.
func (b Builder) AppNamespaces() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range b.Spec.Apps {
		if !seen[a.Namespace] {
			seen[a.Namespace] = true
			out = append(out, a.Namespace)
		}
	}
	sort.Strings(out)
	return out
}

// Namespaces renders the applications' namespaces and the platform namespace, all enforcing the
// restricted Pod Security Standard (every pod the in-cluster domains render meets it).
func (b Builder) Namespaces() compose.Result {
	var res compose.Result
	for _, ns := range append([]string{PlatformNamespace}, b.AppNamespaces()...) {
		name := NamespaceObject(ns)
		if !res.Gate(b.Env.Observed, name, b.InCluster()) {
			continue
		}
		m := Manifest("v1", "Namespace", "", ns, map[string]any{
			"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/warn":    "restricted",
			"pod-security.kubernetes.io/audit":   "restricted",
		})
		res.Add(b.Object(name, m, OnCreate))
	}
	return res
}

// NamespaceExists is the condition that a namespace's Namespace object exists.
func (b Builder) NamespaceExists(ns string) compose.Cond {
	return compose.Known(b.Env.Observed.Exists(NamespaceObject(ns)), "the namespace "+ns+" ("+NamespaceObject(ns)+")")
}
