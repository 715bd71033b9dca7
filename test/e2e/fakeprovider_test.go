//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// managedFinalizer is the finalizer a provider's managed reconciler puts on every managed resource.
const managedFinalizer = "finalizer.managedresource.crossplane.io"

// objKey names one object of the control plane.
type objKey struct {
	GVK       schema.GroupVersionKind
	Namespace string
	Name      string
}

func (k objKey) String() string {
	return fmt.Sprintf("%s/%s %s/%s", k.GVK.Group, k.GVK.Kind, k.Namespace, k.Name)
}

func keyOf(u *unstructured.Unstructured) objKey {
	return objKey{GVK: u.GroupVersionKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
}

// external is the fake provider's record of the cloud resource behind one managed resource.
type external struct {
	Key         objKey
	Composite   string // the crossplane.io/composite label: the XR that composed it
	Created     time.Time
	Deleted     bool      // the provider deleted it in the cloud
	Orphaned    bool      // the managed resource went, the cloud resource stays (management policies without Delete)
	Released    time.Time // when the managed resource's deletion was handled
	ReleasedSeq int       // order of handling among all deletions
}

// fakeProvider stands in for provider-aws, provider-kubernetes and provider-helm as far as the control plane can
// tell: it puts the managed-resource finalizer on every managed resource it sees and, when one is deleted, decides
// from its management and deletion policies whether the cloud resource is deleted or orphaned (as crossplane-runtime's
// managed reconciler does), records that, and removes the finalizer. Its inventory is the "cloud" the deletion
// scenarios inspect. Status (readiness, atProvider) is not its business: the lifecycle walk patches it stage by stage.
type fakeProvider struct {
	kube    *kube
	gvrs    map[schema.GroupVersionResource]schema.GroupVersionKind
	factory dynamicinformer.DynamicSharedInformerFactory
	cancel  context.CancelFunc

	mu    sync.Mutex
	cloud map[objKey]*external
	seq   int
	errs  []error
	wg    sync.WaitGroup
	queue chan objKey
}

func newFakeProvider(k *kube, gvrs map[schema.GroupVersionResource]schema.GroupVersionKind) *fakeProvider {
	return &fakeProvider{kube: k, gvrs: gvrs, cloud: map[objKey]*external{}, queue: make(chan objKey, 10000)}
}

func (f *fakeProvider) start(ctx context.Context) error {
	ctx, f.cancel = context.WithCancel(ctx)
	f.factory = dynamicinformer.NewDynamicSharedInformerFactory(f.kube.dyn, 0)
	enqueue := func(obj any) {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			f.queue <- keyOf(u)
		}
	}
	for gvr := range f.gvrs {
		inf := f.factory.ForResource(gvr).Informer()
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    enqueue,
			UpdateFunc: func(_, obj any) { enqueue(obj) },
		}); err != nil {
			return err
		}
	}
	f.factory.Start(ctx.Done())
	for gvr, ok := range f.factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("fake provider: informer for %s did not sync", gvr)
		}
	}
	// Two workers: handling is one or two API calls, and order of deletions must come from the control plane, not
	// from a backlog here.
	for range 2 {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case k := <-f.queue:
					if err := f.handle(ctx, k); err != nil && ctx.Err() == nil {
						f.mu.Lock()
						f.errs = append(f.errs, fmt.Errorf("%s: %w", k, err))
						f.mu.Unlock()
					}
				}
			}
		}()
	}
	return nil
}

func (f *fakeProvider) stop() {
	if f.cancel != nil {
		f.cancel()
		f.wg.Wait()
		f.factory.Shutdown()
	}
}

// handle reconciles one managed resource, reading it fresh from the API server.
func (f *fakeProvider) handle(ctx context.Context, k objKey) error {
	u, err := f.kube.get(ctx, k.GVK, k.Namespace, k.Name)
	if err != nil || u == nil {
		return err
	}
	fins := u.GetFinalizers()
	if u.GetDeletionTimestamp() == nil {
		if slices.Contains(fins, managedFinalizer) {
			return nil
		}
		u.SetFinalizers(append(fins, managedFinalizer))
		if err := f.update(ctx, u); err != nil {
			return err
		}
		f.mu.Lock()
		if _, ok := f.cloud[k]; !ok {
			f.cloud[k] = &external{Key: k, Composite: u.GetLabels()[labelComposite], Created: time.Now()}
		}
		f.mu.Unlock()
		return nil
	}
	if !slices.Contains(fins, managedFinalizer) {
		return nil
	}
	deletes := deletesExternal(u)
	f.mu.Lock()
	e, ok := f.cloud[k]
	if !ok {
		e = &external{Key: k, Composite: u.GetLabels()[labelComposite], Created: time.Now()}
		f.cloud[k] = e
	}
	if e.Released.IsZero() {
		f.seq++
		e.Released, e.ReleasedSeq = time.Now(), f.seq
		e.Deleted, e.Orphaned = deletes, !deletes
	}
	f.mu.Unlock()
	u.SetFinalizers(slices.DeleteFunc(fins, func(s string) bool { return s == managedFinalizer }))
	return f.update(ctx, u)
}

func (f *fakeProvider) update(ctx context.Context, u *unstructured.Unstructured) error {
	r, err := f.kube.res(u.GroupVersionKind(), u.GetNamespace())
	if err != nil {
		return err
	}
	_, err = r.Update(ctx, u, metav1.UpdateOptions{FieldManager: "fake-provider"})
	if kerrors.IsConflict(err) {
		f.queue <- keyOf(u) // changed under us: the informer will also bring the new version
		return nil
	}
	if kerrors.IsNotFound(err) {
		return nil
	}
	return err
}

// deletesExternal follows crossplane-runtime: with the default management policy ["*"] the deletion policy decides
// (Orphan keeps the cloud resource); any other set of policies deletes only if it includes Delete.
func deletesExternal(u *unstructured.Unstructured) bool {
	policies, found, _ := unstructured.NestedStringSlice(u.Object, "spec", "managementPolicies")
	if !found || slices.Contains(policies, "*") {
		dp, _, _ := unstructured.NestedString(u.Object, "spec", "deletionPolicy")
		return dp != "Orphan"
	}
	return slices.Contains(policies, "Delete")
}

// releases returns the handled deletions of the managed resources an XR composed, in order.
func (f *fakeProvider) releases(x *xr) []external {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []external
	for _, e := range f.cloud {
		if e.Key.Namespace == x.ns && e.Composite == x.name && !e.Released.IsZero() {
			out = append(out, *e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReleasedSeq < out[j].ReleasedSeq })
	return out
}

// remaining returns the cloud resources of an XR that still exist (never deleted).
func (f *fakeProvider) remaining(x *xr) []external {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []external
	for _, e := range f.cloud {
		if e.Key.Namespace == x.ns && e.Composite == x.name && !e.Deleted {
			out = append(out, *e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key.String() < out[j].Key.String() })
	return out
}

// errors returns what went wrong while handling resources.
func (f *fakeProvider) errors() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.errs)
}
