//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// golden is one render golden: the XR as `crossplane render` returned it and its composed resources keyed by
// composition resource name.
type golden struct {
	path     string
	xr       *unstructured.Unstructured
	composed map[string]*unstructured.Unstructured
}

func readGolden(path string) (*golden, error) {
	objs, err := readObjectsFile(path)
	if err != nil {
		return nil, err
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	g := &golden{path: path, xr: objs[0], composed: map[string]*unstructured.Unstructured{}}
	for _, o := range objs[1:] {
		rn := o.GetAnnotations()[annotationResourceName]
		if rn == "" {
			// Render also prints function results and events; only composed resources carry this annotation.
			continue
		}
		g.composed[rn] = o
	}
	return g, nil
}

// Metadata the API server or Crossplane's runtime writes, and the fake provider's finalizer: never part of what
// the function renders, so never compared.
var runtimeMetadata = []string{
	"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp",
	"deletionGracePeriodSeconds", "finalizers", "generateName",
}

// comparable strips an object to what the function and Crossplane's composition decide: status and runtime
// metadata go, owner references keep kind, name and controller only (the XR's UID differs by construction). A
// composed resource whose name Crossplane generated loses its name too.
func comparable(u *unstructured.Unstructured, keepStatus bool) map[string]any {
	o := numbersAsFloat(runtime.DeepCopyJSON(u.Object)).(map[string]any)
	if !keepStatus {
		delete(o, "status")
	}
	md, _ := o["metadata"].(map[string]any)
	if md == nil {
		return o
	}
	if _, ok := md["generateName"]; ok {
		delete(md, "name")
	}
	for _, f := range runtimeMetadata {
		delete(md, f)
	}
	if l, ok := md["labels"].(map[string]any); ok {
		delete(l, labelInUse) // set by Crossplane's Usage controller on used resources
		if len(l) == 0 {
			delete(md, "labels")
		}
	}
	if a, ok := md["annotations"].(map[string]any); ok {
		delete(a, annotationUsageDetails) // written by Crossplane's Usage controller
	}
	if ors, ok := md["ownerReferences"].([]any); ok {
		// Only the controller reference is composition's; Crossplane's Usage controller adds the user of a Usage.
		var keep []any
		for _, or := range ors {
			if m := or.(map[string]any); m["controller"] == true {
				keep = append(keep, map[string]any{"apiVersion": m["apiVersion"], "kind": m["kind"], "name": m["name"]})
			}
		}
		md["ownerReferences"] = keep
	}
	return o
}

// numbersAsFloat turns every number into a float64: YAML files decode to float64, the API client to int64.
func numbersAsFloat(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = numbersAsFloat(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = numbersAsFloat(e)
		}
		return t
	case int64:
		return float64(t)
	case int:
		return float64(t)
	case int32:
		return float64(t)
	default:
		return v
	}
}

// uidNames treats two strings as equal when one is a name the function derived from the XR's UID (a final
// snapshot's name, unique per incarnation of the XR) and the other the same name rendered without a UID, as
// `crossplane render` does: "<base>-<uid[:8]>-<hash>" against "<base>-<hash>".
func uidNames(uid string) cmp.Option {
	uid8 := strings.ReplaceAll(uid, "-", "")
	if len(uid8) > 8 {
		uid8 = uid8[:8]
	}
	if uid8 == "" {
		return cmp.Options{}
	}
	strip := func(s string) string {
		return trailingHash.ReplaceAllString(strings.ReplaceAll(s, "-"+uid8, ""), "")
	}
	return cmp.FilterValues(func(a, b string) bool { return strings.Contains(a, uid8) != strings.Contains(b, uid8) },
		cmp.Comparer(func(a, b string) bool { return strip(a) == strip(b) }))
}

var trailingHash = regexp.MustCompile(`-[0-9a-f]{8}$`)

// dryRunDefaults returns a golden composed resource as the API server would store it — CRD defaults applied,
// unknown fields pruned — by a server-side dry-run create in a scratch namespace. The live object carries the
// same defaults, so this is what it must equal.
func (c *controlPlane) dryRunDefaults(ctx context.Context, g *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	o := g.DeepCopy()
	o.SetNamespace(dryRunNamespace)
	o.SetOwnerReferences(nil)
	o.SetResourceVersion("")
	if o.GetName() == "" && o.GetGenerateName() == "" {
		o.SetGenerateName("dry-run-")
	}
	r, err := c.kube.res(o.GroupVersionKind(), dryRunNamespace)
	if err != nil {
		return nil, err
	}
	out, err := r.Create(ctx, o, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: fieldManager})
	if err != nil {
		return nil, err
	}
	// Put back what the dry run changed on purpose.
	out.SetNamespace(g.GetNamespace())
	out.SetOwnerReferences(g.GetOwnerReferences())
	if g.GetName() == "" {
		out.SetName("")
	}
	return out, nil
}

const dryRunNamespace = "e2e-dry-run"

// pruned lists the leaf paths of want that got lost in got: fields the CRD does not know, which the API server drops
// silently from what Crossplane applies.
func pruned(want, got any, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		var out []string
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k)
				continue
			}
			out = append(out, pruned(v, gv, path+"."+k)...)
		}
		return out
	case []any:
		g, _ := got.([]any)
		var out []string
		for i, v := range w {
			if i >= len(g) {
				out = append(out, fmt.Sprintf("%s[%d]", path, i))
				continue
			}
			out = append(out, pruned(v, g[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	default:
		return nil
	}
}

// compareComposed compares live composed resources with a golden's: the same composition resource names, and each
// object equal to the golden's (defaults applied) modulo runtime metadata. It returns one line per difference.
func (c *controlPlane) compareComposed(ctx context.Context, g *golden, liveXR *unstructured.Unstructured, live map[string]*unstructured.Unstructured) ([]string, error) {
	uid := uidNames(string(liveXR.GetUID()))
	var diffs []string
	for _, rn := range sortedKeys(g.composed) {
		if _, ok := live[rn]; !ok {
			diffs = append(diffs, fmt.Sprintf("missing: %s (%s %s)", rn, g.composed[rn].GetKind(), g.composed[rn].GetName()))
		}
	}
	for _, rn := range sortedKeys(live) {
		if _, ok := g.composed[rn]; !ok {
			diffs = append(diffs, fmt.Sprintf("unexpected: %s (%s %s)", rn, live[rn].GetKind(), live[rn].GetName()))
		}
	}
	for _, rn := range sortedKeys(g.composed) {
		l, ok := live[rn]
		if !ok {
			continue
		}
		want, err := c.dryRunDefaults(ctx, g.composed[rn])
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("%s: the API server rejects the golden object: %v", rn, err))
			continue
		}
		if p := pruned(g.composed[rn].Object["spec"], want.Object["spec"], "spec"); len(p) > 0 {
			diffs = append(diffs, fmt.Sprintf("%s: the CRD prunes %s", rn, strings.Join(p, ", ")))
		}
		if _, ok := g.composed[rn].GetAnnotations()[annotationExternalName]; !ok {
			// The function leaves this resource's external name to the provider (here: the lifecycle walk).
			l = l.DeepCopy()
			a := l.GetAnnotations()
			delete(a, annotationExternalName)
			l.SetAnnotations(a)
		}
		if d := cmp.Diff(comparable(want, false), comparable(l, false), uid); d != "" {
			diffs = append(diffs, fmt.Sprintf("%s (%s %s) differs (-golden +live):\n%s", rn, l.GetKind(), l.GetName(), d))
		}
	}
	return diffs, nil
}

// compareXR compares the live XR with a golden's: the status the function wrote (conditions aside), for each
// condition the golden has its type, status and reason, and the spec where the golden has one (render prints the
// XR's metadata and status only; Crossplane's own spec.crossplane is never compared). firstStage leaves out the
// components' messages: the golden of the first stage is rendered with nothing observed ("being created"), while
// Crossplane calls the function again as soon as the resources exist ("waiting for Ready"). The function's Applied
// condition is compared the same way, without its message, which counts the observed resources (none in the first
// stage's golden, all of them live): both say True/Synced as long as no composed resource reports Synced=False.
func compareXR(g, live *unstructured.Unstructured, firstStage bool) []string {
	strip := func(u *unstructured.Unstructured) (map[string]any, map[string]any, map[string]string) {
		o := numbersAsFloat(runtime.DeepCopyJSON(u.Object)).(map[string]any)
		spec, _ := o["spec"].(map[string]any)
		delete(spec, "crossplane")
		status, _ := o["status"].(map[string]any)
		conds := map[string]string{}
		if status != nil {
			cs, _ := status["conditions"].([]any)
			for _, cnd := range cs {
				m := cnd.(map[string]any)
				conds[fmt.Sprint(m["type"])] = fmt.Sprintf("%v/%v", m["status"], m["reason"])
			}
			delete(status, "conditions")
			if cs, ok := status["components"].([]any); ok && firstStage {
				for _, c := range cs {
					delete(c.(map[string]any), "message")
				}
			}
		}
		return spec, status, conds
	}
	gs, gst, gc := strip(g)
	ls, lst, lc := strip(live)
	var diffs []string
	if _, ok := g.Object["spec"]; !ok {
		ls = gs
	}
	// The budget records the generation it accepted: crossplane render sends none (the golden has 0), the API
	// server counts every spec write (Crossplane's own resourceRefs too, so the XR may be a generation ahead of the
	// status the function last wrote). The live value must be one the XR has had; the rest must match.
	for i, st := range []map[string]any{gst, lst} {
		if b, ok := st["budget"].(map[string]any); ok {
			if g, ok := b["acceptedGeneration"].(float64); i == 1 && (!ok || g < 1 || g > float64(live.GetGeneration())) {
				diffs = append(diffs, fmt.Sprintf("status.budget.acceptedGeneration %v, want one of the XR's generations (1 to %d)", b["acceptedGeneration"], live.GetGeneration()))
			}
			delete(b, "acceptedGeneration")
		}
	}
	uid := uidNames(string(live.GetUID()))
	if d := cmp.Diff(gs, ls, uid); d != "" {
		diffs = append(diffs, "XR spec differs (-golden +live):\n"+d)
	}
	if d := cmp.Diff(gst, lst, uid); d != "" {
		diffs = append(diffs, "XR status differs (-golden +live):\n"+d)
	}
	for _, typ := range sortedKeys(gc) {
		if gc[typ] != lc[typ] {
			diffs = append(diffs, fmt.Sprintf("XR condition %s: golden %s, live %q", typ, gc[typ], lc[typ]))
		}
	}
	return diffs
}

// sortedKeys returns m's keys in order, for deterministic iteration.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// goldenStages lists an example's golden files in stage order (file name order; see README.md).
func goldenStages(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no golden files in %s", dir)
	}
	sort.Strings(files)
	return files, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
