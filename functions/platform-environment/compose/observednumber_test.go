package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestObservedInt32(t *testing.T) {
	o := Observed{"database-instance": {
		"status": map[string]any{"atProvider": map[string]any{
			"float":  float64(5432),
			"int64":  int64(6379),
			"int":    7,
			"string": "5432",
			"bool":   true,
			"int32":  int32(9),
			"frac":   2.5,
		}},
	}}
	type want struct {
		n  int32
		ok bool
	}
	cases := map[string]struct {
		reason string
		name   string
		path   string
		want   want
	}{
		"Float64":         {reason: "JSON numbers from the request decode as float64.", name: "database-instance", path: "status.atProvider.float", want: want{5432, true}},
		"Int64":           {reason: "Some decoders give int64.", name: "database-instance", path: "status.atProvider.int64", want: want{6379, true}},
		"Int":             {reason: "Objects built in Go may hold an int.", name: "database-instance", path: "status.atProvider.int", want: want{7, true}},
		"Int32":           {reason: "An int32 is a number too.", name: "database-instance", path: "status.atProvider.int32", want: want{9, true}},
		"Fraction":        {reason: "A fraction is cut toward zero.", name: "database-instance", path: "status.atProvider.frac", want: want{2, true}},
		"String":          {reason: "A string is not a number, even if it reads as one.", name: "database-instance", path: "status.atProvider.string", want: want{0, false}},
		"Bool":            {reason: "Anything else is not a number.", name: "database-instance", path: "status.atProvider.bool", want: want{0, false}},
		"MissingField":    {reason: "Nothing at the path is not observed.", name: "database-instance", path: "status.atProvider.port", want: want{0, false}},
		"MissingResource": {reason: "A resource not observed has no fields.", name: "cache-replication-group", path: "status.atProvider.float", want: want{0, false}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n, ok := o.Int32(tc.name, tc.path)
			if diff := cmp.Diff(tc.want, want{n, ok}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("%s\nInt32(%q, %q): -want, +got:\n%s", tc.reason, tc.name, tc.path, diff)
			}
		})
	}
}
