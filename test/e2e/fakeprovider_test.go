//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose/immutable"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
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
	CreatedSeq  int       // order of creation among all creations, updates and deletions (one sequence)
	ReadySeq    int       // when the fake provider first saw it Ready (the walk observed it); 0: never
	Deleted     bool      // the provider deleted it in the cloud
	Orphaned    bool      // the managed resource went, the cloud resource stays (management policies without Delete)
	Released    time.Time // when the managed resource's deletion was handled
	ReleasedSeq int       // order of handling among all deletions (the same sequence as CreatedSeq)
	Updates     []update  // updates applied in place, in order
	Refusals    []update  // updates refused because they change a field of the day-2 table, in order
	// ResourceName is the crossplane.io/composition-resource-name annotation at first sight; UIDs every object
	// UID seen under this key (more than one: the managed resource was deleted and created again under its name).
	// The chaos loop counts creations per composition resource name from them (chaos_test.go).
	ResourceName string
	UIDs         []string

	accepted    map[string]any // the object as of the last spec the "provider" applied (nil until it is Ready)
	acceptedGen int64          // its metadata.generation
	seenGen     int64          // the last generation handled (applied or refused)
}

// update is one update of a cloud resource the fake provider applied or refused.
type update struct {
	Seq     int
	Gen     int64
	Fields  []string // applied: the forProvider fields that changed; refused: the table fields (immutable.Change paths)
	Message string   // refused: the Synced message
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

	// retryOutages makes a call that fails because the API server is away (no API status, or a 5xx) come back
	// a second later instead of counting as an error: a real provider's workqueue retries too. Only the chaos
	// loop sets it (chaos_test.go), which kills the API server at random moments; outageRetries counts them.
	retryOutages  bool
	outageRetries int
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
						if f.retryLater(k, err) {
							continue
						}
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
	if u.GetDeletionTimestamp() == nil && !slices.Contains(fins, managedFinalizer) {
		u.SetFinalizers(append(fins, managedFinalizer))
		if err := f.update(ctx, u); err != nil {
			return err
		}
		f.mu.Lock()
		f.record(k, u)
		f.mu.Unlock()
		return nil
	}
	if !slices.Contains(fins, managedFinalizer) {
		return nil
	}
	if u.GetDeletionTimestamp() == nil {
		return f.reconcileSpec(ctx, k, u)
	}
	deletes := deletesExternal(u)
	f.mu.Lock()
	e := f.record(k, u)
	if e.Released.IsZero() {
		f.seq++
		e.Released, e.ReleasedSeq = time.Now(), f.seq
		e.Deleted, e.Orphaned = deletes, !deletes
	}
	f.mu.Unlock()
	u.SetFinalizers(slices.DeleteFunc(fins, func(s string) bool { return s == managedFinalizer }))
	return f.update(ctx, u)
}

// record returns the cloud record of a managed resource, creating it (the next creation in the sequence) on first
// sight. Call with f.mu held.
func (f *fakeProvider) record(k objKey, u *unstructured.Unstructured) *external {
	e, ok := f.cloud[k]
	if !ok {
		f.seq++
		e = &external{Key: k, Composite: u.GetLabels()[labelComposite], Created: time.Now(), CreatedSeq: f.seq,
			ResourceName: u.GetAnnotations()[annotationResourceName]}
		f.cloud[k] = e
	}
	if uid := string(u.GetUID()); !slices.Contains(e.UIDs, uid) {
		e.UIDs = append(e.UIDs, uid)
	}
	return e
}

// retryLater queues k again in a second when retryOutages is set and err says the API server was away.
func (f *fakeProvider) retryLater(k objKey, err error) bool {
	if !f.retryOutages || !isOutage(err) {
		return false
	}
	f.mu.Lock()
	f.outageRetries++
	f.mu.Unlock()
	time.AfterFunc(time.Second, func() { f.queue <- k })
	return true
}

// isOutage tells an error of a call that did not reach a working API server: no API status (connection refused or
// reset, a timeout, a kind not served yet right after a restart), a 5xx or 429.
func isOutage(err error) bool {
	var status kerrors.APIStatus
	if !errors.As(err, &status) {
		return true
	}
	code := status.Status().Code
	return code >= 500 || code == 429
}

// reconcileSpec plays the provider's update of a live resource. The cloud resource exists from the moment the
// resource is first seen Ready (the walk reports it created); until then every spec is the one being created. From
// then on each new generation is compared with the spec last applied, through the day-2 table (immutable.Changes):
//   - a changed table field is refused as upjet refuses it (Synced=False, ReconcileError, "refuse to update the
//     external resource because the following update requires replacing it: <fields>"), or, for an Object's
//     manifest, as the API server refuses it through provider-kubernetes ("... field is immutable"); the spec last
//     applied stays the reference, so setting the spec back is applied again;
//   - anything else is applied: Synced=True at the new generation, and the forProvider fields that changed are
//     copied into status.atProvider (upjet's observation mirrors its parameters; provider-kubernetes reports the
//     applied manifest), so version/addonVersion, a node group's taint or scaling and an Object's manifest read
//     back as AWS or the cluster would report them.
//
// Usages and ProviderConfigs have no provider behind them: only managed resources come here.
func (f *fakeProvider) reconcileSpec(ctx context.Context, k objKey, u *unstructured.Unstructured) error {
	gen := u.GetGeneration()
	ready, _, _ := condition(u, "Ready")
	f.mu.Lock()
	e := f.record(k, u)
	switch {
	case e.accepted == nil && ready != "True":
		f.mu.Unlock()
		return nil
	case e.accepted == nil:
		f.seq++
		e.ReadySeq = f.seq
		e.accepted, e.acceptedGen, e.seenGen = runtime.DeepCopyJSON(u.Object), gen, gen
		f.mu.Unlock()
		return nil
	case gen <= e.seenGen:
		f.mu.Unlock()
		return nil
	}
	up, atProvider, refused := decide(e.accepted, u.Object)
	f.seq++
	up.Seq = f.seq
	var status map[string]any
	if refused {
		e.Refusals = append(e.Refusals, up)
		status = map[string]any{"conditions": withCondition(u, map[string]any{
			"type": "Synced", "status": "False", "reason": "ReconcileError", "message": up.Message,
			"observedGeneration": gen,
		})}
	} else {
		e.Updates = append(e.Updates, up)
		e.accepted, e.acceptedGen = runtime.DeepCopyJSON(u.Object), gen
		status = map[string]any{"conditions": withCondition(u, map[string]any{
			"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "observedGeneration": gen,
		})}
		if len(atProvider) > 0 {
			status["atProvider"] = atProvider // a merge patch: maps merge, lists and scalars are replaced
		}
	}
	e.seenGen = gen
	f.mu.Unlock()
	_, err := f.kube.mergePatch(ctx, k.GVK, k.Namespace, k.Name, map[string]any{"status": status}, "status")
	if kerrors.IsNotFound(err) {
		return nil
	}
	return err
}

// decide is the provider's answer to a new spec (live) of a resource whose last applied spec is accepted: refused
// (with the table fields and the provider's message) when immutable.Changes reports any field of the day-2 table,
// else applied, with the forProvider fields that changed and what status.atProvider reports of them.
func decide(accepted, live map[string]any) (up update, atProvider map[string]any, refused bool) {
	u := &unstructured.Unstructured{Object: live}
	up.Gen = u.GetGeneration()
	if changes := immutable.Changes(accepted, live); len(changes) > 0 {
		up.Fields, up.Message = refusal(u, changes)
		return up, nil, true
	}
	atProvider = map[string]any{}
	oldFP, _, _ := unstructured.NestedMap(accepted, "spec", "forProvider")
	newFP, _, _ := unstructured.NestedMap(live, "spec", "forProvider")
	names := make([]string, 0, len(newFP))
	for name := range newFP {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if isReference(name) || equalJSON(oldFP[name], newFP[name]) {
			continue
		}
		up.Fields = append(up.Fields, name)
		atProvider[name] = newFP[name]
	}
	return up, atProvider, false
}

// refusal returns the refused fields and the message the real provider would give. upjet (crossplane/upjet v2
// pkg/controller/external.go) refuses a ForceNew change with "refuse to update the external resource because the
// following update requires replacing it: cannot change the value of the argument ..."; provider-kubernetes v1.3.0
// passes the API server's "cannot apply object: <Kind> ... is invalid: <field>: ... field is immutable". A changed
// identity (a manifest's name, an external name, a region) is no refusal in reality — the provider creates a second
// resource and leaks the first — but it is just as much an in-place edit that never reaches the resource the spec
// names, so the fake refuses it too (with upjet's wording), and the e2e fails on it as on any other.
func refusal(u *unstructured.Unstructured, changes []immutable.Change) ([]string, string) {
	var fields []string
	immutableOnly := true
	for _, c := range changes {
		fields = append(fields, c.Path)
		immutableOnly = immutableOnly && c.Reason == immutable.ReasonImmutable
	}
	list := strings.Join(fields, ", ")
	if immutableOnly {
		kind, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "manifest", "kind")
		name, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "manifest", "metadata", "name")
		return fields, fmt.Sprintf("cannot apply object: %s %q is invalid: %s: Invalid value: field is immutable", kind, name, list)
	}
	return fields, "refuse to update the external resource because the following update requires replacing it: " +
		"cannot change the value of " + list
}

// withCondition returns u's status.conditions with c in place of the condition of its type.
func withCondition(u *unstructured.Unstructured, c map[string]any) []any {
	c["lastTransitionTime"] = time.Now().UTC().Format(time.RFC3339)
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	out := make([]any, 0, len(conds)+1)
	for _, old := range conds {
		if m, ok := old.(map[string]any); ok && m["type"] == c["type"] {
			continue
		}
		out = append(out, old)
	}
	return append(out, c)
}

// isReference tells a forProvider field that only selects another resource (…Ref, …Refs, …Selector): the
// provider resolves it into the field it names, which is what atProvider reports.
func isReference(name string) bool {
	return strings.HasSuffix(name, "Ref") || strings.HasSuffix(name, "Refs") || strings.HasSuffix(name, "Selector")
}

// equalJSON compares two JSON values by their encoding (numbers of any Go type by value; encoding/json sorts
// map keys).
func equalJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// refusals returns the updates the fake provider refused among the managed resources an XR composed, by resource.
func (f *fakeProvider) refusals(x *xr) map[objKey][]update {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[objKey][]update{}
	for k, e := range f.cloud {
		if k.Namespace == x.ns && e.Composite == x.name && len(e.Refusals) > 0 {
			out[k] = slices.Clone(e.Refusals)
		}
	}
	return out
}

// lookup returns a copy of the cloud record of one managed resource.
func (f *fakeProvider) lookup(k objKey) (external, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.cloud[k]
	if !ok {
		return external{}, false
	}
	return *e, true
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
