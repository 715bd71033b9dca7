package compose

import (
	"sync"

	"github.com/crossplane/crossplane-runtime/v2/pkg/fieldpath"
)

// Observed holds the observed composed resources by composition resource name, as plain objects.
// Observed state can be partial or odd (a resource that was just created, a provider that has not
// written status yet): every read returns ok=false instead of failing.
type Observed map[string]map[string]any

// Exists reports whether the resource was observed.
func (o Observed) Exists(name string) bool {
	_, ok := o[name]
	return ok
}

// Ready reports whether the resource is observed with condition Ready=True.
func (o Observed) Ready(name string) bool {
	obj, ok := o[name]
	return ok && conditionTrue(obj, "Ready")
}

// AllReady reports whether every named resource is observed Ready.
func (o Observed) AllReady(names ...string) bool {
	for _, n := range names {
		if !o.Ready(n) {
			return false
		}
	}
	return true
}

// String returns the non-empty string at the field path (e.g. "status.atProvider.arn").
func (o Observed) String(name, path string) (string, bool) {
	obj, ok := o[name]
	if !ok {
		return "", false
	}
	s, _ := lookup(obj, path).(string)
	return s, s != ""
}

// Value returns whatever is at the field path.
func (o Observed) Value(name, path string) (any, bool) {
	obj, ok := o[name]
	if !ok {
		return nil, false
	}
	v := lookup(obj, path)
	return v, v != nil
}

// Lookup returns the value at a field path of any object (fieldpath syntax: "spec.forProvider.manifest",
// "metadata.annotations[crossplane.io/external-name]"), or nil where there is none: the walk observed reads use,
// for callers that hold an object rather than observed state (the plan, tests).
func Lookup(obj map[string]any, path string) any { return lookup(obj, path) }

// lookup returns the value at a field path, or nil where fieldpath.Paved.GetValue would fail. Builders
// read observed state hundreds of times per render, and fieldpath.Parse lexes each path on a goroutine
// of its own: the parsed paths are kept (they are the code's constants), the walk is done here.
func lookup(obj map[string]any, path string) any {
	segments, ok := parsedPath(path)
	if !ok || len(segments) == 0 {
		return nil
	}
	var cur any = obj
	for _, s := range segments {
		switch s.Type {
		case fieldpath.SegmentIndex:
			a, ok := cur.([]any)
			if !ok || s.Index >= uint(len(a)) {
				return nil
			}
			cur = a[s.Index]
		case fieldpath.SegmentField:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			if cur, ok = m[s.Field]; !ok {
				return nil
			}
		}
	}
	return cur
}

// maxParsedPaths bounds the cache should a builder ever read paths made from input.
const maxParsedPaths = 4096

var parsed = struct {
	sync.RWMutex
	m map[string]fieldpath.Segments
}{m: map[string]fieldpath.Segments{}}

func parsedPath(path string) (fieldpath.Segments, bool) {
	parsed.RLock()
	s, ok := parsed.m[path]
	parsed.RUnlock()
	if ok {
		return s, true
	}
	s, err := fieldpath.Parse(path)
	if err != nil {
		return nil, false
	}
	parsed.Lock()
	if len(parsed.m) < maxParsedPaths {
		parsed.m[path] = s
	}
	parsed.Unlock()
	return s, true
}

// ID returns the observed status.atProvider.id, the identifier most provider-aws kinds publish.
func (o Observed) ID(name string) (string, bool) { return o.String(name, "status.atProvider.id") }

// ARN returns the observed status.atProvider.arn.
func (o Observed) ARN(name string) (string, bool) { return o.String(name, "status.atProvider.arn") }

// conditionTrue reports whether obj has status.conditions[type=t] with status "True".
func conditionTrue(obj map[string]any, t string) bool {
	conds, _ := fieldpathSlice(obj, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if m["type"] == t {
			return m["status"] == "True"
		}
	}
	return false
}

// conditionMessage returns the message of condition t, when there is one.
func conditionMessage(obj map[string]any, t string) string {
	conds, _ := fieldpathSlice(obj, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == t {
			s, _ := m["message"].(string)
			return s
		}
	}
	return ""
}

// fieldpathSlice walks nested maps without allocating a Paved object; wrong types yield ok=false.
func fieldpathSlice(obj map[string]any, keys ...string) ([]any, bool) {
	var cur any = obj
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur = m[k]
	}
	s, ok := cur.([]any)
	return s, ok
}
