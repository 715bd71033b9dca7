package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// cond is one gating condition (compose.Cond).
type cond = compose.Cond

// gate decides whether a resource is rendered and declares it wanted (compose.Result.Gate): a resource
// that exists is rendered unless a value its content needs is unknown (then Assemble keeps it as
// observed); a new one once every condition holds.
func (b *builder) gate(res *compose.Result, name string, conds ...cond) bool {
	return res.Gate(b.env.Observed, name, conds...)
}

// ready is the condition that a composed resource is observed Ready.
func (b *builder) ready(name string) cond { return b.env.Observed.ReadyCond(name) }

// exists is the condition that a composed resource is observed at all (kinds without a Ready condition).
func (b *builder) exists(name string) cond { return b.env.Observed.ExistsCond(name) }

// known is the condition that a value AWS reports, which the resource's content is made of, is known.
func known(ok bool, what string) cond { return compose.Needs(ok, what) }

// holds is a condition that holds back creation only.
func holds(ok bool, what string) cond { return compose.Known(ok, what) }
