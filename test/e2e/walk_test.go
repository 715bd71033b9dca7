//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// observation is what a provider would report for one managed resource: its external name and status.atProvider
// (plus anything else in status besides conditions).
type observation struct {
	externalName string
	status       map[string]any
}

// observations maps composition resource names to what the walk reports for them.
type observations map[string]observation

// loadObservations reads the observed-state files of an example (test/observed/<example>/*.yaml, in file name
// order). A resource in several files takes the last one where it is Ready, so the walk reports the complete
// observation the function's own render tests use.
func loadObservations(dir string) (observations, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	sort.Strings(files)
	obs := observations{}
	for _, f := range files {
		objs, err := readObjectsFile(f)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			rn := o.GetAnnotations()[annotationResourceName]
			if rn == "" {
				continue
			}
			status, _, _ := unstructured.NestedMap(o.Object, "status")
			if prev, ok := obs[rn]; ok {
				if s, _, _ := condition(o, "Ready"); s != "True" && prev.status != nil {
					continue
				}
			}
			obs[rn] = observation{externalName: o.GetAnnotations()[annotationExternalName], status: status}
		}
	}
	return obs, nil
}

// genericObservation is what the walk reports for a resource no observed-state file covers: an ID and an ARN
// derived from its name, which is what the function's generic observed-stage helper does too.
func genericObservation(u *unstructured.Unstructured) observation {
	svc := strings.SplitN(u.GroupVersionKind().Group, ".", 2)[0]
	return observation{status: map[string]any{"atProvider": map[string]any{
		"id":  u.GetName(),
		"arn": fmt.Sprintf("arn:aws:%s:us-east-1:123456789012:%s/%s", svc, strings.ToLower(u.GetKind()), u.GetName()),
	}}}
}

// observe makes a managed resource look as a provider leaves it once the cloud resource exists: the external name
// annotation (when the observation has one and the resource has none yet) and status with atProvider and
// Ready/Synced conditions. A provider never renames what the function named: the function names some resources
// from the XR's namespace and name, and the observed-state files were made in the example's own, so an XR of
// another namespace (fleet-NN, chaos, shipped-values) keeps the names it was composed with.
func (c *controlPlane) observe(ctx context.Context, u *unstructured.Unstructured, o observation) error {
	gvk, ns, name := u.GroupVersionKind(), u.GetNamespace(), u.GetName()
	if o.externalName != "" && u.GetAnnotations()[annotationExternalName] == "" {
		if _, err := c.kube.mergePatch(ctx, gvk, ns, name, map[string]any{
			"metadata": map[string]any{"annotations": map[string]any{annotationExternalName: o.externalName}},
		}); err != nil {
			return fmt.Errorf("%s/%s: external name: %w", u.GetKind(), name, err)
		}
	}
	status := map[string]any{}
	if o.status != nil {
		status = runtime.DeepCopyJSON(o.status)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	status["conditions"] = []any{
		map[string]any{"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": now},
		map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "lastTransitionTime": now},
	}
	if _, err := c.kube.mergePatch(ctx, gvk, ns, name, map[string]any{"status": status}, "status"); err != nil {
		return fmt.Errorf("%s/%s: status: %w", u.GetKind(), name, err)
	}
	return nil
}

// walkResult is what a lifecycle walk measured.
type walkResult struct {
	Stages           int             // rounds of "observe what is new, wait for Crossplane to compose the next"
	PerStage         []int           // resources observed in each round
	Waits            []time.Duration // per round: from the last observation to the next resources (or Ready)
	Observed         int             // managed resources the walk made ready
	FunctionRequests int             // RunFunction calls Crossplane made meanwhile
	XRReconciles     int             // reconciles of the XR kind meanwhile
	BreakerOpens     int             // times the XR circuit breaker opened meanwhile
	DroppedEvents    int             // watch events the open breaker dropped meanwhile
	Duration         time.Duration   // from the start of the walk to the XR's Ready
	// Day-2 walks (walkOptions.untilApplied):
	Idle           []time.Duration   // rounds with nothing new to observe: waits for the next change
	Refused        map[string]string // tolerated refusals seen, by composition resource name: the provider's message
	AppliedRefused string            // the XR's last Applied=False/UpdateRefused message seen
}

func (w walkResult) String() string {
	waits := make([]string, len(w.Waits))
	for i, d := range w.Waits {
		waits[i] = d.Round(100 * time.Millisecond).String()
	}
	idle := ""
	if len(w.Idle) > 0 {
		ds := make([]string, len(w.Idle))
		for i, d := range w.Idle {
			ds[i] = d.Round(100 * time.Millisecond).String()
		}
		idle = fmt.Sprintf(", %d rounds without new resources (waits %s)", len(w.Idle), strings.Join(ds, " "))
	}
	return fmt.Sprintf("%d stages %v (waits %s)%s, %d resources, %d XR reconciles, %d function requests, "+
		"circuit breaker opened %d times and dropped %d events, %s",
		w.Stages, w.PerStage, strings.Join(waits, " "), idle, w.Observed, w.XRReconciles, w.FunctionRequests,
		w.BreakerOpens, w.DroppedEvents, w.Duration.Round(10*time.Millisecond))
}

// walk plays the providers: it observes every composed resource not yet observed (in parallel, like providers
// would), then waits for Crossplane to compose the next resources, and repeats until the XR is Ready with nothing
// left to observe. Crossplane's defaults stay as they are: each XR has a circuit breaker (burst 100 watch events,
// refill 1/s) that a stage of this size trips, after which the XR is reconciled on a half-open probe every 30 s or
// when the function's TTL (60 s) expires — so a round may wait up to a minute, as it would with real providers.
// stageTimeout bounds each wait.
func (x *xr) walk(ctx context.Context, obs observations, maxStages int, stageTimeout time.Duration) (walkResult, error) {
	return x.walkWith(ctx, obs, maxStages, stageTimeout, walkOptions{})
}

// walkOptions make a walk a day-2 walk: from an environment already observed to the fixed point of an edit.
type walkOptions struct {
	// observed are the composition resource names already observed: a day-2 walk reports only what is new.
	observed []string
	// untilApplied makes the end the edit's fixed point: Ready, and Applied=True (every observed resource Synced
	// at its spec: nothing refused, no replacement in progress, nothing pending), not only Ready. Progress may
	// then come from the fake provider alone (an applied update, a finished deletion), not from new resources.
	untilApplied bool
	// tolerate names the composition resources whose refused update is a known gap: recorded in
	// walkResult.Refused instead of failing the walk. Nil: every refusal fails it.
	tolerate func(resourceName string) bool
	// afterStage, when set, runs once the walk has observed a stage (1, 2, …), before it waits for Crossplane:
	// where a fault scenario stops a component mid-walk (faults_*_test.go). An error fails the walk.
	afterStage func(stage int) error
}

// refusedResources returns the composed resources (by composition resource name) whose Synced condition is a
// replacement refusal, with its message.
func refusedResources(composed map[string]*unstructured.Unstructured) map[string]string {
	out := map[string]string{}
	for rn, o := range composed {
		if s, _, m := condition(o, "Synced"); s == "False" && isReplacementRefusal(m) {
			out[rn] = m
		}
	}
	return out
}

// isReplacementRefusal matches the messages the fake provider refuses with (upjet's, the API server's), which are
// the ones the function's Applied condition classifies as UpdateRefused.
func isReplacementRefusal(msg string) bool {
	return strings.Contains(msg, "requires replacing it") || strings.Contains(msg, "field is immutable")
}

// checkRefusals fails a walk fast, with the provider's message, once the XR says Applied=False/UpdateRefused or a
// composed resource is refused, unless every refused resource is tolerated (those are recorded in res.Refused).
// A refused update never resolves by itself: waiting for the stage timeout would only hide the message.
func (x *xr) checkRefusals(u *unstructured.Unstructured, composed map[string]*unstructured.Unstructured, opts walkOptions, res *walkResult) error {
	refused := refusedResources(composed)
	var bad []string
	for _, rn := range sortedKeys(refused) {
		if opts.tolerate != nil && opts.tolerate(rn) {
			if res.Refused == nil {
				res.Refused = map[string]string{}
			}
			res.Refused[rn] = refused[rn]
			continue
		}
		bad = append(bad, rn+": "+refused[rn])
	}
	if u != nil {
		if s, r, m := condition(u, "Applied"); s == "False" && r == "UpdateRefused" {
			res.AppliedRefused = m
			// The XR's condition may be a moment behind the composed resources (a tolerated refused resource
			// already gone): it fails the walk on its own only if it names a resource not tolerated.
			if len(bad) == 0 && !allTolerated(appliedRefusedNames(m), opts.tolerate) {
				bad = append(bad, "Applied=False/UpdateRefused: "+m)
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: an update was refused, it needs a replacement (Applied: %s): %s", x, res.AppliedRefused, strings.Join(bad, "; "))
	}
	return nil
}

// appliedRefusedNames reads the resources an Applied=False/UpdateRefused message names ("update refused, it needs a
// replacement: a, b (a: <message>)", compose/applied.go); nil when it cannot tell (a list cut with "and N more").
func appliedRefusedNames(msg string) []string {
	const lead = "update refused, it needs a replacement: "
	i := strings.Index(msg, lead)
	if i < 0 {
		return nil
	}
	list, _, _ := strings.Cut(msg[i+len(lead):], " (")
	if strings.Contains(list, " more") {
		return nil
	}
	return strings.Split(list, ", ")
}

func allTolerated(names []string, tolerate func(string) bool) bool {
	if len(names) == 0 || tolerate == nil {
		return false
	}
	for _, n := range names {
		if !tolerate(n) {
			return false
		}
	}
	return true
}

// walkWith is walk with options (see walkOptions).
func (x *xr) walkWith(ctx context.Context, obs observations, maxStages int, stageTimeout time.Duration, opts walkOptions) (walkResult, error) {
	res := walkResult{}
	start := time.Now()
	counters := func() (calls, recs, opens, dropped int, err error) {
		if calls, err = functionRequests(ctx); err != nil {
			return
		}
		if recs, err = xrReconciles(ctx); err != nil {
			return
		}
		opens, dropped, err = breakerStats(ctx)
		return
	}
	calls0, recs0, opens0, dropped0, err := counters()
	if err != nil {
		return res, err
	}
	done := map[string]bool{}
	for _, rn := range opts.observed {
		done[rn] = true
	}
	converged := func(u *unstructured.Unstructured) bool {
		if s, _, _ := condition(u, "Ready"); s != "True" {
			return false
		}
		if !opts.untilApplied {
			return true
		}
		if s, _, _ := condition(u, "Applied"); s != "True" {
			return false
		}
		// Crossplane stamps the XR's conditions with the generation they were set for: Ready and Applied from
		// before the edit say nothing about it.
		for _, typ := range []string{"Synced", "Ready", "Applied"} {
			if g, ok := conditionGeneration(u, typ); ok && g < u.GetGeneration() {
				return false
			}
		}
		return true
	}
	todoOf := func(composed map[string]*unstructured.Unstructured) []string {
		var todo []string
		for rn, o := range composed {
			if !done[rn] && isManaged(o) {
				todo = append(todo, rn)
			}
		}
		sort.Strings(todo)
		return todo
	}
	u, composed, err := x.settle(ctx, 1500*time.Millisecond, 2*time.Minute)
	if err != nil {
		return res, err
	}
	for rounds := 0; ; rounds++ {
		if err := x.checkRefusals(u, composed, opts, &res); err != nil {
			return res, err
		}
		todo := todoOf(composed)
		if len(todo) == 0 {
			if converged(u) {
				break
			}
			if !opts.untilApplied {
				return res, fmt.Errorf("%s: nothing left to observe and not Ready", x)
			}
		}
		if rounds >= 4*maxStages+10 {
			return res, fmt.Errorf("%s: no fixed point after %d rounds (%d stages)", x, rounds, res.Stages)
		}
		if len(todo) > 0 {
			if res.Stages >= maxStages {
				return res, fmt.Errorf("%s: still composing new resources after %d stages", x, maxStages)
			}
			if err := x.observeAll(ctx, composed, todo, obs); err != nil {
				return res, fmt.Errorf("observing stage %d: %w", res.Stages+1, err)
			}
			for _, rn := range todo {
				done[rn] = true
			}
			res.Stages++
			res.PerStage = append(res.PerStage, len(todo))
			res.Observed += len(todo)
			if opts.afterStage != nil {
				if err := opts.afterStage(res.Stages); err != nil {
					return res, fmt.Errorf("after stage %d: %w", res.Stages, err)
				}
			}
		}

		// Wait for progress: new resources to observe, or Ready (and Applied).
		observedAt := time.Now()
		before := refsAndVersions(composed)
		var refusedErr error
		err := poll(ctx, stageTimeout, 250*time.Millisecond, func() (bool, error) {
			if err := x.cp.alive(); err != nil {
				return false, err
			}
			u, composed, err = x.composed(ctx)
			if err != nil || u == nil {
				return false, nil
			}
			if refusedErr = x.checkRefusals(u, composed, opts, &res); refusedErr != nil {
				return true, nil
			}
			if len(todoOf(composed)) > 0 || converged(u) {
				return true, nil
			}
			if opts.untilApplied && len(todo) == 0 {
				// Nothing was observed this round: progress is the composed set or a resource changing.
				return refsAndVersions(composed) != before, nil
			}
			return false, nil
		})
		if refusedErr != nil {
			return res, refusedErr
		}
		if err != nil {
			detail := ""
			if u != nil {
				_, reason, msg := condition(u, "Ready")
				_, areason, amsg := condition(u, "Applied")
				detail = fmt.Sprintf("Ready: %s %s; Applied: %s %s; components: %s", reason, msg, areason, amsg, strings.Join(componentsSummary(u), "; "))
			}
			return res, fmt.Errorf("%s: no progress within %s after observing stage %d (%s)", x, stageTimeout, res.Stages, detail)
		}
		if len(todo) > 0 {
			res.Waits = append(res.Waits, time.Since(observedAt))
		} else {
			res.Idle = append(res.Idle, time.Since(observedAt))
		}
		// Let the rest of this round's resources arrive before observing them.
		if u, composed, err = x.settle(ctx, 1500*time.Millisecond, 2*time.Minute); err != nil {
			return res, err
		}
	}
	res.Duration = time.Since(start)
	calls1, recs1, opens1, dropped1, err := counters()
	if err != nil {
		return res, err
	}
	res.FunctionRequests, res.XRReconciles = calls1-calls0, recs1-recs0
	res.BreakerOpens, res.DroppedEvents = opens1-opens0, dropped1-dropped0
	return res, nil
}

// conditionGeneration returns the observedGeneration of u's condition of a type, if it has one.
func conditionGeneration(u *unstructured.Unstructured, typ string) (int64, bool) {
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range cs {
		m, _ := c.(map[string]any)
		if m["type"] != typ {
			continue
		}
		switch g := m["observedGeneration"].(type) {
		case int64:
			return g, true
		case float64:
			return int64(g), true
		}
	}
	return 0, false
}

// refsAndVersions is the composed set with each object's resourceVersion: it changes with anything the function,
// Crossplane or the fake provider does to a composed resource.
func refsAndVersions(composed map[string]*unstructured.Unstructured) string {
	keys := make([]string, 0, len(composed))
	for rn, o := range composed {
		keys = append(keys, rn+"="+o.GetResourceVersion())
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// observeAll observes the named resources, sixteen at a time.
func (x *xr) observeAll(ctx context.Context, composed map[string]*unstructured.Unstructured, names []string, obs observations) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []string
		sem  = make(chan struct{}, 16)
	)
	for _, rn := range names {
		o, ok := obs[rn]
		if !ok {
			o = genericObservation(composed[rn])
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(u *unstructured.Unstructured, o observation) {
			defer func() { <-sem; wg.Done() }()
			if err := x.cp.observe(ctx, u, o); err != nil {
				mu.Lock()
				errs = append(errs, err.Error())
				mu.Unlock()
			}
		}(composed[rn], o)
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// isManaged tells managed resources (which a provider observes) from other composed resources such as Usages.
// ProviderConfigs of provider-kubernetes and provider-helm are composed too, but are no managed resources.
func isManaged(u *unstructured.Unstructured) bool {
	return isProviderGroup(u.GroupVersionKind().Group) && !strings.Contains(u.GetKind(), "ProviderConfig")
}

func componentsSummary(u *unstructured.Unstructured) []string {
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "components")
	var out []string
	for _, c := range cs {
		m, _ := c.(map[string]any)
		out = append(out, fmt.Sprintf("%v ready=%v %v/%v %v", m["name"], m["ready"], m["readyResources"], m["resources"], m["message"]))
	}
	return out
}
