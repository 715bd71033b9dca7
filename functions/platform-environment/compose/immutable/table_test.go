package immutable

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

func TestTableParses(t *testing.T) {
	tb, err := parse(awsYAML, kubernetesYAML)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.rows) == 0 || len(tb.manifests) == 0 {
		t.Fatalf("rows: %d, manifest rows: %d", len(tb.rows), len(tb.manifests))
	}
	for _, r := range tb.rows {
		id := key(r.APIVersion, r.Kind)
		if r.Source.File == "" || r.Source.Commit == "" {
			t.Errorf("%s: a row says what it was read from (source.file, source.commit)", id)
		}
		aws := strings.HasSuffix(strings.SplitN(r.APIVersion, "/", 2)[0], ".aws.m.upbound.io")
		if aws && r.Terraform == "" && r.Kind != "ClusterAuth" {
			t.Errorf("%s: a provider-aws kind names its Terraform resource type", id)
		}
		if r.Terraform != "" && r.ExternalName.Config == "" {
			t.Errorf("%s: a Terraform resource says how upjet derives its external name (externalName.config)", id)
		}
		seen := map[string]bool{}
		for _, p := range r.Paths() {
			if seen[p] {
				t.Errorf("%s: %s is listed twice", id, p)
			}
			seen[p] = true
		}
		for _, f := range r.ForceNew {
			if f.Terraform == "" {
				t.Errorf("%s: forceNew %s names its Terraform argument", id, f.Path)
			}
		}
	}
	for _, m := range tb.manifests {
		if m.Source == "" {
			t.Errorf("manifest %s: a row says where its rule is written", key(m.APIVersion, m.Kind))
		}
		if (m.When == "") != (len(m.WhenImmutable) == 0) {
			t.Errorf("manifest %s: when and whenImmutable go together", key(m.APIVersion, m.Kind))
		}
	}
}

func TestParseRefusesDuplicatesAndTypos(t *testing.T) {
	cases := map[string]string{
		"duplicate row":      "rows:\n- {apiVersion: a/v1, kind: K, source: {file: f, commit: c}}\n- {apiVersion: a/v1, kind: K, source: {file: f, commit: c}}\n",
		"unknown field":      "rows:\n- {apiVersion: a/v1, kind: K, forceNews: []}\n",
		"duplicate manifest": "rows: []\nmanifests:\n- {apiVersion: v1, kind: K, source: s}\n- {apiVersion: v1, kind: K, source: s}\n",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := parse([]byte(doc)); err == nil {
				t.Errorf("parse(%q) = nil error, want one", doc)
			}
		})
	}
}

// TestEveryComposedKindHasARow walks every golden and observed stage: a kind the function composes (or observes)
// without a row would escape every day-2 check that uses the table.
func TestEveryComposedKindHasARow(t *testing.T) {
	root := repoRoot(t)
	kinds, manifests := map[string][]string{}, map[string][]string{}
	for _, dir := range []string{"test/golden", "test/observed"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			for _, obj := range readObjects(t, p) {
				av, _ := obj["apiVersion"].(string)
				kind, _ := obj["kind"].(string)
				if av == "" || kind == "" || av == "platform.cloudpartner.pro/v1alpha1" {
					continue // the XR itself
				}
				kinds[key(av, kind)] = append(kinds[key(av, kind)], rel)
				if m, ok := get(obj, split(manifestPath)); ok && kind == "Object" {
					mk := key(str(m, "apiVersion"), str(m, "kind"))
					manifests[mk] = append(manifests[mk], rel)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(kinds) < 50 {
		t.Fatalf("found %d kinds in test/golden and test/observed; the walk is broken", len(kinds))
	}
	for _, k := range sorted(kinds) {
		av, kind, _ := strings.Cut(k, ", Kind=")
		if _, ok := Lookup(av, kind); !ok {
			t.Errorf("%s (in %s) has no row in the table: add one to aws.yaml or kubernetes.yaml (docs/day2-table.md)", k, first(kinds[k]))
		}
	}
	for _, k := range sorted(manifests) {
		av, kind, _ := strings.Cut(k, ", Kind=")
		if _, ok := LookupManifest(av, kind); !ok {
			t.Errorf("Object manifest %s (in %s) has no manifest row: add one to kubernetes.yaml (docs/day2-table.md)", k, first(manifests[k]))
		}
	}
}

func readObjects(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // test data of this repository.
	if err != nil {
		t.Fatal(err)
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var out []map[string]any
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if obj != nil {
			out = append(out, obj)
		}
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

func sorted(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func first(files []string) string {
	sort.Strings(files)
	return files[0]
}
