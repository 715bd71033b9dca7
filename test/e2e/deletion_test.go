//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// deletionRecorder watches the composed resources of an XR while it is deleted and records, per object, when its
// deletion began (deletionTimestamp first seen) and when it was gone. A DELETE the Usage webhook refuses leaves no
// trace, so "deletion began" is exactly "the API server accepted the DELETE".
type deletionRecorder struct {
	mu    sync.Mutex
	began map[string]time.Time // Kind/name
	gone  map[string]time.Time
	// late marks the objects whose deletion arrived as a tombstone: a watch broken by an API server restart
	// relists, and an object deleted meanwhile arrives then, later than it went.
	late     map[string]bool
	watching kindWatch
}

func newDeletionRecorder() *deletionRecorder {
	return &deletionRecorder{began: map[string]time.Time{}, gone: map[string]time.Time{}, late: map[string]bool{}}
}

// recordDeletions starts watching the kinds of the given objects in their namespace.
func (c *controlPlane) recordDeletions(ctx context.Context, ns string, objs map[string]*unstructured.Unstructured) (*deletionRecorder, error) {
	r := newDeletionRecorder()
	var err error
	r.watching, err = c.watchKinds(ctx, ns, objs, r.saw)
	return r, err
}

// kindWatch is a set of informers over the kinds of some objects in one namespace.
type kindWatch struct {
	factory dynamicinformer.DynamicSharedInformerFactory
	stopCh  chan struct{}
}

// watchKinds starts informers for the kinds of objs in ns that call saw on every update and deletion, and waits
// (at most 30 s) until they have synced.
func (c *controlPlane) watchKinds(ctx context.Context, ns string, objs map[string]*unstructured.Unstructured, saw func(obj any, deleted bool)) (kindWatch, error) {
	w := kindWatch{factory: dynamicinformer.NewFilteredDynamicSharedInformerFactory(c.kube.dyn, 0, ns, nil), stopCh: make(chan struct{})}
	gvrs := map[schema.GroupVersionResource]bool{}
	for _, o := range objs {
		m, err := c.kube.mapping(o.GroupVersionKind())
		if err != nil {
			return w, err
		}
		gvrs[m.Resource] = true
	}
	for gvr := range gvrs {
		if _, err := w.factory.ForResource(gvr).Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			UpdateFunc: func(_, obj any) { saw(obj, false) },
			DeleteFunc: func(obj any) { saw(obj, true) },
		}); err != nil {
			return w, err
		}
	}
	w.factory.Start(w.stopCh)
	syncCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for gvr, ok := range w.factory.WaitForCacheSync(syncCtx.Done()) {
		if !ok {
			w.stop()
			return w, fmt.Errorf("informer for %s did not sync", gvr)
		}
	}
	return w, nil
}

func (w kindWatch) stop() {
	close(w.stopCh)
	w.factory.Shutdown()
}

// watchedObject is the object of an informer event; late when it is a tombstone (DeletedFinalStateUnknown).
func watchedObject(obj any) (u *unstructured.Unstructured, late bool) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj, late = d.Obj, true
	}
	u, _ = obj.(*unstructured.Unstructured)
	return u, late
}

func (r *deletionRecorder) saw(obj any, deleted bool) {
	u, late := watchedObject(obj)
	if u == nil {
		return
	}
	now := time.Now()
	k := u.GetKind() + "/" + u.GetName()
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.began[k]; !ok && (deleted || u.GetDeletionTimestamp() != nil) {
		r.began[k] = now
	}
	if deleted {
		r.gone[k] = now
		r.late[k] = late
	}
}

func (r *deletionRecorder) stop() { r.watching.stop() }

// checkUsages returns one line per Usage whose order the deletion broke: the used resource's deletion must begin
// only after the using resource is gone.
func (r *deletionRecorder) checkUsages(usages []usage) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var bad []string
	for _, u := range usages {
		byGone, ok1 := r.gone[u.by]
		ofBegan, ok2 := r.began[u.of]
		switch {
		case !ok1:
			bad = append(bad, fmt.Sprintf("Usage %s: %s (the user) was never deleted", u.name, u.by))
		case !ok2:
			bad = append(bad, fmt.Sprintf("Usage %s: %s (the used) was never deleted", u.name, u.of))
		case ofBegan.Before(byGone):
			bad = append(bad, fmt.Sprintf("Usage %s: deleting %s began %s before %s was gone", u.name, u.of, byGone.Sub(ofBegan).Round(time.Millisecond), u.by))
		}
	}
	return bad
}

// order lists the objects by the time their deletion began, with the offset from the first (late: a tombstone).
func (r *deletionRecorder) order() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ks := sortedKeys(r.began)
	sort.SliceStable(ks, func(i, j int) bool { return r.began[ks[i]].Before(r.began[ks[j]]) })
	var b strings.Builder
	for _, k := range ks {
		late := ""
		if r.late[k] {
			late = " (late)"
		}
		fmt.Fprintf(&b, " +%s %s%s", r.began[k].Sub(r.began[ks[0]]).Round(10*time.Millisecond), k, late)
	}
	return b.String()
}

// deleteAndCheck deletes the XR, waits until everything it composed is gone, and checks the order against the
// composed Usages. It returns the time taken, the broken orders and the order of deletion.
func (x *xr) deleteAndCheck(ctx context.Context, composed map[string]*unstructured.Unstructured, timeout time.Duration) (time.Duration, []string, string, error) {
	return x.deleteAndCheckWith(ctx, composed, timeout, nil)
}

// deleteAndCheckWith is deleteAndCheck with during run alongside the deletion (see deleteAndWaitWith).
func (x *xr) deleteAndCheckWith(ctx context.Context, composed map[string]*unstructured.Unstructured, timeout time.Duration, during func(left int) (bool, error)) (time.Duration, []string, string, error) {
	rec, err := x.cp.recordDeletions(ctx, x.ns, composed)
	if err != nil {
		return 0, nil, "", err
	}
	defer rec.stop()
	start := time.Now()
	if err := x.deleteAndWaitWith(ctx, composed, timeout, during); err != nil {
		return time.Since(start), nil, rec.order(), err
	}
	took := time.Since(start)
	time.Sleep(200 * time.Millisecond) // let the last watch events arrive
	return took, rec.checkUsages(usagesOf(composed)), rec.order(), nil
}
