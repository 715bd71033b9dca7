package compose

import "strings"

// Cond is one condition: whether it holds and, when it does not, what it waits for. Needed marks a value
// a resource's content is made of (see Needs).
type Cond struct {
	OK     bool
	Reason string
	Needed bool
}

// Succession is the successor rule of per-version or replaced resources: every observed resource under
// Prefix other than Current (and the names that start with it, its companions such as a Job's script) is
// an older version, kept until every condition of RetireWhen holds (no
// conditions: until Current is rendered). An empty Current (the version cannot be told this pass) keeps
// them all.
type Succession struct {
	Prefix     string
	Current    string
	RetireWhen []Cond
}

// Own declares the composition resource name prefixes a builder owns: an observed resource under one that
// is neither rendered nor wanted (see Want) is retired. Observed resources under no owned prefix are kept.
func (r *Result) Own(prefixes ...string) { r.Owned = append(r.Owned, prefixes...) }

// Want declares the exact composition resource names the spec still wants, rendered this pass or not. A
// builder computes them from the spec and the resolve-time guards only, never from a value it failed to
// read this pass: a wanted resource it cannot render now is kept as observed.
func (r *Result) Want(names ...string) { r.Wanted = append(r.Wanted, names...) }

// Supersede declares the successor rule of the resources under prefix (see Succession).
func (r *Result) Supersede(prefix, current string, retireWhen ...Cond) {
	r.Successions = append(r.Successions, Succession{Prefix: prefix, Current: current, RetireWhen: retireWhen})
}

// ownership is what every builder declared, merged.
type ownership struct {
	owned       []string
	wanted      map[string]bool
	successions []Succession
	// stuck are the observed resources whose creation is incomplete (creation.go): the older versions
	// their successor rule supersedes are kept while it lasts.
	stuck []string
}

func (o *ownership) add(r Result) {
	if o.wanted == nil {
		o.wanted = map[string]bool{}
	}
	o.owned = append(o.owned, r.Owned...)
	for _, n := range r.Wanted {
		o.wanted[n] = true
	}
	o.successions = append(o.successions, r.Successions...)
}

// succession returns the successor rule whose prefix name falls under.
func (o *ownership) succession(name string) (Succession, bool) {
	for _, s := range o.successions {
		if strings.HasPrefix(name, s.Prefix) {
			return s, true
		}
	}
	return Succession{}, false
}

func (o *ownership) owns(name string) bool {
	for _, p := range o.owned {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// retires decides an observed resource no builder rendered: an older version once its successor rule
// holds, else a resource under an owned prefix that the spec no longer wants. A wanted resource and
// everything else is kept.
func (o *ownership) retires(name string, rendered map[string]bool) bool {
	if o.wanted[name] {
		return false // whatever prefix it also falls under
	}
	if s, ok := o.succession(name); ok {
		if s.Current == "" || strings.HasPrefix(name, s.Current) {
			return false
		}
		for _, st := range o.stuck {
			if strings.HasPrefix(st, s.Current) {
				return false // the successor may not exist in the cloud: what it supersedes serves on
			}
		}
		if len(s.RetireWhen) == 0 {
			return rendered[s.Current]
		}
		for _, c := range s.RetireWhen {
			if !c.OK {
				return false
			}
		}
		return true
	}
	return o.owns(name) && !o.wanted[name]
}

// undeclared reports a rendered resource under an owned prefix that its owner neither wants nor covers by
// a successor rule: the next pass that does not render it would retire it, so it is a programming error.
func (o *ownership) undeclared(name string) bool {
	if _, ok := o.succession(name); ok {
		return false
	}
	return o.owns(name) && !o.wanted[name]
}
