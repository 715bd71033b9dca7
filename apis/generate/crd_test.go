package main

import (
	"strings"
	"testing"
)

// TestCRDForReportsMarkerErrors checks that a bad marker fails generation instead of vanishing from the
// schema: controller-gen records marker errors on the package rather than returning them, and skips
// markers it does not know without a word.
func TestCRDForReportsMarkerErrors(t *testing.T) {
	cases := map[string]struct {
		reason string
		pkg    string
		want   []string
	}{
		"BadArgument": {
			reason: "A marker whose argument does not parse names the file, the line and what was expected.",
			pkg:    "./testdata/badmarker",
			want:   []string{"badmarker/types.go:21", `expected integer, got "ten"`},
		},
		"MisspeltMarker": {
			reason: "A misspelt marker would silently drop its validation.",
			pkg:    "./testdata/typomarker",
			want:   []string{"typomarker/types.go:21", "unknown marker +kubebuilder:validation:Maxlength=10"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := crdFor(tc.pkg)
			if err == nil {
				t.Fatalf("%s\ncrdFor(%s): want an error, got none", tc.reason, tc.pkg)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s\ncrdFor(%s): want an error containing %q, got:\n%v", tc.reason, tc.pkg, want, err)
				}
			}
		})
	}
}
