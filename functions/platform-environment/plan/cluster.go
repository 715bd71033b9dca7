package plan

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Cluster says where the live state is read from: a kubeconfig (its context), the XR's namespace and name.
type Cluster struct {
	Kubeconfig, Context string
	Namespace, Name     string
}

// readOnly is the transport of every request the plan makes to a cluster: GET only (get, list and discovery). Any
// other verb is refused before it leaves the process, whatever the kubeconfig's credentials would allow.
type readOnly struct{ next http.RoundTripper }

func (t readOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		return nil, fmt.Errorf("refused %s %s: penv plan reads the cluster with get and list only", r.Method, r.URL.Path)
	}
	return t.next.RoundTrip(r)
}

// RESTConfig loads the kubeconfig (its current context, or c.Context) with the read-only transport, and the
// namespace: c.Namespace, else the context's.
func (c Cluster) RESTConfig() (*rest.Config, string, error) {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: c.Kubeconfig}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: c.Context})
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("%s: %v (give a kubeconfig with a read-only ServiceAccount: examples/install/tenancy/plan-reader.yaml)", c.Kubeconfig, err)
	}
	ns := c.Namespace
	if ns == "" {
		if ns, _, err = cc.Namespace(); err != nil {
			return nil, "", fmt.Errorf("%s: %v (give -n <namespace>)", c.Kubeconfig, err)
		}
	}
	return ReadOnly(cfg), ns, nil
}

// ReadOnly returns a copy of cfg whose transport refuses every verb but GET.
func ReadOnly(cfg *rest.Config) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return readOnly{rt} })
	// The composed resources are read one GET each: a client-side limit of 5 a second would take a minute.
	cfg.QPS, cfg.Burst = 50, 100
	return cfg
}

// ErrNotFound is ReadCluster's error when the cluster has no such PlatformEnvironment: with --new, a new environment.
var ErrNotFound = errors.New("not found in the cluster")

// xrResource is the PlatformEnvironment's REST resource (apis/definition.yaml's names.plural).
var xrResource = schema.GroupVersionResource{Group: "platform.cloudpartner.pro", Version: "v1alpha1", Resource: "platformenvironments"}

// ReadCluster reads the live XR namespace/name and the composed resources its spec.crossplane.resourceRefs name,
// with get (and discovery, to map each kind to its resource) only.
func ReadCluster(ctx context.Context, cfg *rest.Config, namespace, name string) (*State, error) {
	where := fmt.Sprintf("%s %s/%s", v1alpha1.Kind, namespace, name)
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster: %v", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster: %v", err)
	}
	xr, err := dyn.Resource(xrResource).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("%s: %w (check --xr, -n and --context)", where, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot get it: %v (check --xr, -n and --context; the ServiceAccount needs get on platformenvironments)", where, err)
	}
	s := &State{XR: xr.Object, Observed: compose.Observed{}}
	refs, _ := compose.Lookup(xr.Object, "spec.crossplane.resourceRefs").([]any)

	type ref struct {
		gvr        schema.GroupVersionResource
		namespaced bool
		name       string
	}
	mapped := map[string]map[string]metav1.APIResource{} // group/version → kind → resource
	var todo []ref
	for i, r := range refs {
		m, _ := r.(map[string]any)
		av, _ := m["apiVersion"].(string)
		kind, _ := m["kind"].(string)
		n, _ := m["name"].(string)
		gv, err := schema.ParseGroupVersion(av)
		if err != nil || kind == "" || n == "" {
			return nil, fmt.Errorf("%s: spec.crossplane.resourceRefs[%d] is not an apiVersion, kind and name: %v", where, i, r)
		}
		kinds, ok := mapped[av]
		if !ok {
			list, err := disc.ServerResourcesForGroupVersion(av)
			if err != nil {
				return nil, fmt.Errorf("%s: cannot discover %s (for spec.crossplane.resourceRefs[%d], %s %s): %v", where, av, i, kind, n, err)
			}
			kinds = map[string]metav1.APIResource{}
			for _, res := range list.APIResources {
				if !strings.Contains(res.Name, "/") { // not a subresource
					kinds[res.Kind] = res
				}
			}
			mapped[av] = kinds
		}
		res, ok := kinds[kind]
		if !ok {
			return nil, fmt.Errorf("%s: the cluster serves no kind %s in %s (spec.crossplane.resourceRefs[%d])", where, kind, av, i)
		}
		todo = append(todo, ref{gvr: gv.WithResource(res.Name), namespaced: res.Namespaced, name: n})
	}

	// Eight GETs at a time: the seed has about 270 composed resources.
	objs := make([]map[string]any, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, r := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var ri dynamic.ResourceInterface = dyn.Resource(r.gvr)
			if r.namespaced {
				ri = dyn.Resource(r.gvr).Namespace(namespace)
			}
			u, err := ri.Get(ctx, r.name, metav1.GetOptions{})
			if err != nil {
				errs[i] = fmt.Errorf("%s: cannot get its composed %s %s: %v (the ServiceAccount needs get on %s)", where, r.gvr.GroupResource(), r.name, err, r.gvr.GroupResource())
				return
			}
			objs[i] = u.Object
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, o := range objs {
		n, _ := compose.Lookup(o, "metadata.annotations["+CompositionResourceName+"]").(string)
		if n == "" {
			continue // not composed by the function (Crossplane lists only what it composed)
		}
		if _, dup := s.Observed[n]; dup {
			return nil, fmt.Errorf("%s: two composed resources carry %s %q", where, CompositionResourceName, n)
		}
		s.Observed[n] = jsonCopy(o)
	}
	return s, nil
}
