package compose

// Int32 returns the number at the field path (e.g. "status.atProvider.port") as an int32, and whether
// there is a number there. Observed state comes from the function's request as JSON, whose numbers
// decode as float64; some decoders (and tests) give int64 or int, so all three are read. A fraction is
// cut toward zero, like Go's conversion.
func (o Observed) Int32(name, path string) (int32, bool) {
	v, _ := o.Value(name, path)
	switch n := v.(type) {
	case float64:
		return int32(n), true
	case int64:
		return int32(n), true
	case int:
		return int32(n), true
	}
	return 0, false
}
