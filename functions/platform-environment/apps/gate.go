package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// cond is one gating condition and what it waits for.
type cond struct {
	ok     bool
	reason string
}

// gate decides whether a resource is rendered: always once it exists (a gate holds back creation, never a
// resource that is there), else when every condition holds. The first failing condition is recorded as
// what the resource's component waits for.
func (b *builder) gate(res *compose.Result, name string, conds ...cond) bool {
	if b.env.Observed.Exists(name) {
		return true
	}
	for _, c := range conds {
		if !c.ok {
			res.Wait(compose.Component(name), name+" waits for "+c.reason)
			return false
		}
	}
	return true
}

// ready is the condition that a composed resource is observed Ready.
func (b *builder) ready(name string) cond {
	return cond{b.env.Observed.Ready(name), name + " to be Ready"}
}

// exists is the condition that a composed resource is observed at all (kinds without a Ready condition).
func (b *builder) exists(name string) cond {
	return cond{b.env.Observed.Exists(name), name + " to exist"}
}

// known is the condition that a value AWS reports is known.
func known(ok bool, what string) cond { return cond{ok, what} }
