package clirender

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDocuments(t *testing.T) {
	cases := map[string]struct {
		stream string
		want   []map[string]any
	}{
		"Render": {
			stream: "---\nkind: PlatformEnvironment\n---\nkind: VPC\nmetadata:\n  annotations:\n    crossplane.io/composition-resource-name: network-vpc\n",
			want: []map[string]any{
				{"kind": "PlatformEnvironment"},
				{"kind": "VPC", "metadata": map[string]any{"annotations": map[string]any{"crossplane.io/composition-resource-name": "network-vpc"}}},
			},
		},
		"EmptyDocumentsSkipped": {
			stream: "---\n\n---\nkind: A\n---\n",
			want:   []map[string]any{{"kind": "A"}},
		},
		"Nothing": {stream: "", want: nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Documents([]byte(tc.stream))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Documents(): -want +got:\n%s", diff)
			}
			if len(got) > 1 {
				if n := CompositionName(got[1]); n != "network-vpc" {
					t.Errorf("CompositionName() = %q, want network-vpc", n)
				}
				if n := CompositionName(got[0]); n != "" {
					t.Errorf("CompositionName(XR) = %q, want \"\"", n)
				}
			}
		})
	}
	if _, err := Documents([]byte("kind: [unclosed\n")); err == nil {
		t.Error("Documents() of a broken document: want an error")
	}
}

func TestFirstDiff(t *testing.T) {
	cases := map[string]struct{ a, b, want string }{
		"Line":   {a: "x\ny\nz", b: "x\nY\nz", want: "line 2:\n- y\n+ Y"},
		"Length": {a: "x\ny", b: "x\ny\nz", want: "lengths differ: 2 vs 3 lines"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := FirstDiff(tc.a, tc.b); got != tc.want {
				t.Errorf("FirstDiff() = %q, want %q", got, tc.want)
			}
		})
	}
}
