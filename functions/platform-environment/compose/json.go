package compose

import "encoding/json"

// MustJSON returns v as compact JSON, the form AWS takes policies, WAF rules and dashboard bodies in.
// Only our own typed documents reach it, whose marshalling cannot fail; a failure is a programming error,
// so it panics rather than making every builder handle an error that never happens.
func MustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
