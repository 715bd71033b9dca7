package compose

// Number returns the number at the field path (e.g. "status.atProvider.allocatedStorage"), and whether
// there is a number there. Observed state comes from the function's request as JSON, whose numbers
// decode as float64; some decoders (and tests) give int64, int or int32, so those are read too.
func (o Observed) Number(name, path string) (float64, bool) {
	v, _ := o.Value(name, path)
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	}
	return 0, false
}

// Int32 returns the number at the field path (e.g. "status.atProvider.port") as an int32, and whether
// there is a number there (see Number). A fraction is cut toward zero, like Go's conversion.
func (o Observed) Int32(name, path string) (int32, bool) {
	n, ok := o.Number(name, path)
	return int32(n), ok
}
