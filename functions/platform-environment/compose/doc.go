// Package compose is the machinery every domain builder shares: deterministic names, a small builder for
// managed resources as unstructured objects, typed reads of observed state, readiness, keep-observed and
// the assembly of desired state. It imports no domain; every domain uses it and none bypasses it.
//
// Data flows one way: spec → domain builders (pure: spec + observed in, resources + status out) →
// Assemble (readiness, keep-observed, component status) → the function's response.
package compose
