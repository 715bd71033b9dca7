package plan

import (
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// ComposedFieldOwnerPrefix is the field manager prefix Crossplane applies composed resources with (crossplane v2
// internal/controller/apiextensions/composite: FieldOwnerComposedPrefix + "/" + a hash of the XR).
const ComposedFieldOwnerPrefix = "apiextensions.crossplane.io/composed/"

// Skew is the action of a resource listed under functionVersionSkew: not a change of the edit.
const Skew = "skew"

// crossplaneMetadata are the labels and annotations Crossplane adds to what the function renders before it applies
// it: owned by its manager, never in a render.
var crossplaneMetadata = []string{CompositionResourceName, "crossplane.io/composite", "crossplane.io/claim-"}

// skew compares render(OLD) with the fields Crossplane's apply manager owns in each observed object (its
// metadata.managedFields): where they differ, the function version that last applied the object rendered the live
// spec otherwise than the one this plan runs, and the plan's "changes" may be partly that version's, not the edit's.
// Objects without the manager's managedFields (the simulated observations) are skipped.
func skew(oldDesired map[string]map[string]any, observed compose.Observed) []Resource {
	out := []Resource{}
	for name, obj := range observed {
		want, ok := oldDesired[name]
		if !ok {
			continue
		}
		applied, ok := owned(obj)
		if !ok {
			continue
		}
		fields := diff(onlyRendered(comparable(applied), want), comparable(want))
		if len(fields) == 0 {
			continue
		}
		r := describe(name, want, observed)
		r.Action, r.Fields = Skew, fields
		r.Reason = "the running function applied other values than this plan's render of the live spec"
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// comparable keeps what the function renders and Crossplane applies as rendered: the spec, and the labels and
// annotations but Crossplane's own.
func comparable(o map[string]any) map[string]any {
	out := map[string]any{}
	if s, ok := o["spec"]; ok {
		out["spec"] = s
	}
	md, _ := o["metadata"].(map[string]any)
	for _, k := range []string{"labels", "annotations"} {
		m, _ := md[k].(map[string]any)
		kept := map[string]any{}
		for key, v := range m {
			if !crossplaneOwn(key) {
				kept[key] = v
			}
		}
		if len(kept) > 0 {
			meta, _ := out["metadata"].(map[string]any)
			if meta == nil {
				meta = map[string]any{}
				out["metadata"] = meta
			}
			meta[k] = kept
		}
	}
	return out
}

// onlyRendered drops the labels and annotations of applied that the render does not set: Crossplane copies the XR's
// labels onto what it composes and owns them, though no render has them.
func onlyRendered(applied, rendered map[string]any) map[string]any {
	md, _ := applied["metadata"].(map[string]any)
	for _, k := range []string{"labels", "annotations"} {
		m, _ := md[k].(map[string]any)
		r, _ := compose.Lookup(rendered, "metadata."+k).(map[string]any)
		for key := range m {
			if _, ok := r[key]; !ok {
				delete(m, key)
			}
		}
		if m != nil && len(m) == 0 {
			delete(md, k)
		}
	}
	if md != nil && len(md) == 0 {
		delete(applied, "metadata")
	}
	return applied
}

func crossplaneOwn(key string) bool {
	for _, p := range crossplaneMetadata {
		if key == p || (strings.HasSuffix(p, "-") && strings.HasPrefix(key, p)) {
			return true
		}
	}
	return false
}

// owned is the part of obj whose fields Crossplane's apply manager owns (its fieldsV1 set, walked over the object's
// values): a leaf, or a list whose items are owned by key, value or index, is taken whole. ok is false when no
// managedFields entry is the manager's Apply.
func owned(obj map[string]any) (map[string]any, bool) {
	entries, _ := compose.Lookup(obj, "metadata.managedFields").([]any)
	var set map[string]any
	for _, e := range entries {
		m, _ := e.(map[string]any)
		mgr, _ := m["manager"].(string)
		if strings.HasPrefix(mgr, ComposedFieldOwnerPrefix) && m["operation"] == "Apply" {
			set, _ = m["fieldsV1"].(map[string]any)
			break
		}
	}
	if set == nil {
		return nil, false
	}
	return pick(obj, set), true
}

// pick returns the fields of v that set names ("f:<name>" keys; "." marks the node itself).
func pick(v map[string]any, set map[string]any) map[string]any {
	out := map[string]any{}
	for k, sub := range set {
		name, ok := strings.CutPrefix(k, "f:")
		if !ok {
			continue
		}
		val, present := v[name]
		if !present {
			continue
		}
		children, _ := sub.(map[string]any)
		m, isMap := val.(map[string]any)
		if isMap && hasFields(children) {
			out[name] = pick(m, children)
			continue
		}
		out[name] = val // a leaf, an atomic list or map, or a list owned item by item: whole
	}
	return out
}

func hasFields(set map[string]any) bool {
	for k := range set {
		if strings.HasPrefix(k, "f:") {
			return true
		}
	}
	return false
}
