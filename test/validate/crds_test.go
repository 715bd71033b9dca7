package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const widgetCRD = `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.io
spec:
  group: example.io
  names:
    categories:
    - managed
    kind: Widget
    listKind: WidgetList
    plural: widgets
    singular: widget
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
`

// gadgetCRD has its names after its versions, so the header scan must fall back to parsing it.
const gadgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.io
spec:
  group: example.io
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
  names:
    kind: Gadget
    plural: gadgets
  scope: Namespaced
`

func TestCRDIndex(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"example.io_widgets.yaml":       widgetCRD,
		"example.io_gadgets.yaml":       gadgetCRD,
		"other.example.io_widgets.yaml": strings.ReplaceAll(widgetCRD, "example.io", "other.example.io"),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	cases := map[string]struct {
		reason      string
		group, kind string
		want        string
		wantErr     string
	}{
		"FromHeader": {
			reason: "The kind is read from the names block at the top of the file.",
			group:  "example.io", kind: "Widget",
			want: "example.io_widgets.yaml",
		},
		"FromFullParse": {
			reason: "A file whose names come after its versions is parsed in full.",
			group:  "example.io", kind: "Gadget",
			want: "example.io_gadgets.yaml",
		},
		"GroupIsExact": {
			reason: "other.example.io's files do not belong to example.io.",
			group:  "other.example.io", kind: "Widget",
			want: "other.example.io_widgets.yaml",
		},
		"UnknownKind": {
			reason:  "An unknown kind names the group's kinds that come closest.",
			group:   "example.io",
			kind:    "Widgets",
			wantErr: `group "example.io" has no kind "Widgets" (it has 2 kinds; the closest by name: Widget, Gadget)`,
		},
		"UnknownGroup": {
			reason:  "A group without files is an error.",
			group:   "nothing.example.io",
			kind:    "Widget",
			wantErr: `no CRD of group "nothing.example.io" in ` + dir,
		},
	}
	x := newCRDIndex([]string{dir})
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := x.file(tc.group, tc.kind)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
				t.Errorf("%s\nfile(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if tc.want != "" {
				tc.want = filepath.Join(dir, tc.want)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nfile(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
