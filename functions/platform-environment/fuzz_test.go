package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cloudpartner/platform-environment/test/clirender"
	"github.com/cloudpartner/platform-environment/test/validate"
)

// Fuzzing RunFunction. An input picks an example and a lifecycle stage, then a byte program edits the
// example's spec (any field, any type: missing, wrong type, out of range, huge) and the stage's observed
// state (resources missing, status partial or of the wrong type, conditions gone, identity fields removed).
// Whatever the input, the function must not panic (a recovered panic is a Fatal "internal error", which
// fails here too) and must answer with either a Fatal that names the field (spec.… or metadata…) and leaves
// desired state alone, or desired objects that all pass the providers' CRDs.
//
// CRD validation costs ~100 ms per render, far more than a render: every input of the committed corpus
// (plain `go test`) is validated, and while fuzzing one input in fuzzValidateEvery — the others still check
// for panics, Fatal messages and structural sanity (apiVersion, kind, metadata.name on every object).

const fuzzValidateEvery = 32

// fuzzBase is what inputs start from: each example's spec, its paths, and its observed state per stage.
type fuzzBase struct {
	xrs      []map[string]any
	paths    [][]string // spec paths of every example, deduplicated
	observed [][]map[string]map[string]any
}

var (
	fuzzOnce sync.Once
	fuzzData fuzzBase
)

var fuzzExamples = []string{"seed-production", "dev", "prod"}

func loadFuzzBase(t testing.TB) *fuzzBase {
	fuzzOnce.Do(func() {
		seen := map[string]bool{}
		for _, ex := range fuzzExamples {
			xr := readXR(t, ex)
			fuzzData.xrs = append(fuzzData.xrs, xr)
			// The committed observed stages (test/observed): reading them is cheap, walking is not (a fuzzing
			// worker is instrumented and would spend its time budget walking).
			stages := []map[string]map[string]any{nil} // nothing observed yet
			for _, st := range goldenStages {
				stages = append(stages, readObserved(t, ex, st.name))
			}
			fuzzData.observed = append(fuzzData.observed, stages)
			var visit func(path []string, v any)
			visit = func(path []string, v any) {
				if len(path) > 0 && !seen[strings.Join(path, ".")] {
					seen[strings.Join(path, ".")] = true
					fuzzData.paths = append(fuzzData.paths, append([]string(nil), path...))
				}
				switch x := v.(type) {
				case map[string]any:
					for _, k := range sortedNames(x) {
						visit(append(path, k), x[k])
					}
				case []any:
					for i, e := range x {
						visit(append(path, fmt.Sprint(i)), e)
					}
				}
			}
			visit(nil, xr["spec"])
		}
		sort.Slice(fuzzData.paths, func(i, j int) bool {
			return strings.Join(fuzzData.paths[i], ".") < strings.Join(fuzzData.paths[j], ".")
		})
	})
	return &fuzzData
}

// readObserved reads test/observed/<example>/<stage>.yaml into observed resources by name.
func readObserved(t testing.TB, example, stage string) map[string]map[string]any {
	t.Helper()
	return clirender.Composed(t, repoPath("test", "observed", example, stage+".yaml"))
}

// fuzzValues are the values an edit writes: wrong types, edges of ranges, malformed and huge strings.
var fuzzValues = []any{
	nil, "", "x", "17", "1.35", "prod", "dev", "us-east-1", "us-east-1a", "eu-west-1c", "10.0.0.0/16", "10.0.0.1/16",
	"10.0.0.0/33", "0.0.0.0/0", "192.168.0.0/24", "::/0", "*", "db.t3.medium", "cache.t3.micro", "redis", "valkey",
	"postgres", "arn:aws:iam::123456789012:role/x", "not-an-arn", "example.com", "EXAMPLE.COM", "-bad-.com",
	"info@example.com", "/api/*", "/", "registry.example.com/app:1.0.0", "app:latest", "sun:04:00-sun:05:00",
	"25:00-26:00", "🙂", strings.Repeat("a", 300), "true",
	true, false, 0.0, 1.0, -1.0, 2.0, 3.0, 7.0, 24.0, 65535.0, 65536.0, 1e12, 0.5,
	[]any{}, []any{"a"}, []any{"us-east-1a"}, []any{1.0, 2.0}, []any{map[string]any{}}, []any{nil},
	map[string]any{}, map[string]any{"enabled": false}, map[string]any{"x": "y"},
}

// byteStream reads an edit program; past its end it reads zeros.
type byteStream struct {
	b []byte
	i int
}

func (s *byteStream) next() int {
	if s.i >= len(s.b) {
		s.i++
		return 0
	}
	s.i++
	return int(s.b[s.i-1])
}

func (s *byteStream) more() bool { return s.i < len(s.b) }

// pick reads an index below n (two bytes, so long lists are reachable).
func (s *byteStream) pick(n int) int {
	if n == 0 {
		return 0
	}
	return (s.next()<<8 | s.next()) % n
}

// setPath sets (or deletes, for nil) a value at a path, creating maps on the way and replacing
// whatever is in the way; list indexes past the end append.
func setPath(root map[string]any, path []string, v any) {
	var cur any = root
	for i, p := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v == nil {
					delete(c, p)
				} else {
					c[p] = v
				}
				return
			}
			if _, ok := c[p].(map[string]any); !ok {
				if _, ok := c[p].([]any); !ok {
					c[p] = map[string]any{}
				}
			}
			cur = c[p]
		case []any:
			var idx int
			if _, err := fmt.Sscan(p, &idx); err != nil || idx >= len(c) {
				return
			}
			if last {
				c[idx] = v
				return
			}
			if _, ok := c[idx].(map[string]any); !ok {
				c[idx] = map[string]any{}
			}
			cur = c[idx]
		default:
			return
		}
	}
}

// editSpec applies a spec edit program: each op sets one known path to one value.
func editSpec(base *fuzzBase, xr map[string]any, prog []byte) {
	s := &byteStream{b: prog}
	for s.more() {
		path := base.paths[s.pick(len(base.paths))]
		v := deepCopyValue(fuzzValues[s.pick(len(fuzzValues))])
		full := append([]string{"spec"}, path...)
		setPath(xr, full, v)
	}
}

// observedEdits break observed resources the ways a half-created environment (or a provider bug) could.
var observedEdits = []func(o map[string]any, v any) bool{
	func(o map[string]any, _ any) bool { return false }, // drop the resource
	func(o map[string]any, _ any) bool { delete(o, "status"); return true },
	func(o map[string]any, _ any) bool { delete(mapAt(o, "status"), "atProvider"); return true },
	func(o map[string]any, _ any) bool { delete(mapAt(o, "status"), "conditions"); return true },
	func(o map[string]any, v any) bool { mapAt(o, "status")["atProvider"] = v; return true },
	func(o map[string]any, v any) bool { mapAt(o, "status")["conditions"] = v; return true },
	func(o map[string]any, v any) bool { o["status"] = v; return true },
	func(o map[string]any, v any) bool { o["spec"] = v; return true },
	func(o map[string]any, _ any) bool { delete(mapAt(o, "metadata"), "annotations"); return true },
	func(o map[string]any, _ any) bool { delete(o, "apiVersion"); return true },
	func(o map[string]any, _ any) bool { delete(o, "kind"); return true },
	func(o map[string]any, v any) bool {
		// Every field of atProvider to the value, one at a time: wrong types where the function reads.
		ap := mapAt(o, "status", "atProvider")
		for _, k := range sortedNames(ap) {
			ap[k] = v
		}
		return true
	},
	func(o map[string]any, v any) bool {
		for _, c := range asList(mapAt(o, "status")["conditions"]) {
			if cm, ok := c.(map[string]any); ok {
				cm["status"] = v
			}
		}
		return true
	},
	func(o map[string]any, v any) bool { mapAt(o, "metadata")["name"] = v; return true },
}

func editObserved(observed map[string]map[string]any, prog []byte) map[string]map[string]any {
	out := make(map[string]map[string]any, len(observed))
	for k, v := range observed {
		out[k] = deepCopyMap(v)
	}
	names := sortedNames(out)
	s := &byteStream{b: prog}
	for s.more() && len(names) > 0 {
		name := names[s.pick(len(names))]
		o, ok := out[name]
		if !ok {
			continue
		}
		edit := observedEdits[s.pick(len(observedEdits))]
		if !edit(o, deepCopyValue(fuzzValues[s.pick(len(fuzzValues))])) {
			delete(out, name)
		}
	}
	return out
}

func deepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopyMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopyValue(e)
		}
		return out
	}
	return v
}

// fuzzing reports whether the test binary runs as a fuzzing worker (go test -fuzz), not over the corpus.
func fuzzing() bool {
	f := flag.Lookup("test.fuzzworker")
	return f != nil && f.Value.String() == "true"
}

// checkResponse is the fuzz property; validateAll validates every object against the CRDs.
func checkResponse(t *testing.T, rsp *fnv1.RunFunctionResponse, observed map[string]map[string]any, validateAll bool) {
	t.Helper()
	if msg := fatal(rsp); msg != "" {
		if strings.Contains(msg, "internal error") {
			t.Fatalf("the function panicked: %s", msg)
		}
		if !strings.Contains(msg, "spec.") && !strings.Contains(msg, "metadata") && !strings.HasPrefix(msg, "spec") {
			t.Fatalf("a Fatal must name the field (spec.… or metadata…): %q", msg)
		}
		if n := len(rsp.GetDesired().GetResources()); n != 0 {
			t.Fatalf("a Fatal must return the desired state it was given (none), got %d resources", n)
		}
		return
	}
	var v *validate.Validator
	if validateAll {
		v = validate.Shared(t)
	}
	for name, r := range rsp.GetDesired().GetResources() {
		obj := r.GetResource().AsMap()
		md, _ := obj["metadata"].(map[string]any)
		if obj["apiVersion"] == nil || obj["kind"] == nil || md == nil || md["name"] == nil {
			t.Fatalf("%s: desired object without apiVersion, kind or metadata.name: %v", name, obj)
		}
		if v != nil {
			errs := v.Object(obj)
			if len(errs) > 0 && admittedNever(v, observed[name]) {
				// Kept as observed from an object the API server would never have admitted (a fuzzed spec
				// or name): what it is, is the input's fault, not the function's.
				continue
			}
			for _, e := range errs {
				t.Errorf("%s: %s", name, e)
			}
		}
	}
}

// warmUp loads the examples, their observed stages and the CRD validator before fuzzing starts. A fuzz
// worker panics ("deadlocked!") when one input takes more than 10 s, and that first load, done inside the
// first input on a loaded machine, took longer: the worker died without a failing input.
func warmUp(f *testing.F) {
	loadFuzzBase(f)
	validate.Shared(f)
}

// admittedNever reports whether an observed object, without its status, fails its CRD: the API server
// admits no such object, so the function can never be handed it outside a fuzzer.
func admittedNever(v *validate.Validator, observed map[string]any) bool {
	if observed == nil {
		return false
	}
	o := make(map[string]any, len(observed))
	for k, x := range observed {
		if k != "status" {
			o[k] = x
		}
	}
	return len(v.Object(o)) > 0
}

// runRequest calls RunFunction without the test helpers' Fatal on conversion: a fuzzed spec may hold
// anything structpb accepts.
func runRequest(t *testing.T, xr map[string]any, observed map[string]map[string]any) *fnv1.RunFunctionResponse {
	t.Helper()
	s, err := structpb.NewStruct(xr)
	if err != nil {
		t.Skip("not representable as a Struct")
	}
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}, Resources: map[string]*fnv1.Resource{}}}
	for name, o := range observed {
		os, err := structpb.NewStruct(o)
		if err != nil {
			t.Skip("not representable as a Struct")
		}
		req.Observed.Resources[name] = &fnv1.Resource{Resource: os}
	}
	rsp, err := (&Function{log: logging.NewNopLogger()}).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatalf("RunFunction returned a Go error: %v", err)
	}
	return rsp
}

func inputHash(parts ...[]byte) uint32 {
	h := fnv.New32a()
	for _, p := range parts {
		var n [4]byte
		binary.LittleEndian.PutUint32(n[:], uint32(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return h.Sum32()
}

// fuzzInput is the request an input stands for: an example, one of its stages, a spec edit program and an
// observed edit program (FuzzObserved has none for the spec).
func fuzzInput(base *fuzzBase, example, stage uint8, specProg, observedProg []byte) (map[string]any, map[string]map[string]any) {
	ex := int(example) % len(base.xrs)
	st := int(stage) % len(base.observed[ex])
	xr := deepCopyMap(base.xrs[ex])
	editSpec(base, xr, specProg)
	return xr, editObserved(base.observed[ex][st], observedProg)
}

// FuzzRunFunction fuzzes the spec and the observed state together.
func FuzzRunFunction(f *testing.F) {
	// In-code seeds; testdata/fuzz/FuzzRunFunction holds the committed corpus.
	for ex := range fuzzExamples {
		for st := 0; st <= len(goldenStages); st++ {
			f.Add(uint8(ex), uint8(st), []byte{}, []byte{})
		}
	}
	f.Add(uint8(0), uint8(3), []byte{0, 5, 0, 1}, []byte{0, 1, 0, 4, 0, 60})
	warmUp(f)
	f.Fuzz(func(t *testing.T, example, stage uint8, specProg, observedProg []byte) {
		xr, observed := fuzzInput(loadFuzzBase(t), example, stage, specProg, observedProg)
		rsp := runRequest(t, xr, observed)
		checkResponse(t, rsp, observed, !fuzzing() || inputHash(specProg, observedProg)%fuzzValidateEvery == 0)
		if len(specProg) == 0 && fatal(rsp) == "" {
			checkNothingEmptied(t, rsp, observed) // the spec is the example's: nothing it names changed
		}
	})
}

// FuzzObserved keeps the spec of an example and fuzzes only the observed state, the function's input
// that no admission check guards.
func FuzzObserved(f *testing.F) {
	for ex := range fuzzExamples {
		f.Add(uint8(ex), uint8(3), []byte{})
	}
	f.Add(uint8(0), uint8(2), []byte{0, 10, 0, 11, 0, 0})
	warmUp(f)
	f.Fuzz(func(t *testing.T, example, stage uint8, observedProg []byte) {
		xr, observed := fuzzInput(loadFuzzBase(t), example, stage, nil, observedProg)
		rsp := runRequest(t, xr, observed)
		if msg := fatal(rsp); msg != "" {
			t.Fatalf("the spec is valid; observed state alone must never end in a Fatal: %s", msg)
		}
		checkResponse(t, rsp, observed, !fuzzing() || inputHash(observedProg)%fuzzValidateEvery == 0)
		checkNothingEmptied(t, rsp, observed)
		// The spec did not change, so nothing it names was removed: every observed resource Crossplane could
		// apply stays desired, however broken its status.
		for _, n := range sortedNames(observed) {
			o := observed[n]
			if o["apiVersion"] == nil || o["kind"] == nil {
				continue
			}
			if _, ok := rsp.GetDesired().GetResources()[n]; !ok && !superseded(n, rsp.GetDesired().GetResources()) {
				t.Errorf("observed %s (%v) left desired state with the spec unchanged: Crossplane would delete it", n, o["kind"])
			}
		}
	})
}

// superseded reports whether name is an older version whose successor is desired: a resource under a
// pinned successor prefix (ownership_test.go) with another name under the same prefix desired. The
// successor rules retire an older version once its successor renders (or a third resource points at it);
// a fuzzed status can make a new version's name (an endpoint that reads differently), whose successor then
// renders: that is a successor, not a resource dropped.
func superseded[T any](name string, desired map[string]T) bool {
	p, ok := successorPrefix(name)
	if !ok {
		return false
	}
	for d := range desired {
		if d != name && strings.HasPrefix(d, p) {
			return true
		}
	}
	return false
}

// emptied lists the string fields of an observed resource's spec that are non-empty there and empty in
// its desired form: a kept or re-rendered resource never loses a value it has (the holes of a builder that
// re-rendered with a value it could not read).
func emptied(observed, desired map[string]any) []string {
	var out []string
	var visit func(path string, o, d any)
	visit = func(path string, o, d any) {
		switch ot := o.(type) {
		case map[string]any:
			dt, ok := d.(map[string]any)
			if !ok {
				return
			}
			for _, k := range sortedNames(ot) {
				if dv, ok := dt[k]; ok {
					visit(path+"."+k, ot[k], dv)
				}
			}
		case []any:
			dt, ok := d.([]any)
			if !ok {
				return
			}
			for i := range ot {
				if i < len(dt) {
					visit(fmt.Sprintf("%s[%d]", path, i), ot[i], dt[i])
				}
			}
		case string:
			if ds, ok := d.(string); ok && ot != "" && ds == "" {
				out = append(out, path)
			}
		}
	}
	visit("spec", observed["spec"], desired["spec"])
	return out
}

// checkNothingEmptied is the invariant for an unchanged spec: no desired resource has a string field that is
// non-empty in observed state and empty in desired state.
func checkNothingEmptied(t *testing.T, rsp *fnv1.RunFunctionResponse, observed map[string]map[string]any) {
	t.Helper()
	for name, r := range rsp.GetDesired().GetResources() {
		o, ok := observed[name]
		if !ok {
			continue
		}
		for _, p := range emptied(o, r.GetResource().AsMap()) {
			t.Errorf("%s: %s is %q observed and empty desired (a value the builder could not read this pass)", name, p, fmt.Sprint(valueAt(o, p)))
		}
	}
}

// valueAt reads a path emptied wrote (dots and [i]).
func valueAt(o map[string]any, path string) any {
	var cur any = o
	for _, part := range strings.Split(path, ".") {
		idx := -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			fmt.Sscanf(part[i:], "[%d]", &idx)
			part = part[:i]
		}
		m, _ := cur.(map[string]any)
		cur = m[part]
		if idx >= 0 {
			l, _ := cur.([]any)
			if idx >= len(l) {
				return nil
			}
			cur = l[idx]
		}
	}
	return cur
}
