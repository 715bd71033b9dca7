package compose

// Conditions of a gate. A condition holds back a resource's creation: once the resource exists it is
// rendered whatever the condition says (a gate never deletes, and the spec's changes still apply). A
// needed condition (Needs) is a value the resource's content is made of: without it the resource is not
// rendered this pass even if it exists, and Assemble keeps it as observed (its owner wants it).

// Known is a creation condition on a value AWS reports.
func Known(ok bool, what string) Cond { return Cond{OK: ok, Reason: what} }

// Needs is a condition on a value the resource's content is made of.
func Needs(ok bool, what string) Cond { return Cond{OK: ok, Reason: what, Needed: true} }

// ReadyCond is the condition that a composed resource is observed Ready.
func (o Observed) ReadyCond(name string) Cond {
	return Cond{OK: o.Ready(name), Reason: name + " to be Ready"}
}

// ExistsCond is the condition that a composed resource is observed at all (kinds without a Ready
// condition).
func (o Observed) ExistsCond(name string) Cond {
	return Cond{OK: o.Exists(name), Reason: name + " to exist"}
}

// Gate decides whether a builder renders a resource this pass, and declares the resource wanted (the
// builder only gates what its spec asks for). It renders a resource that exists unless a needed value is
// missing, and a new one when every condition holds; the first failing condition of a new resource is
// what its component waits for.
func (r *Result) Gate(o Observed, name string, conds ...Cond) bool {
	r.Want(name)
	exists := o.Exists(name)
	for _, c := range conds {
		if c.OK || (exists && !c.Needed) {
			continue
		}
		if !exists {
			r.Wait(Component(name), name+" waits for "+c.Reason)
		}
		return false
	}
	return true
}
