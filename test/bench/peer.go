package bench

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The composed-resource metadata crossplane render (like Crossplane) adds to what a function returns. A
// golden render minus these is what our function desired.
const (
	labelComposite  = "crossplane.io/composite"
	labelClaimName  = "crossplane.io/claim-name"
	labelClaimSpace = "crossplane.io/claim-namespace"
)

// PeerInput is the generated Composition step input for function-patch-and-transform and what went into it.
type PeerInput struct {
	// Input is a pt.fn.crossplane.io/v1beta1 Resources object: one resource template per composed resource
	// of the golden render, its base the rendered object and FromCompositeFieldPath patches for every value
	// that comes from the XR's spec.
	Input map[string]any
	// Resources and Patches count the templates and patches.
	Resources, Patches int
}

// NewPeerInput generates the peer's input from a golden render (crossplane render's output: the XR, then the
// composed resources) and the XR the request carries. A value in a composed resource is patched from the
// spec when it equals a string in the XR's spec (the first such field in sorted order); the base keeps the
// value too, so the peer's output is the golden's whatever the patch finds.
func NewPeerInput(golden []map[string]any, xr map[string]any) (*PeerInput, error) {
	fromSpec := map[string]string{}
	if spec, ok := xr["spec"].(map[string]any); ok {
		leaves(spec, []string{"spec"}, func(path []string, v any) {
			s, ok := v.(string)
			if !ok || len(s) < 3 || !patchable(path) {
				return
			}
			if _, seen := fromSpec[s]; !seen {
				fromSpec[s] = fieldPath(path)
			}
		})
	}

	type template struct {
		name string
		obj  map[string]any
	}
	var templates []template
	for _, doc := range golden {
		name := resourceName(doc)
		if name == "" {
			continue // the XR
		}
		templates = append(templates, template{name, StripRenderMetadata(doc)})
	}
	if len(templates) == 0 {
		return nil, fmt.Errorf("the golden render has no composed resources")
	}
	sort.Slice(templates, func(i, j int) bool { return templates[i].name < templates[j].name })

	out := &PeerInput{Resources: len(templates)}
	resources := make([]any, 0, len(templates))
	for _, t := range templates {
		var patches []any
		leaves(t.obj, nil, func(path []string, v any) {
			s, ok := v.(string)
			if !ok || path[0] == "apiVersion" || path[0] == "kind" || !patchable(path) {
				return
			}
			if from, ok := fromSpec[s]; ok {
				patches = append(patches, map[string]any{
					"type":          "FromCompositeFieldPath",
					"fromFieldPath": from,
					"toFieldPath":   fieldPath(path),
				})
			}
		})
		out.Patches += len(patches)
		r := map[string]any{"name": t.name, "base": t.obj}
		if len(patches) > 0 {
			r["patches"] = patches
		}
		resources = append(resources, r)
	}
	out.Input = map[string]any{
		"apiVersion": "pt.fn.crossplane.io/v1beta1",
		"kind":       "Resources",
		"resources":  resources,
	}
	return out, nil
}

// resourceName is a composed resource's composition-resource-name ("" for the XR).
func resourceName(obj map[string]any) string {
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	s, _ := ann[annotationResourceName].(string)
	return s
}

// StripRenderMetadata returns a copy of a rendered composed resource without the metadata Crossplane adds
// (owner reference, composite label, composition-resource-name annotation, generateName, and the namespace:
// a namespaced XR's composed resources are put in its namespace).
func StripRenderMetadata(obj map[string]any) map[string]any {
	out := deepCopy(obj).(map[string]any)
	md, _ := out["metadata"].(map[string]any)
	if md == nil {
		return out
	}
	delete(md, "ownerReferences")
	delete(md, "generateName")
	delete(md, "namespace")
	for key, drop := range map[string][]string{
		"labels":      {labelComposite, labelClaimName, labelClaimSpace},
		"annotations": {annotationResourceName},
	} {
		m, _ := md[key].(map[string]any)
		for _, k := range drop {
			delete(m, k)
		}
		if m != nil && len(m) == 0 {
			delete(md, key)
		}
	}
	return out
}

// SameResources compares two sets of desired composed resources by name after StripRenderMetadata and
// returns the names that are missing, extra or different in got.
func SameResources(want, got map[string]map[string]any) []string {
	var diffs []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+name)
		case !reflect.DeepEqual(StripRenderMetadata(w), StripRenderMetadata(g)):
			diffs = append(diffs, "different "+name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, "extra "+name)
		}
	}
	sort.Strings(diffs)
	return diffs
}

// leaves calls fn for every scalar in v, maps in sorted key order.
func leaves(v any, path []string, fn func(path []string, v any)) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			leaves(t[k], append(path[:len(path):len(path)], k), fn)
		}
	case []any:
		for i, e := range t {
			leaves(e, append(path[:len(path):len(path)], "["+strconv.Itoa(i)+"]"), fn)
		}
	default:
		fn(path, v)
	}
}

// simpleField is a field name crossplane-runtime's field paths take after a period.
var simpleField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// patchable says whether every field of path has a field-path spelling: names with periods or slashes go
// in brackets, but a name in brackets that looks like a number reads as an index, and brackets or quotes
// inside a name cannot be written at all.
func patchable(path []string) bool {
	for _, p := range path {
		if strings.HasPrefix(p, "[") {
			continue
		}
		if strings.ContainsAny(p, "[]'\"*") {
			return false
		}
		if _, err := strconv.ParseUint(p, 10, 32); err == nil {
			return false
		}
	}
	return true
}

// fieldPath spells a path the way crossplane-runtime's fieldpath parses it.
func fieldPath(path []string) string {
	var b strings.Builder
	for _, p := range path {
		switch {
		case strings.HasPrefix(p, "["):
			b.WriteString(p)
		case simpleField.MatchString(p):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		default:
			b.WriteString("[" + p + "]")
		}
	}
	return b.String()
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}
