//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// fieldManager is the server-side-apply manager of everything the test itself writes.
const fieldManager = "e2e"

// kube is a dynamic client with a REST mapper that learns new kinds (CRDs the test installs) on demand.
type kube struct {
	cfg    *rest.Config
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
}

func newKube(cfg *rest.Config) (*kube, error) {
	cfg = rest.CopyConfig(cfg)
	// The test creates and patches hundreds of objects in bursts; the client's default 5 QPS would dominate the runtime.
	cfg.QPS, cfg.Burst = 500, 1000
	// The API server warns about the fake provider's finalizer name and about status fields a CRD does not have;
	// neither is news.
	cfg.WarningHandler = rest.NoWarnings{}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &kube{cfg: cfg, dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}, nil
}

// mapping finds the resource of a kind, refreshing discovery once if the kind is new.
func (k *kube) mapping(gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	m, err := k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		k.mapper.Reset()
		m, err = k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	return m, err
}

// res returns the client for an object's kind and namespace.
func (k *kube) res(gvk schema.GroupVersionKind, namespace string) (dynamic.ResourceInterface, error) {
	m, err := k.mapping(gvk)
	if err != nil {
		return nil, err
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return k.dyn.Resource(m.Resource).Namespace(namespace), nil
	}
	return k.dyn.Resource(m.Resource), nil
}

// transient retries an idempotent call while it fails without an API status (a broken HTTP/2 stream under load,
// a reset connection): the suite makes thousands of calls and one lost stream must not fail a scenario.
func transient[T any](ctx context.Context, call func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for i := range 5 {
		v, err = call()
		var status kerrors.APIStatus
		if err == nil || errors.As(err, &status) || meta.IsNoMatchError(err) || ctx.Err() != nil {
			return v, err
		}
		time.Sleep(time.Duration(100*(i+1)) * time.Millisecond)
	}
	return v, err
}

// apply server-side-applies obj as the test's field manager.
func (k *kube) apply(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	r, err := k.res(obj.GroupVersionKind(), obj.GetNamespace())
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, err
	}
	force := true
	return transient(ctx, func() (*unstructured.Unstructured, error) {
		return r.Patch(ctx, obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{FieldManager: fieldManager, Force: &force})
	})
}

// create creates obj (POST).
func (k *kube) create(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	r, err := k.res(obj.GroupVersionKind(), obj.GetNamespace())
	if err != nil {
		return nil, err
	}
	return r.Create(ctx, obj, metav1.CreateOptions{FieldManager: fieldManager})
}

// update replaces obj (PUT); obj carries the resourceVersion it was read at.
func (k *kube) update(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	r, err := k.res(obj.GroupVersionKind(), obj.GetNamespace())
	if err != nil {
		return nil, err
	}
	return r.Update(ctx, obj, metav1.UpdateOptions{FieldManager: fieldManager})
}

// applyAll applies objects in order, retrying each briefly while its kind is not served yet (a CRD just created).
func (k *kube) applyAll(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, o := range objs {
		err := poll(ctx, 30*time.Second, 200*time.Millisecond, func() (bool, error) {
			_, err := k.apply(ctx, o)
			if meta.IsNoMatchError(err) || kerrors.IsNotFound(err) {
				return false, nil
			}
			return err == nil, err
		})
		if err != nil {
			return fmt.Errorf("apply %s %s/%s: %w", o.GetKind(), o.GetNamespace(), o.GetName(), err)
		}
	}
	return nil
}

// get reads an object; a missing object is (nil, nil).
func (k *kube) get(ctx context.Context, gvk schema.GroupVersionKind, namespace, name string) (*unstructured.Unstructured, error) {
	r, err := k.res(gvk, namespace)
	if err != nil {
		return nil, err
	}
	u, err := transient(ctx, func() (*unstructured.Unstructured, error) { return r.Get(ctx, name, metav1.GetOptions{}) })
	if kerrors.IsNotFound(err) {
		return nil, nil
	}
	return u, err
}

// mergePatch applies a JSON merge patch to an object or, with subresource "status", to its status.
func (k *kube) mergePatch(ctx context.Context, gvk schema.GroupVersionKind, namespace, name string, patch any, subresource ...string) (*unstructured.Unstructured, error) {
	r, err := k.res(gvk, namespace)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(patch)
	if err != nil {
		return nil, err
	}
	return transient(ctx, func() (*unstructured.Unstructured, error) {
		return r.Patch(ctx, name, types.MergePatchType, data, metav1.PatchOptions{FieldManager: fieldManager}, subresource...)
	})
}

// delete deletes an object (background propagation, as `kubectl delete` does); a missing object is no error.
func (k *kube) delete(ctx context.Context, gvk schema.GroupVersionKind, namespace, name string) error {
	r, err := k.res(gvk, namespace)
	if err != nil {
		return err
	}
	_, err = transient(ctx, func() (struct{}, error) { return struct{}{}, r.Delete(ctx, name, metav1.DeleteOptions{}) })
	if kerrors.IsNotFound(err) {
		return nil
	}
	return err
}

// readObjects decodes every document of a YAML (or JSON) stream, skipping empty ones.
func readObjects(r io.Reader) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, &unstructured.Unstructured{Object: m})
	}
}

// readObjectsFile is readObjects on a file.
func readObjectsFile(path string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	objs, err := readObjects(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return objs, nil
}

// readObjectsDir is readObjectsFile on every *.yaml file of a directory, in name order.
func readObjectsDir(dir string) ([]*unstructured.Unstructured, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no YAML files in %s", dir)
	}
	var out []*unstructured.Unstructured
	for _, f := range files {
		objs, err := readObjectsFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

// poll calls cond every interval until it returns true or an error, or timeout passes.
func poll(ctx context.Context, timeout, interval time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}

// condition returns the status and reason of a condition type in status.conditions.
func condition(u *unstructured.Unstructured, typ string) (status, reason, message string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != typ {
			continue
		}
		s, _ := m["status"].(string)
		r, _ := m["reason"].(string)
		msg, _ := m["message"].(string)
		return s, r, msg
	}
	return "", "", ""
}
