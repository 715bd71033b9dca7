package packaging

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// externalNameRows reads the table under "### External names of the composed kinds" in docs/packaging.md: kind
// ("<group>/<Kind>") → its columns.
func externalNameRows(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), "docs", "packaging.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n### External names of the composed kinds\n")
	if !ok {
		t.Fatal(`docs/packaging.md: no "### External names of the composed kinds" section`)
	}
	if i := strings.Index(section, "\n#"); i >= 0 {
		section = section[:i]
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		kind := strings.Trim(cols[0], "`")
		if _, dup := rows[kind]; dup {
			t.Errorf("docs/packaging.md: two rows for %s", kind)
		}
		rows[kind] = cols
	}
	return rows
}

// TestExternalNamesDocumented: every kind the render goldens compose has a row in docs/packaging.md's external-name
// table, with the configuration and source compose.ExternalNames (the function's messages) holds for it, and the
// advice its source calls for; neither lists a kind nothing composes.
func TestExternalNamesDocumented(t *testing.T) {
	rows := externalNameRows(t)
	composedSet := map[string]bool{}
	for _, gk := range composedKinds(t) {
		k := gk.Group + "/" + gk.Kind
		composedSet[k] = true
		if _, ok := rows[k]; !ok {
			t.Errorf("docs/packaging.md: the goldens compose %s, which has no row in the external-name table", k)
		}
		if _, ok := compose.ExternalNames[k]; !ok {
			t.Errorf("compose.ExternalNames: no entry for %s, which the goldens compose", k)
		}
	}
	for k, cols := range rows {
		if !composedSet[k] {
			t.Errorf("docs/packaging.md: a row for %s, which no golden composes", k)
		}
		want, ok := compose.ExternalNames[k]
		if !ok {
			continue
		}
		if len(cols) != 4 {
			t.Errorf("docs/packaging.md: the row for %s has %d columns, want 4 (kind, configuration, external name, what to do)", k, len(cols))
			continue
		}
		if diff := cmp.Diff([]string{want.Config, string(want.Source)}, cols[1:3]); diff != "" {
			t.Errorf("docs/packaging.md: the row for %s disagrees with compose.ExternalNames (-code, +docs):\n%s", k, diff)
		}
		switch do := cols[3]; {
		case want.Source == compose.NameFromAWS && !strings.HasPrefix(do, "find the orphan first"):
			t.Errorf("docs/packaging.md: %s: AWS assigns its ID, so the advice must start with \"find the orphan first\", got %q", k, do)
		case want.Source != compose.NameFromAWS && strings.Contains(do, "orphan"):
			t.Errorf("docs/packaging.md: %s: its external name is %s, so no orphan to find, got %q", k, want.Source, do)
		}
	}
	for k := range compose.ExternalNames {
		if !composedSet[k] {
			t.Errorf("compose.ExternalNames: an entry for %s, which no golden composes", k)
		}
	}
	if t.Failed() {
		var missing []string
		for k := range composedSet {
			if _, ok := rows[k]; !ok {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		t.Logf("kinds without a row: %v", missing)
	}
}

// TestExternalNamesSetByTheFunction: a kind compose.ExternalNames says the function names carries
// crossplane.io/external-name in every golden that composes it, and a kind whose ID AWS assigns in none (a name the
// function set there would make the retry safe, and the table wrong).
func TestExternalNamesSetByTheFunction(t *testing.T) {
	files := goldenFiles(t)
	if len(files) == 0 {
		t.Skip("no render goldens")
	}
	for _, f := range files {
		b, err := os.ReadFile(f.path) //nolint:gosec // our own test tree.
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(b), "\n---") {
			obj := map[string]any{}
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s: %v", f.rel, err)
			}
			c, ok := compose.ExternalNames[compose.KindKey(obj)]
			if !ok {
				continue
			}
			en := compose.ExternalName(obj)
			name, _ := get(obj, "metadata", "name").(string)
			switch {
			case c.Source == compose.NameFromFunction && en == "":
				t.Errorf("%s: %s %s has no crossplane.io/external-name, but compose.ExternalNames says the function sets it", f.rel, compose.KindKey(obj), name)
			case c.Source == compose.NameFromAWS && en != "":
				t.Errorf("%s: %s %s has crossplane.io/external-name %q, but compose.ExternalNames says AWS assigns it", f.rel, compose.KindKey(obj), name, en)
			}
		}
	}
}
