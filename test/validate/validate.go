// Package validate checks rendered objects against the real CRDs, the way kube-apiserver checks them when
// Crossplane applies them: composed resources against the provider CRDs (read from the Go module cache, never
// committed), and PlatformEnvironment XRs against the CRD that Crossplane derives from apis/definition.yaml.
//
// Every test that produces an object Crossplane would apply should pass it through Shared(t).Object (or XR) and
// require no problems.
package validate

import (
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A Validator validates objects against CRDs. It loads each CRD the first time an object of its kind is validated
// and keeps the compiled schema. It is safe for concurrent use.
type Validator struct {
	index   *crdIndex
	xrdPath string

	mu      sync.Mutex
	schemas map[schema.GroupVersionKind]*schemaEntry

	xrOnce sync.Once
	xr     *xrSchemas
	xrErr  error
}

type schemaEntry struct {
	once sync.Once
	s    *crdSchema
	err  error
}

// An Option configures a Validator.
type Option func(*Validator)

// WithXRD makes XR and XRUpdate read the XRD from path instead of the repository's apis/definition.yaml.
func WithXRD(path string) Option {
	return func(v *Validator) { v.xrdPath = path }
}

// New returns a Validator. It locates the modules that hold the CRDs (once per process, downloading them if needed);
// it parses no CRD yet.
func New(opts ...Option) (*Validator, error) {
	dirs, err := moduleDirs()
	if err != nil {
		return nil, err
	}
	crdDirs := make([]string, 0, len(allModules))
	for _, m := range allModules {
		crdDirs = append(crdDirs, filepath.Join(dirs[m], filepath.FromSlash(m.CRDs)))
	}
	v := &Validator{index: newCRDIndex(crdDirs), schemas: map[schema.GroupVersionKind]*schemaEntry{}}
	for _, o := range opts {
		o(v)
	}
	return v, nil
}

var shared struct {
	once sync.Once
	v    *Validator
	err  error
}

// Shared returns the process-wide Validator, built on first use, so that the tests of one package share its
// compiled schemas. It fails the test if the Validator cannot be built.
func Shared(t testing.TB) *Validator {
	t.Helper()
	shared.once.Do(func() { shared.v, shared.err = New() })
	if shared.err != nil {
		t.Fatalf("cannot build the CRD validator: %v", shared.err)
	}
	return shared.v
}

// Object validates a composed resource as kube-apiserver validates its creation: provider-aws namespaced kinds
// (<svc>.aws.m.upbound.io), kubernetes.m.crossplane.io, helm.m.crossplane.io and protection.crossplane.io (Usage).
// It returns every problem as "<kind>/<name>: <field path>: <message>", sorted; nil means valid. The object is not
// modified.
func (v *Validator) Object(obj map[string]any) []string {
	return v.validate(nil, obj, v.composedSchema)
}

// Update validates obj as an update of old, as kube-apiserver does: transition rules (oldSelf) are evaluated, and
// an unchanged part of the object that was already invalid is not reported (validation ratcheting).
func (v *Validator) Update(old, obj map[string]any) []string {
	if old == nil {
		return []string{id(obj) + ": <object>: Update needs the old object"}
	}
	return v.validate(old, obj, v.composedSchema)
}

// XR validates a PlatformEnvironment against the CRD that Crossplane derives from the XRD (apis/definition.yaml),
// including its defaults and CEL rules. A problem with the XRD itself is reported for every XR.
func (v *Validator) XR(obj map[string]any) []string {
	return v.validate(nil, obj, v.xrSchema)
}

// XRUpdate validates obj as an update of old against the XR's CRD (see Update).
func (v *Validator) XRUpdate(old, obj map[string]any) []string {
	if old == nil {
		return []string{id(obj) + ": <object>: XRUpdate needs the old object"}
	}
	return v.validate(old, obj, v.xrSchema)
}

type schemaLookup func(gvk schema.GroupVersionKind) (*crdSchema, error)

func (v *Validator) validate(old, obj map[string]any, lookup schemaLookup) []string {
	name := id(obj)
	o, err := jsonCopy(obj)
	if err != nil {
		return []string{fmt.Sprintf("%s: <object>: cannot be encoded as JSON: %v", name, err)}
	}
	gvk, problems := typeOf(o)
	if problems != nil {
		return prefixed(name, problems)
	}
	s, err := lookup(gvk)
	if err != nil {
		return prefixed(name, []string{"apiVersion: " + err.Error()})
	}
	var p map[string]any
	if old != nil {
		if p, err = jsonCopy(old); err != nil {
			return []string{fmt.Sprintf("%s: <object>: the old object cannot be encoded as JSON: %v", name, err)}
		}
		if oldGVK, _ := typeOf(p); oldGVK != gvk {
			return []string{fmt.Sprintf("%s: apiVersion: the old object is a %s, the new one a %s", name, oldGVK, gvk)}
		}
	}
	return prefixed(name, s.Validate(o, p))
}

// composedSchema finds the schema of a kind that a namespaced XR may compose.
func (v *Validator) composedSchema(gvk schema.GroupVersionKind) (*crdSchema, error) {
	s, err := v.schema(gvk)
	if err != nil {
		return nil, err
	}
	if !s.Namespaced() {
		return nil, fmt.Errorf("%s is cluster-scoped; a namespaced XR composes only namespaced resources (provider-aws: <svc>.aws.m.upbound.io)", gvk)
	}
	return s, nil
}

// schema returns the compiled schema of gvk, loading its CRD file on first use.
func (v *Validator) schema(gvk schema.GroupVersionKind) (*crdSchema, error) {
	v.mu.Lock()
	e, ok := v.schemas[gvk]
	if !ok {
		e = &schemaEntry{}
		v.schemas[gvk] = e
	}
	v.mu.Unlock()

	e.once.Do(func() {
		f, err := v.index.file(gvk.Group, gvk.Kind)
		if err != nil {
			e.err = err
			return
		}
		crd, err := readCRD(f)
		if err != nil {
			e.err = err
			return
		}
		e.s, e.err = newCRDSchema(crd, gvk.Version)
	})
	return e.s, e.err
}

func typeOf(obj map[string]any) (schema.GroupVersionKind, []string) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	var problems []string
	if apiVersion == "" {
		problems = append(problems, "apiVersion: Required value")
	}
	if kind == "" {
		problems = append(problems, "kind: Required value")
	}
	if problems != nil {
		return schema.GroupVersionKind{}, problems
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return schema.GroupVersionKind{}, []string{"apiVersion: " + err.Error()}
	}
	return gv.WithKind(kind), nil
}

// id names an object in problems: <kind>/<name>.
func id(obj map[string]any) string {
	kind, _ := obj["kind"].(string)
	if kind == "" {
		kind = "<no kind>"
	}
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if name == "" {
		if g, _ := meta["generateName"].(string); g != "" {
			name = g + "<generated>"
		} else {
			name = "<no name>"
		}
	}
	return kind + "/" + name
}

// prefixed sorts and deduplicates problems and prefixes each with the object's id. It returns nil for none.
func prefixed(id string, problems []string) []string {
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	out := make([]string, 0, len(problems))
	for i, p := range problems {
		if i > 0 && p == problems[i-1] {
			continue
		}
		out = append(out, id+": "+p)
	}
	return out
}
