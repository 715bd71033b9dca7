package compose

import (
	"testing"

	"github.com/crossplane/crossplane-runtime/v2/pkg/fieldpath"
	"github.com/google/go-cmp/cmp"
)

// TestLookup checks the observed-state reader against crossplane-runtime's fieldpath, whose answers it
// replaces: the same value wherever GetValue finds one, nothing wherever GetValue fails.
func TestLookup(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"annotations": map[string]any{"crossplane.io/external-name": "vpc-1"}},
		"status": map[string]any{
			"atProvider": map[string]any{
				"arn":              "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1",
				"port":             float64(5432),
				"masterUserSecret": []any{map[string]any{"secretArn": "arn:secret"}},
				"nothing":          nil,
				"nilMap":           map[string]any(nil),
			},
		},
	}
	cases := map[string]struct {
		reason string
		path   string
		want   any
	}{
		"String":        {reason: "A nested string.", path: "status.atProvider.arn", want: "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1"},
		"Number":        {reason: "A number, as decoded.", path: "status.atProvider.port", want: float64(5432)},
		"Object":        {reason: "A whole object.", path: "status.atProvider.masterUserSecret[0]", want: map[string]any{"secretArn": "arn:secret"}},
		"Index":         {reason: "Into a list element.", path: "status.atProvider.masterUserSecret[0].secretArn", want: "arn:secret"},
		"Bracketed":     {reason: "A field with periods and slashes in brackets.", path: "metadata.annotations[crossplane.io/external-name]", want: "vpc-1"},
		"OutOfRange":    {reason: "No such element.", path: "status.atProvider.masterUserSecret[1].secretArn"},
		"Missing":       {reason: "No such field.", path: "status.atProvider.id"},
		"NotAnObject":   {reason: "A field of a string.", path: "status.atProvider.arn.x"},
		"NotAList":      {reason: "An index into an object.", path: "status.atProvider[0]"},
		"Null":          {reason: "A null value is no value.", path: "status.atProvider.nothing"},
		"ThroughNull":   {reason: "A field of a null.", path: "status.atProvider.nothing.x"},
		"ThroughNilMap": {reason: "A field of a nil map.", path: "status.atProvider.nilMap.x"},
		"BadPath":       {reason: "A path that does not parse.", path: "status..atProvider"},
		"Empty":         {reason: "The empty path reads nothing.", path: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for i := range 2 { // the second time from the parsed-path cache
				got := lookup(obj, tc.path)
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("%s\nlookup(%q) #%d: -want, +got:\n%s", tc.reason, tc.path, i+1, diff)
				}
			}
			want, err := fieldpath.Pave(obj).GetValue(tc.path)
			if err != nil {
				want = nil
			}
			if diff := cmp.Diff(want, lookup(obj, tc.path)); diff != "" {
				t.Errorf("%s\nlookup(%q) differs from fieldpath's GetValue: -fieldpath, +lookup:\n%s", tc.reason, tc.path, diff)
			}
		})
	}
}

func TestLookupAnyObject(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"name": "n", "annotations": map[string]any{"crossplane.io/external-name": "x"}},
		"spec":     map[string]any{"list": []any{map[string]any{"a": "b"}}},
	}
	cases := map[string]struct {
		path string
		want any
	}{
		"a field":                   {"metadata.name", "n"},
		"an annotation with dots":   {"metadata.annotations[crossplane.io/external-name]", "x"},
		"a list index":              {"spec.list[0].a", "b"},
		"missing":                   {"spec.none.deeper", nil},
		"through a non-map is none": {"metadata.name.x", nil},
	}
	for name, tc := range cases {
		if got := Lookup(obj, tc.path); got != tc.want {
			t.Errorf("%s: Lookup(%q) = %v, want %v", name, tc.path, got, tc.want)
		}
	}
}
