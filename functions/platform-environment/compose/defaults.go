package compose

// Or returns v, or d where v is its type's zero value: a spec field left out takes the profile's default.
func Or[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// Deref returns *p, or d where p is nil: an optional spec field (a pointer, so that false and 0 can be
// asked for) left out takes the profile's default.
func Deref[T any](p *T, d T) T {
	if p == nil {
		return d
	}
	return *p
}
