// Package observe forwards to functions/platform-environment/observe, where the simulated observations moved so
// that the plan CLI (penv) can use them outside test/. It is kept only for branches written against the old path:
// import github.com/cloudpartner/platform-environment/functions/platform-environment/observe instead.
//
// Deprecated: use functions/platform-environment/observe.
package observe

import (
	moved "github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

// Account is the fake AWS account of observed ARNs.
const Account = moved.Account

type (
	// Hook is moved.Hook.
	Hook = moved.Hook
	// Facts is moved.Facts.
	Facts = moved.Facts
	// Options is moved.Options.
	Options = moved.Options
)

// The package's functions, forwarded.
var (
	Register = moved.Register
	Resource = moved.Resource
	FakeID   = moved.FakeID
	FakeARN  = moved.FakeARN
	Set      = moved.Set
)
