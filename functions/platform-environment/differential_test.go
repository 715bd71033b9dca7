package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The differential name test. A renamed composition resource (or a changed metadata.name) is a delete and
// a create in a live environment, so a refactor of how the function keeps and retires resources must
// render the same names for the same inputs. testdata/names holds, for every input of both fuzz corpora
// (committed and in-code seeds) and every example at every observed stage, the composition resource names
// and metadata.names the function rendered when the file was recorded; this test renders them again and
// compares. UPDATE_NAMES=1 records them anew — only for a change that means to rename, with the diff
// explained.

// nameCase is one recorded request.
type nameCase struct {
	file              string // under testdata/names
	example, stage    uint8
	specProg, obsProg []byte
}

func differentialCases(t *testing.T) []nameCase {
	t.Helper()
	var cases []nameCase
	// Every example at every stage (stage 0: nothing observed yet), untouched.
	for ex, name := range fuzzExamples {
		for st := 0; st <= len(goldenStages); st++ {
			label := "empty"
			if st > 0 {
				label = goldenStages[st-1].name
			}
			cases = append(cases, nameCase{file: "example-" + name + "-" + label, example: uint8(ex), stage: uint8(st)})
		}
	}
	// The fuzz targets' in-code seeds that edit something (the others are the examples above).
	cases = append(cases,
		nameCase{file: "seed-FuzzRunFunction-0", example: 0, stage: 3, specProg: []byte{0, 5, 0, 1}, obsProg: []byte{0, 1, 0, 4, 0, 60}},
		nameCase{file: "seed-FuzzObserved-0", example: 0, stage: 2, obsProg: []byte{0, 10, 0, 11, 0, 0}},
	)
	// The committed corpora.
	for _, target := range []string{"FuzzRunFunction", "FuzzObserved"} {
		dir := filepath.Join("testdata", "fuzz", target)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			vals := readCorpusFile(t, filepath.Join(dir, e.Name()))
			c := nameCase{file: target + "-" + e.Name(), example: vals[0].(uint8), stage: vals[1].(uint8)}
			if target == "FuzzRunFunction" {
				c.specProg, c.obsProg = vals[2].([]byte), vals[3].([]byte)
			} else {
				c.obsProg = vals[2].([]byte)
			}
			cases = append(cases, c)
		}
	}
	return cases
}

// readCorpusFile reads a "go test fuzz v1" file of byte/uint8 and []byte values (what both targets take).
func readCorpusFile(t *testing.T, path string) []any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s: not a fuzz corpus file", path)
	}
	var out []any
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "byte(") || strings.HasPrefix(l, "uint8("):
			arg := l[strings.IndexByte(l, '(')+1 : len(l)-1]
			if strings.HasPrefix(arg, "'") {
				r, _, _, err := strconv.UnquoteChar(arg[1:len(arg)-1], '\'')
				if err != nil {
					t.Fatalf("%s: %q: %v", path, l, err)
				}
				out = append(out, uint8(r))
				continue
			}
			n, err := strconv.ParseUint(arg, 0, 8)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, l, err)
			}
			out = append(out, uint8(n))
		case strings.HasPrefix(l, "[]byte("):
			s, err := strconv.Unquote(l[len("[]byte(") : len(l)-1])
			if err != nil {
				t.Fatalf("%s: %q: %v", path, l, err)
			}
			out = append(out, []byte(s))
		default:
			t.Fatalf("%s: cannot read %q", path, l)
		}
	}
	return out
}

// renderedNames renders one case: "fatal" or one "<composition resource name> <metadata.name>" line per
// desired resource, sorted.
func renderedNames(t *testing.T, c nameCase) string {
	xr, observed := fuzzInput(loadFuzzBase(t), c.example, c.stage, c.specProg, c.obsProg)
	rsp := runRequest(t, xr, observed)
	if msg := fatal(rsp); msg != "" {
		t.Logf("%s: fatal: %s", c.file, msg)
		return "fatal\n"
	}
	var lines []string
	for name, r := range rsp.GetDesired().GetResources() {
		md, _ := r.GetResource().AsMap()["metadata"].(map[string]any)
		lines = append(lines, fmt.Sprintf("%s %v", name, md["name"]))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

func TestNameDifferential(t *testing.T) {
	update := os.Getenv("UPDATE_NAMES") != ""
	for _, c := range differentialCases(t) {
		t.Run(c.file, func(t *testing.T) {
			got := renderedNames(t, c)
			path := filepath.Join("testdata", "names", c.file+".txt")
			if update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (a new corpus input: record it with UPDATE_NAMES=1)", err)
			}
			if string(want) != got {
				t.Errorf("composition resource names or metadata.names changed (a rename deletes and recreates in a live environment):\n%s", lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}
