package immutable

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// Reason says why a changed field cannot be updated in place.
type Reason string

// Reasons, in the order Changes reports them.
const (
	// ReasonKind: apiVersion or kind differ; the two objects are not one resource.
	ReasonKind Reason = "Kind"
	// ReasonNoRow: the kind has no row in the table; nothing is known of what it can update.
	ReasonNoRow Reason = "NoRow"
	// ReasonName: metadata.name differs. Crossplane keys a composed resource by its name: a new name is a new
	// managed resource, and the old one is deleted.
	ReasonName Reason = "Name"
	// ReasonExternalName: the crossplane.io/external-name annotation differs. The provider manages the external
	// resource it names: a new external name creates another resource and leaks the old one.
	ReasonExternalName Reason = "ExternalName"
	// ReasonIdentity: a field that decides which external object is managed differs (region, ProviderConfig, an
	// Object manifest's apiVersion/kind/name/namespace, a Release's namespace).
	ReasonIdentity Reason = "Identity"
	// ReasonForceNew: a spec.forProvider field Terraform cannot update differs; upjet refuses the update.
	ReasonForceNew Reason = "ForceNew"
	// ReasonImmutable: an Object manifest field the API server refuses to change differs.
	ReasonImmutable Reason = "Immutable"
)

// ExternalNameAnnotation is the annotation that holds a managed resource's external name.
const ExternalNameAnnotation = "crossplane.io/external-name"

// Change is one table field whose value differs between two desired objects of one composition resource.
type Change struct {
	// Path is the field's path from the object's root (spec.forProvider.instanceTypes,
	// metadata.annotations[crossplane.io/external-name], spec.forProvider.manifest.spec.template).
	Path   string
	Reason Reason
	// Old and New hold the values present in each object, keyed by path from the root: the field and those of its
	// …Ref/…Selector forms that are set. A field set in one object only is a change.
	Old, New map[string]any
}

// Changes returns every table field whose value differs between oldObj and newObj, two desired objects of one
// composition resource (as the function renders them: maps decoded from JSON or built in Go; numbers of any Go type
// compare by value). A field set in one object and absent in the other is a change; so is a field that moves
// between its literal and its …Ref/…Selector forms, since which value a reference resolves to is not known here.
// The order is deterministic: kind, name, external name, identity fields, ForceNew fields, manifest fields, each in
// the table's order. A kind without a row yields one ReasonNoRow change.
func Changes(oldObj, newObj map[string]any) []Change {
	o, n := canonical(oldObj), canonical(newObj)
	var out []Change
	oav, okind := str(o, "apiVersion"), str(o, "kind")
	nav, nkind := str(n, "apiVersion"), str(n, "kind")
	if oav != nav || okind != nkind {
		return []Change{{Path: "apiVersion/kind", Reason: ReasonKind,
			Old: map[string]any{"apiVersion": oav, "kind": okind}, New: map[string]any{"apiVersion": nav, "kind": nkind}}}
	}
	row, ok := Lookup(nav, nkind)
	if !ok {
		return []Change{{Path: "apiVersion/kind", Reason: ReasonNoRow,
			Old: map[string]any{"apiVersion": oav, "kind": okind}, New: map[string]any{"apiVersion": nav, "kind": nkind}}}
	}

	if c, changed := compare("", Field{Path: "metadata.name"}, o, n); changed {
		c.Reason = ReasonName
		out = append(out, c)
	}
	if ov, nv, changed := annotation(o, n, ExternalNameAnnotation); changed {
		out = append(out, Change{Path: "metadata.annotations[" + ExternalNameAnnotation + "]", Reason: ReasonExternalName, Old: ov, New: nv})
	}
	for _, f := range row.Identity {
		if c, changed := compare("", f, o, n); changed {
			c.Reason = ReasonIdentity
			out = append(out, c)
		}
	}
	for _, f := range row.ForceNew {
		if c, changed := compare(forProvider+".", f, o, n); changed {
			c.Reason = ReasonForceNew
			out = append(out, c)
		}
	}
	if row.Kind == "Object" && !hasReason(out, ReasonIdentity) {
		out = append(out, manifestChanges(o, n)...)
	}
	return out
}

func hasReason(cs []Change, r Reason) bool {
	for _, c := range cs {
		if c.Reason == r {
			return true
		}
	}
	return false
}

const manifestPath = "spec.forProvider.manifest"

// manifestChanges compares the immutable fields of an Object's manifest. It is called only when the manifest's
// identity is unchanged: a manifest of another kind or name is another object altogether.
func manifestChanges(o, n any) []Change {
	om, _ := get(o, split(manifestPath))
	nm, _ := get(n, split(manifestPath))
	mrow, ok := LookupManifest(str(nm, "apiVersion"), str(nm, "kind"))
	if !ok {
		return []Change{{Path: manifestPath + ".apiVersion/kind", Reason: ReasonNoRow,
			Old: map[string]any{"apiVersion": str(om, "apiVersion"), "kind": str(om, "kind")},
			New: map[string]any{"apiVersion": str(nm, "apiVersion"), "kind": str(nm, "kind")}}}
	}
	paths := mrow.Immutable
	if mrow.When != "" {
		if v, _ := get(om, split(mrow.When)); v == true {
			paths = append(append([]string(nil), paths...), mrow.WhenImmutable...)
		}
	}
	om, nm = without(om, mrow.Except), without(nm, mrow.Except)
	var out []Change
	for _, p := range paths {
		if c, changed := compare(manifestPath+".", Field{Path: p}, map[string]any{"spec": map[string]any{"forProvider": map[string]any{"manifest": om}}},
			map[string]any{"spec": map[string]any{"forProvider": map[string]any{"manifest": nm}}}); changed {
			c.Reason = ReasonImmutable
			out = append(out, c)
		}
	}
	return out
}

// compare compares field f (below prefix) and its …Ref/…Selector forms in o and n.
func compare(prefix string, f Field, o, n any) (Change, bool) {
	parent := ""
	if i := strings.LastIndex(f.Path, "."); i >= 0 {
		parent = f.Path[:i+1]
	}
	members := []string{f.Path}
	for _, r := range f.Refs {
		members = append(members, parent+r)
	}
	c := Change{Path: prefix + f.Path, Old: map[string]any{}, New: map[string]any{}}
	changed := false
	for i, m := range members {
		p := split(prefix + m)
		ov, ook := get(o, p)
		nv, nok := get(n, p)
		if i > 0 {
			// A reference's resolution policy is no part of the value it resolves to.
			ov, nv = withoutPolicy(ov), withoutPolicy(nv)
		}
		if ook {
			c.Old[prefix+m] = ov
		}
		if nok {
			c.New[prefix+m] = nv
		}
		if ook != nok || (ook && !equal(ov, nv, f.Set)) {
			changed = true
		}
	}
	return c, changed
}

func annotation(o, n any, name string) (map[string]any, map[string]any, bool) {
	oa, _ := get(o, split("metadata.annotations"))
	na, _ := get(n, split("metadata.annotations"))
	ov, ook := asMap(oa)[name]
	nv, nok := asMap(na)[name]
	om, nm := map[string]any{}, map[string]any{}
	k := "metadata.annotations[" + name + "]"
	if ook {
		om[k] = ov
	}
	if nok {
		nm[k] = nv
	}
	return om, nm, ook != nok || (ook && !equal(ov, nv, false))
}

// get returns the value at path. Below a list it returns the list of each item's value (nil where an item lacks
// it); it reports false when no item has it.
func get(v any, path []string) (any, bool) {
	if len(path) == 0 {
		return v, true
	}
	switch x := v.(type) {
	case map[string]any:
		c, ok := x[path[0]]
		if !ok {
			return nil, false
		}
		return get(c, path[1:])
	case []any:
		out := make([]any, len(x))
		found := false
		for i, item := range x {
			var ok bool
			out[i], ok = get(item, path)
			found = found || ok
		}
		if !found {
			return nil, false
		}
		return out, true
	}
	return nil, false
}

// without returns a copy of v without the given paths (below lists, in every item).
func without(v any, paths []string) any {
	if len(paths) == 0 {
		return v
	}
	v = canonical(v)
	for _, p := range paths {
		del(v, split(p))
	}
	return v
}

func del(v any, path []string) {
	switch x := v.(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(x, path[0])
			return
		}
		del(x[path[0]], path[1:])
	case []any:
		for _, item := range x {
			del(item, path)
		}
	}
}

func withoutPolicy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["policy"]; !ok {
			return x
		}
		c := make(map[string]any, len(x))
		for k, e := range x {
			if k != "policy" {
				c[k] = e
			}
		}
		return c
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutPolicy(e)
		}
		return out
	}
	return v
}

// equal compares two values decoded from JSON; set compares lists as multisets.
func equal(a, b any, set bool) bool {
	if set {
		al, aok := a.([]any)
		bl, bok := b.([]any)
		if aok && bok {
			return bytes.Equal(encodeSorted(al), encodeSorted(bl))
		}
	}
	return bytes.Equal(encode(a), encode(b))
}

func encodeSorted(l []any) []byte {
	items := make([]string, len(l))
	for i, e := range l {
		items[i] = string(encode(e))
	}
	sort.Strings(items)
	return []byte(strings.Join(items, "\x00"))
}

// encode is the canonical form of a value: JSON with sorted keys, numbers by value.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Values come from canonical: they are JSON already.
		return []byte("!" + err.Error())
	}
	return b
}

// canonical returns a deep copy of v as decoded JSON (maps, []any, float64 numbers), whatever Go types built it.
func canonical[T any](v T) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func str(v any, k string) string {
	s, _ := asMap(v)[k].(string)
	return s
}

func split(p string) []string { return strings.Split(p, ".") }
