package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/test/validate"
)

// appTeamsPath is the hand-written user guide whose links and field paths are checked against the XRD.
const appTeamsPath = "docs/app-teams.md"

func root(t *testing.T) string {
	t.Helper()
	r, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), path))
	if err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	return string(b)
}

// TestReferenceIsCurrent regenerates the reference in memory and fails when the committed
// docs/reference.md differs, so a change to the XRD cannot land without the reference app teams read.
func TestReferenceIsCurrent(t *testing.T) {
	want, err := generate(root(t))
	if err != nil {
		t.Fatalf("generate(): %v", err)
	}
	got, err := os.ReadFile(filepath.Join(root(t), referencePath))
	if err != nil {
		t.Fatalf("cannot read the committed reference: %v (run `make docs`)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is stale: run `make docs` and commit it. -generated +committed:\n%s", referencePath, diff)
	}
}

// TestGenerateIsDeterministic guards the byte comparison above: two runs must agree.
func TestGenerateIsDeterministic(t *testing.T) {
	first, err := generate(root(t))
	if err != nil {
		t.Fatal(err)
	}
	second, err := generate(root(t))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(first), string(second)); diff != "" {
		t.Errorf("two generations differ: -first +second:\n%s", diff)
	}
}

// TestEveryFieldHasARow walks the XRD's schema on its own and checks that every spec and status field
// appears as a row under the heading of the object that holds it: nothing the API accepts is left out
// of the reference, whatever shape the XRD grows into.
func TestEveryFieldHasARow(t *testing.T) {
	x, err := parseXRD([]byte(read(t, definitionPath)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	var walk func(p *apiextv1.JSONSchemaProps, prefix, path string)
	walk = func(p *apiextv1.JSONSchemaProps, prefix, path string) {
		for name, child := range p.Properties {
			want[prefix+path] = append(want[prefix+path], name)
			if target, suffix := nested(&child); target != nil {
				walk(target, prefix, path+"."+name+suffix)
			}
		}
		sort.Strings(want[prefix+path])
	}
	for _, v := range x.Spec.Versions {
		// With several versions, headings carry the version: "## v1beta1 `spec`".
		prefix := ""
		if len(x.Spec.Versions) > 1 {
			prefix = v.Name + " "
		}
		for _, top := range []string{"spec", "status"} {
			p, ok := v.Schema.OpenAPIV3Schema.Properties[top]
			if !ok {
				t.Fatalf("version %s of the XRD has no %s", v.Name, top)
			}
			walk(&p, prefix, top)
		}
	}
	if diff := cmp.Diff(want, rows(read(t, referencePath))); diff != "" {
		t.Errorf("fields by section: -XRD +%s:\n%s", referencePath, diff)
	}
}

var (
	sectionHeading = regexp.MustCompile("^#{2,3} ((?:[a-z0-9]+ )?)`([^`]+)`$")
	fieldRow       = regexp.MustCompile("^\\| `([^`]+)`")
)

// rows reads the field names under each section heading of the reference.
func rows(md string) map[string][]string {
	out := map[string][]string{}
	section := ""
	for _, line := range strings.Split(md, "\n") {
		if m := sectionHeading.FindStringSubmatch(line); m != nil {
			section = m[1] + m[2]
			continue
		}
		if strings.HasPrefix(line, "#") {
			section = ""
			continue
		}
		if m := fieldRow.FindStringSubmatch(line); m != nil && section != "" {
			out[section] = append(out[section], m[1])
		}
	}
	return out
}

// TestLinks checks every link of the reference and of the user guide: anchors exist (as GitHub derives
// them from the headings), relative files exist.
func TestLinks(t *testing.T) {
	docs := map[string]string{}
	for _, p := range []string{referencePath, appTeamsPath} {
		docs[filepath.Base(p)] = read(t, p)
	}
	for name, md := range docs {
		checkLinks(t, name, md, docs)
	}
}

var (
	link    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	fence   = regexp.MustCompile("^\\s*(```|~~~)")
	heading = regexp.MustCompile(`^#{1,6} (.+)$`)
	// codeSpan matches a code span; the reference's longest fence is two backticks.
	codeSpan = regexp.MustCompile("``[^`]+``|`[^`]+`")
)

// anchors returns the GitHub anchors of a Markdown document's headings (code blocks skipped).
func anchors(md string) map[string]bool {
	out := map[string]bool{}
	s := slugger{}
	inCode := false
	for _, line := range strings.Split(md, "\n") {
		if fence.MatchString(line) {
			inCode = !inCode
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil && !inCode {
			out[s.slug(m[1])] = true
		}
	}
	return out
}

// checkLinks checks the links of the document called name; docs holds the documents that anchors in
// other files are checked against (by base name), and other relative links must name existing files.
func checkLinks(t *testing.T, name, md string, docs map[string]string) {
	t.Helper()
	inCode := false
	for i, line := range strings.Split(md, "\n") {
		if fence.MatchString(line) {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		// Code spans hold patterns like ([-a-z0-9]*[a-z0-9]) that only look like links.
		for _, m := range link.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, "``"), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			doc := md
			if file != "" {
				if other, ok := docs[filepath.Base(file)]; ok && filepath.Dir(file) == "." {
					doc = other
				} else {
					if _, err := os.Stat(filepath.Join(root(t), "docs", file)); err != nil {
						t.Errorf("%s:%d: link to %s: no such file (relative to docs/)", name, i+1, target)
					}
					continue
				}
			}
			if anchor != "" && !anchors(doc)[anchor] {
				t.Errorf("%s:%d: link to %s: no heading has that anchor", name, i+1, target)
			}
		}
	}
}

// TestAppTeamsFieldPaths keeps the user guide honest as the XRD changes: every `spec.…` and `status.…`
// path it names (in code spans) must exist in the schema. spec.crossplane and status.conditions are
// Crossplane's own and are allowed.
func TestAppTeamsFieldPaths(t *testing.T) {
	x, err := parseXRD([]byte(read(t, definitionPath)))
	if err != nil {
		t.Fatal(err)
	}
	schema := x.Spec.Versions[len(x.Spec.Versions)-1].Schema.OpenAPIV3Schema
	md := read(t, appTeamsPath)
	paths := regexp.MustCompile("`((?:spec|status)\\.[A-Za-z0-9_.\\[\\]-]*[A-Za-z0-9\\]])").FindAllStringSubmatch(md, -1)
	if len(paths) < 20 {
		t.Fatalf("%s names only %d field paths; the pattern or the guide is broken", appTeamsPath, len(paths))
	}
	for _, m := range paths {
		if err := resolvePath(schema, m[1]); err != "" {
			t.Errorf("%s names `%s`: %s", appTeamsPath, m[1], err)
		}
	}
}

// resolvePath follows a dotted path with optional [index] segments through the schema.
func resolvePath(root *apiextv1.JSONSchemaProps, path string) string {
	clean := regexp.MustCompile(`\[[^\]]*\]`).ReplaceAllString(path, "")
	segs := strings.Split(clean, ".")
	if len(segs) >= 2 && (segs[0]+"."+segs[1] == "spec.crossplane" || segs[0]+"."+segs[1] == "status.conditions") {
		return ""
	}
	p := root
	for i, s := range segs {
		for p.Items != nil && p.Items.Schema != nil {
			p = p.Items.Schema
		}
		if child, ok := p.Properties[s]; ok {
			p = &child
			continue
		}
		if p.AdditionalProperties != nil && p.AdditionalProperties.Schema != nil && len(p.Properties) == 0 {
			p = p.AdditionalProperties.Schema // a map key
			continue
		}
		return "no field " + strings.Join(segs[:i+1], ".") + " in the XRD"
	}
	return ""
}

// TestAppTeamsExamples validates the user guide's YAML: a complete PlatformEnvironment is checked against the
// CRD Crossplane derives from the XRD, defaults, CEL rules and all (test/validate, as kube-apiserver would); a
// fragment that starts at spec names only fields the XRD has.
func TestAppTeamsExamples(t *testing.T) {
	x, err := parseXRD([]byte(read(t, definitionPath)))
	if err != nil {
		t.Fatal(err)
	}
	schema := x.Spec.Versions[len(x.Spec.Versions)-1].Schema.OpenAPIV3Schema
	blocks := yamlBlocks(read(t, appTeamsPath))
	full := 0
	for _, b := range blocks {
		var doc any
		if err := yaml.Unmarshal([]byte(b.text), &doc); err != nil {
			t.Errorf("%s:%d: the YAML block does not parse: %v", appTeamsPath, b.line, err)
			continue
		}
		obj, ok := doc.(map[string]any)
		if !ok {
			continue // e.g. a status excerpt
		}
		switch {
		case obj["kind"] == x.Spec.Names.Kind:
			full++
			for _, p := range validate.Shared(t).XR(obj) {
				t.Errorf("%s:%d: %s", appTeamsPath, b.line, p)
			}
		case obj["spec"] != nil:
			for _, path := range leafPaths("spec", obj["spec"]) {
				if err := resolvePath(schema, path); err != "" {
					t.Errorf("%s:%d: %s", appTeamsPath, b.line, err)
				}
			}
		}
	}
	if full == 0 {
		t.Errorf("%s has no complete %s example", appTeamsPath, x.Spec.Names.Kind)
	}
}

type block struct {
	line int
	text string
}

// yamlBlocks returns the ```yaml fenced blocks of a Markdown document, with their first line's number.
func yamlBlocks(md string) []block {
	var out []block
	var cur *block
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```yaml":
			cur = &block{line: i + 2}
		case cur != nil && trimmed == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	return out
}

// leafPaths lists the dotted paths of every field in a decoded YAML value (list items as []).
func leafPaths(prefix string, v any) []string {
	switch v := v.(type) {
	case map[string]any:
		var out []string
		for k, c := range v {
			out = append(out, prefix+"."+k)
			out = append(out, leafPaths(prefix+"."+k, c)...)
		}
		sort.Strings(out)
		return out
	case []any:
		var out []string
		for _, c := range v {
			out = append(out, leafPaths(prefix+"[]", c)...)
		}
		return out
	}
	return nil
}

// TestTableCells checks that every row of the reference's tables has as many cells as its header: a pipe
// the escaping missed would shift the columns (GitHub drops the surplus cells silently).
func TestTableCells(t *testing.T) {
	unescapedPipe := regexp.MustCompile(`(^|[^\\])\|`)
	cells := func(line string) int { return len(unescapedPipe.FindAllString(line, -1)) - 1 }
	want := 0
	for i, line := range strings.Split(read(t, referencePath), "\n") {
		switch {
		case !strings.HasPrefix(line, "|"):
			want = 0
		case want == 0:
			want = cells(line) // the header row
		case cells(line) != want:
			t.Errorf("%s:%d: %d cells, the table has %d: %s", referencePath, i+1, cells(line), want, line)
		}
	}
}
