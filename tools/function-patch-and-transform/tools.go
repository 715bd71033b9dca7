//go:build tools

// Package tools pins function-patch-and-transform v0.5.0, the peer `make bench` measures our function
// against: its module's go.mod is built here, apart from the project's dependencies (it needs
// crossplane-runtime v1 and function-sdk-go v0.2, which speaks the v1beta1 FunctionRunnerService).
package tools

import _ "github.com/crossplane-contrib/function-patch-and-transform"
