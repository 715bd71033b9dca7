package compose

import "fmt"

// FieldError is a bad input: which field, what is wrong and how to fix it. The function turns it into a
// Fatal result whose message starts with the field path.
type FieldError struct {
	Field   string
	Problem string
	Fix     string
}

func (e *FieldError) Error() string {
	if e.Fix == "" {
		return e.Field + ": " + e.Problem
	}
	return e.Field + ": " + e.Problem + "; " + e.Fix
}

// Invalid returns a FieldError; problem is a format string.
func Invalid(field, fix, problem string, args ...any) error {
	return &FieldError{Field: field, Problem: fmt.Sprintf(problem, args...), Fix: fix}
}
