//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Annotations and labels Crossplane puts on composed resources.
const (
	annotationResourceName = "crossplane.io/composition-resource-name"
	annotationExternalName = "crossplane.io/external-name"
	annotationUsageDetails = "crossplane.io/usage-details"
	labelComposite         = "crossplane.io/composite"
	labelInUse             = "crossplane.io/in-use"
)

// xr is one composite resource the scenario created.
type xr struct {
	cp   *controlPlane
	gvk  schema.GroupVersionKind
	ns   string
	name string
}

func (x *xr) String() string { return fmt.Sprintf("%s %s/%s", x.gvk.Kind, x.ns, x.name) }

// createXR reads the one XR of an example file, moves it to namespace (if not empty), creates the namespace and
// applies the XR.
func (c *controlPlane) createXR(ctx context.Context, t *testing.T, example, namespace string) *xr {
	t.Helper()
	obj := readXR(t, example)
	if namespace != "" {
		obj.SetNamespace(namespace)
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace("default")
	}
	c.ensureNamespace(ctx, t, obj.GetNamespace())
	if _, err := c.kube.apply(ctx, obj); err != nil {
		t.Fatalf("create %s %s/%s from %s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), example, err)
	}
	return &xr{cp: c, gvk: obj.GroupVersionKind(), ns: obj.GetNamespace(), name: obj.GetName()}
}

// readXR returns the XR among the objects of an example file.
func readXR(t *testing.T, path string) *unstructured.Unstructured {
	t.Helper()
	objs, err := readObjectsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.GetKind() == env.crds.xrGVK.Kind {
			return o
		}
	}
	t.Fatalf("%s has no %s", path, env.crds.xrGVK.Kind)
	return nil
}

func (c *controlPlane) ensureNamespace(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name}}}
	if err := c.kube.applyAll(ctx, []*unstructured.Unstructured{ns}); err != nil {
		t.Fatal(err)
	}
}

// get reads the XR (nil once it is gone).
func (x *xr) get(ctx context.Context) (*unstructured.Unstructured, error) {
	return x.cp.kube.get(ctx, x.gvk, x.ns, x.name)
}

// refs returns the XR's spec.crossplane.resourceRefs as object keys.
func refs(u *unstructured.Unstructured) []objKey {
	rs, _, _ := unstructured.NestedSlice(u.Object, "spec", "crossplane", "resourceRefs")
	out := make([]objKey, 0, len(rs))
	for _, r := range rs {
		m := r.(map[string]any)
		gv, _ := schema.ParseGroupVersion(fmt.Sprint(m["apiVersion"]))
		ns, _ := m["namespace"].(string)
		if ns == "" {
			ns = u.GetNamespace()
		}
		out = append(out, objKey{GVK: gv.WithKind(fmt.Sprint(m["kind"])), Namespace: ns, Name: fmt.Sprint(m["name"])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// composed reads every composed resource the XR references, keyed by composition resource name.
func (x *xr) composed(ctx context.Context) (*unstructured.Unstructured, map[string]*unstructured.Unstructured, error) {
	u, err := x.get(ctx)
	if err != nil || u == nil {
		return u, nil, err
	}
	out := map[string]*unstructured.Unstructured{}
	for _, k := range refs(u) {
		o, err := x.cp.kube.get(ctx, k.GVK, k.Namespace, k.Name)
		if err != nil {
			return nil, nil, err
		}
		if o == nil {
			return nil, nil, fmt.Errorf("%s references %s, which does not exist", x, k)
		}
		rn := o.GetAnnotations()[annotationResourceName]
		if rn == "" {
			return nil, nil, fmt.Errorf("%s has no %s annotation", k, annotationResourceName)
		}
		out[rn] = o
	}
	return u, out, nil
}

// settle waits until Crossplane has stopped composing: the XR is Synced, its resource references and the function's
// request count have not changed for quiet, and every referenced object exists. It returns the XR and its composed
// resources then.
func (x *xr) settle(ctx context.Context, quiet, timeout time.Duration) (*unstructured.Unstructured, map[string]*unstructured.Unstructured, error) {
	var (
		lastRefs  string
		lastCalls = -1
		since     time.Time
		u         *unstructured.Unstructured
		composed  map[string]*unstructured.Unstructured
		lastErr   error
	)
	err := poll(ctx, timeout, 250*time.Millisecond, func() (bool, error) {
		if err := x.cp.alive(); err != nil {
			return false, err
		}
		var err error
		u, composed, err = x.composed(ctx)
		if err != nil || u == nil {
			lastErr = err
			return false, nil
		}
		calls, err := functionRequests(ctx)
		if err != nil {
			return false, err
		}
		keys := make([]string, 0, len(composed))
		for k, o := range composed {
			keys = append(keys, k+"="+o.GetResourceVersion())
		}
		sort.Strings(keys)
		r := strings.Join(keys, ",")
		if s, _, _ := condition(u, "Synced"); s != "True" || r != lastRefs || calls != lastCalls {
			lastRefs, lastCalls, since = r, calls, time.Now()
			return false, nil
		}
		return time.Since(since) >= quiet, nil
	})
	if err != nil {
		detail := ""
		if u != nil {
			s, r, m := condition(u, "Synced")
			detail = fmt.Sprintf("; Synced=%s %s: %s", s, r, m)
		}
		if lastErr != nil {
			detail += "; " + lastErr.Error()
		}
		return u, composed, fmt.Errorf("%s did not settle: %w%s", x, err, detail)
	}
	return u, composed, nil
}

// delete deletes the XR.
func (x *xr) delete(ctx context.Context) error {
	return x.cp.kube.delete(ctx, x.gvk, x.ns, x.name)
}

// patchSpec applies a JSON merge patch to the XR's spec.
func (x *xr) patchSpec(ctx context.Context, spec map[string]any) error {
	_, err := x.cp.kube.mergePatch(ctx, x.gvk, x.ns, x.name, map[string]any{"spec": spec})
	return err
}
