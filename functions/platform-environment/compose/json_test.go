package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMustJSON(t *testing.T) {
	cases := map[string]struct {
		reason string
		v      any
		want   string
	}{
		"Policy": {
			reason: "A policy document is compact JSON with the field names AWS expects and no empty optional fields.",
			v:      Policy(Statement{Effect: "Allow", Action: []string{"sns:Publish"}, Resource: []string{"*"}}),
			want:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sns:Publish"],"Resource":["*"]}]}`,
		},
		"MapKeysSorted": {
			reason: "Map keys come out sorted, so the same document always renders the same string (no spurious updates).",
			v:      map[string]any{"b": 1, "a": "<&>"},
			want:   `{"a":"\u003c\u0026\u003e","b":1}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, MustJSON(tc.v)); diff != "" {
				t.Errorf("%s\nMustJSON(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMustJSONPanicsOnUnmarshallable(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustJSON(a channel) did not panic: a document that cannot be marshalled must not render as an empty policy")
		}
	}()
	MustJSON(make(chan int))
}
