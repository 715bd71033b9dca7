// Package compose is the machinery every domain builder shares: deterministic names, a small builder for
// managed resources as unstructured objects, typed reads of observed state, readiness, keep-observed and
// the assembly of desired state. It imports no domain and every domain builds through it. Assemble keeps
// every observed resource that no builder rendered, except those a builder retires (Result.Retire): a
// builder that retires a whole prefix switches keep-observed off under it and must render everything there
// that the spec still wants.
//
// Data flows one way: spec → domain builders (pure: spec + observed in, resources + status out) →
// Assemble (readiness, keep-observed, component status) → the function's response.
package compose
