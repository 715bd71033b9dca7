package compose

import "testing"

func TestOr(t *testing.T) {
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"StringSet":     {reason: "A value the spec gives wins.", got: Or("gp3", "gp2"), want: "gp3"},
		"StringLeftOut": {reason: "An empty string takes the default.", got: Or("", "gp2"), want: "gp2"},
		"IntLeftOut":    {reason: "Zero takes the default.", got: Or(0, 7), want: 7},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s\ngot %v, want %v", tc.reason, tc.got, tc.want)
			}
		})
	}
}

func TestDeref(t *testing.T) {
	f, zero := false, int32(0)
	seven := int32(7)
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"BoolLeftOut": {reason: "nil takes the default.", got: Deref(nil, true), want: true},
		"BoolFalse":   {reason: "An explicit false is kept, unlike with Or.", got: Deref(&f, true), want: false},
		"Int32Zero":   {reason: "An explicit 0 is kept (e.g. no backups asked for).", got: Deref(&zero, 7), want: int32(0)},
		"Int32Set":    {reason: "A value the spec gives wins.", got: Deref(&seven, 1), want: int32(7)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s\ngot %v, want %v", tc.reason, tc.got, tc.want)
			}
		})
	}
}
