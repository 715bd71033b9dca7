package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKeyDeletionWindow(t *testing.T) {
	cases := map[string]struct {
		reason string
		env    Env
		want   int
	}{
		"DeletionProtection": {
			reason: "A protected environment's keys can be recovered for the longest window AWS allows.",
			env:    Env{DeletionProtection: true},
			want:   30,
		},
		"NoDeletionProtection": {
			reason: "An unprotected environment's keys go after the shortest window AWS allows.",
			env:    Env{},
			want:   7,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.env.KeyDeletionWindow()); diff != "" {
				t.Errorf("%s\nKeyDeletionWindow(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
