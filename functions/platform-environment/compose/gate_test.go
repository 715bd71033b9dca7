package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGate(t *testing.T) {
	o := Observed{"apps-a": observedReady("Object", true)}
	cases := map[string]struct {
		reason string
		name   string
		conds  []Cond
		render bool
		wait   string
	}{
		"NewWaitsForFirstFailing": {
			reason: "A new resource waits for the first condition that does not hold.",
			name:   "apps-b", conds: []Cond{o.ReadyCond("apps-a"), o.ExistsCond("apps-c"), Known(false, "x")},
			wait: "apps-b waits for apps-c to exist",
		},
		"NewRendersWhenAllHold": {
			reason: "Every condition holds: the resource is created.",
			name:   "apps-b", conds: []Cond{o.ExistsCond("apps-a"), Known(true, "x")}, render: true,
		},
		"ExistingIgnoresCreationConditions": {
			reason: "A gate holds back creation only: an existing resource is rendered.",
			name:   "apps-a", conds: []Cond{o.ExistsCond("apps-c"), Known(false, "x")}, render: true,
		},
		"ExistingWithoutNeededValueIsNotRendered": {
			reason: "Without a value its content is made of, an existing resource is not rendered (kept as observed), and waits for nothing new.",
			name:   "apps-a", conds: []Cond{Needs(false, "the VPC's ID")},
		},
		"NewWaitsForNeededValue": {
			reason: "A new resource waits for a needed value like any other.",
			name:   "apps-b", conds: []Cond{Needs(false, "the VPC's ID")}, wait: "apps-b waits for the VPC's ID",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var r Result
			got := r.Gate(o, tc.name, tc.conds...)
			if got != tc.render {
				t.Errorf("%s\nrender: want %v, got %v", tc.reason, tc.render, got)
			}
			if diff := cmp.Diff(tc.wait, r.Waiting["apps"]); diff != "" {
				t.Errorf("%s\nwait -want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff([]string{tc.name}, r.Wanted); diff != "" {
				t.Errorf("%s\na gated resource is wanted; -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
