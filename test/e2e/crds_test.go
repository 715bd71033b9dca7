//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/cloudpartner/platform-environment/package/crdfile"
)

var gvkCRD = schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}

// crdSet is what installCRDs put into the API server.
type crdSet struct {
	providerCRDs []*unstructured.Unstructured
	xrd          *unstructured.Unstructured
	xrGVK        schema.GroupVersionKind
}

// managedGVRs are the resources of the managed-resource kinds installed (not ProviderConfigs and their usages): the
// kinds the fake provider serves.
func (s *crdSet) managedGVRs() map[schema.GroupVersionResource]schema.GroupVersionKind {
	out := map[schema.GroupVersionResource]schema.GroupVersionKind{}
	for _, crd := range s.providerCRDs {
		kind, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "kind")
		if strings.Contains(kind, "ProviderConfig") {
			continue
		}
		group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
		plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		for _, v := range versions {
			vm := v.(map[string]any)
			if vm["storage"] == true {
				name := vm["name"].(string)
				out[schema.GroupVersionResource{Group: group, Version: name, Resource: plural}] = schema.GroupVersionKind{Group: group, Version: name, Kind: kind}
			}
		}
	}
	return out
}

// composedKinds lists the managed-resource kinds that the package's render goldens, observed states and examples
// mention. Their provider CRDs are what the suite installs: all ~1,030 namespaced
// provider-aws CRDs would cost the API server minutes and gigabytes for kinds nothing composes.
func composedKinds(dirs ...string) (sets.Set[schema.GroupKind], error) {
	kinds := sets.New[schema.GroupKind]()
	for _, dir := range dirs {
		err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if info.IsDir() || !strings.HasSuffix(path, ".yaml") {
				return nil
			}
			objs, err := readObjectsFile(path)
			if err != nil {
				return err
			}
			for _, o := range objs {
				gvk := o.GroupVersionKind()
				if isProviderGroup(gvk.Group) {
					kinds.Insert(gvk.GroupKind())
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return kinds, nil
}

func isProviderGroup(g string) bool {
	return strings.HasSuffix(g, ".aws.m.upbound.io") || g == "kubernetes.m.crossplane.io" || g == "helm.m.crossplane.io"
}

// providerCRDFiles returns the CRD files of the wanted kinds from provider-aws (plus its namespaced ProviderConfig
// kinds) and every namespaced CRD of provider-kubernetes and provider-helm.
func providerCRDFiles(kinds sets.Set[schema.GroupKind]) ([]string, error) {
	aws := filepath.Join(moduleDir("E2E_MOD_PROVIDER_AWS"), "package", "crds")
	var files []string
	groups := sets.New[string]()
	for gk := range kinds {
		groups.Insert(gk.Group)
	}
	found := sets.New[schema.GroupKind]()
	for _, g := range sets.List(groups) {
		if !strings.HasSuffix(g, ".aws.m.upbound.io") {
			continue
		}
		byKind, err := crdfile.GroupKinds([]string{aws}, g, nil)
		if err != nil {
			return nil, err
		}
		for kind, f := range byKind {
			if gk := (schema.GroupKind{Group: g, Kind: kind}); kinds.Has(gk) {
				files = append(files, f)
				found.Insert(gk)
			}
		}
	}
	for gk := range kinds {
		if strings.HasSuffix(gk.Group, ".aws.m.upbound.io") && !found.Has(gk) {
			return nil, fmt.Errorf("no CRD for %s in provider-aws v2.7.0 (%s)", gk, aws)
		}
	}
	pc, _ := filepath.Glob(filepath.Join(aws, "aws.m.upbound.io_*.yaml"))
	files = append(files, pc...)
	for _, m := range []struct{ env, group string }{
		{"E2E_MOD_PROVIDER_KUBERNETES", "kubernetes.m.crossplane.io"},
		{"E2E_MOD_PROVIDER_HELM", "helm.m.crossplane.io"},
	} {
		more, _ := filepath.Glob(filepath.Join(moduleDir(m.env), "package", "crds", m.group+"_*.yaml"))
		if len(more) == 0 {
			return nil, fmt.Errorf("no %s CRDs under %s", m.group, moduleDir(m.env))
		}
		files = append(files, more...)
	}
	sort.Strings(files)
	return files, nil
}

// installCRDs installs the provider CRDs, then our XRD and Composition, and waits until the XR kind is served.
func (c *controlPlane) installCRDs(ctx context.Context) (*crdSet, error) {
	p := c.paths()
	kinds, err := composedKinds(p.goldenDir, p.observedDir, p.examplesDir)
	if err != nil {
		return nil, err
	}
	files, err := providerCRDFiles(kinds)
	if err != nil {
		return nil, err
	}
	set := &crdSet{}
	for _, f := range files {
		objs, err := readObjectsFile(f)
		if err != nil {
			return nil, err
		}
		set.providerCRDs = append(set.providerCRDs, objs...)
	}
	if err := c.kube.applyAll(ctx, set.providerCRDs); err != nil {
		return nil, err
	}
	for _, crd := range set.providerCRDs {
		if err := c.waitCondition(ctx, gvkCRD, "", crd.GetName(), "Established", time.Minute); err != nil {
			return nil, err
		}
	}

	xrd, err := readObjectsFile(p.xrd)
	if err != nil {
		return nil, err
	}
	comp, err := readObjectsFile(p.composition)
	if err != nil {
		return nil, err
	}
	if len(xrd) != 1 || len(comp) != 1 {
		return nil, fmt.Errorf("want one XRD in %s and one Composition in %s", p.xrd, p.composition)
	}
	set.xrd = xrd[0]
	if err := c.kube.applyAll(ctx, append(xrd, comp...)); err != nil {
		return nil, err
	}
	if err := c.waitCondition(ctx, set.xrd.GroupVersionKind(), "", set.xrd.GetName(), "Established", 2*time.Minute); err != nil {
		return nil, err
	}
	group, _, _ := unstructured.NestedString(set.xrd.Object, "spec", "group")
	kind, _, _ := unstructured.NestedString(set.xrd.Object, "spec", "names", "kind")
	versions, _, _ := unstructured.NestedSlice(set.xrd.Object, "spec", "versions")
	for _, v := range versions {
		if vm := v.(map[string]any); vm["referenceable"] == true {
			set.xrGVK = schema.GroupVersionKind{Group: group, Version: vm["name"].(string), Kind: kind}
		}
	}
	// Discovery learns the XR kind a moment after the XRD is established.
	err = poll(ctx, time.Minute, 200*time.Millisecond, func() (bool, error) {
		c.kube.mapper.Reset()
		_, err := c.kube.mapping(set.xrGVK)
		return err == nil, nil
	})
	return set, err
}

// waitCondition waits until an object's condition is True.
func (c *controlPlane) waitCondition(ctx context.Context, gvk schema.GroupVersionKind, ns, name, cond string, timeout time.Duration) error {
	var last string
	err := poll(ctx, timeout, 100*time.Millisecond, func() (bool, error) {
		u, err := c.kube.get(ctx, gvk, ns, name)
		if err != nil || u == nil {
			return false, err
		}
		s, r, m := condition(u, cond)
		last = fmt.Sprintf("%s=%s %s %s", cond, s, r, m)
		return s == "True", nil
	})
	if err != nil {
		return fmt.Errorf("%s %s: waiting for %s: %w (last: %s)", gvk.Kind, name, cond, err, last)
	}
	return nil
}
