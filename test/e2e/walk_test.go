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
// annotation (when the observation has one) and status with atProvider and Ready/Synced conditions.
func (c *controlPlane) observe(ctx context.Context, u *unstructured.Unstructured, o observation) error {
	gvk, ns, name := u.GroupVersionKind(), u.GetNamespace(), u.GetName()
	if o.externalName != "" && u.GetAnnotations()[annotationExternalName] != o.externalName {
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
	Stages           int           // rounds of "observe what is new, let Crossplane compose"
	FunctionRequests int           // RunFunction calls Crossplane made meanwhile
	Observed         int           // managed resources the walk made ready
	Duration         time.Duration // from the first observation to the XR's Ready
	PerStage         []int         // resources observed in each round
}

func (w walkResult) String() string {
	return fmt.Sprintf("%d stages %v, %d resources, %d function requests, %s", w.Stages, w.PerStage, w.Observed, w.FunctionRequests, w.Duration.Round(10*time.Millisecond))
}

// walk plays the providers: it observes every composed resource not yet observed (in parallel, like providers
// would), waits for Crossplane to settle, and repeats until the XR is Ready and nothing new appears. It fails when
// a round brings nothing new and the XR is still not Ready.
func (x *xr) walk(ctx context.Context, obs observations, maxStages int) (walkResult, error) {
	res := walkResult{}
	start := time.Now()
	calls0, err := functionRequests(ctx)
	if err != nil {
		return res, err
	}
	done := map[string]bool{}
	for {
		u, composed, err := x.settle(ctx, 1500*time.Millisecond, 2*time.Minute)
		if err != nil {
			return res, err
		}
		var todo []string
		for rn, o := range composed {
			if !done[rn] && isManaged(o) {
				todo = append(todo, rn)
			}
		}
		ready, _, _ := condition(u, "Ready")
		if len(todo) == 0 {
			if ready == "True" {
				break
			}
			_, reason, msg := condition(u, "Ready")
			return res, fmt.Errorf("%s: nothing new to observe after %d stages and not Ready (%s: %s); components: %v",
				x, res.Stages, reason, msg, componentsSummary(u))
		}
		if res.Stages >= maxStages {
			return res, fmt.Errorf("%s: still composing new resources after %d stages", x, maxStages)
		}
		sort.Strings(todo)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []string
			sem  = make(chan struct{}, 16)
		)
		for _, rn := range todo {
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
			done[rn] = true
		}
		wg.Wait()
		if len(errs) > 0 {
			return res, fmt.Errorf("observing stage %d: %s", res.Stages+1, strings.Join(errs, "; "))
		}
		res.Stages++
		res.PerStage = append(res.PerStage, len(todo))
		res.Observed += len(todo)
	}
	res.Duration = time.Since(start)
	calls1, err := functionRequests(ctx)
	if err != nil {
		return res, err
	}
	res.FunctionRequests = calls1 - calls0
	return res, nil
}

// isManaged tells managed resources (which a provider observes) from other composed resources such as Usages.
func isManaged(u *unstructured.Unstructured) bool { return isProviderGroup(u.GroupVersionKind().Group) }

func componentsSummary(u *unstructured.Unstructured) []string {
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "components")
	var out []string
	for _, c := range cs {
		m, _ := c.(map[string]any)
		out = append(out, fmt.Sprintf("%v ready=%v %v/%v %v", m["name"], m["ready"], m["readyResources"], m["resources"], m["message"]))
	}
	return out
}
