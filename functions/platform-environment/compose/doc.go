// Package compose is the machinery every domain builder shares: deterministic names, a small builder for
// managed resources as unstructured objects, typed reads of observed state, readiness, gates (Gate), and
// the assembly of desired state — the one place that keeps or retires an observed resource: builders
// declare what they own, what the spec wants and the successor rules of per-version resources (Own, Want,
// Supersede) or retire names explicitly (Retire). It imports no domain.
//
// Data flows one way: spec → domain builders (pure: spec + observed in, resources + status out) →
// Assemble (readiness, keep-observed, component status) → the function's response.
package compose
