//go:build e2e

package e2e

import (
	"fmt"
	"slices"
	"time"
)

// restart stops the named control-plane component by its PID (SIGTERM, SIGKILL after 15 s), runs whileDown, and
// starts it again with the same binary, arguments and environment, logging to <name>-<n>.log (the first log stays).
// The new process takes the old one's place in the stop order. ready waits for it to serve again. whileDown's error
// is returned after the restart, so the control plane is whole whatever happened.
func (c *controlPlane) restart(name string, whileDown func() error, ready func() error) error {
	return c.restartWith(name, nil, whileDown, ready)
}

// restartWith is restart with the component's arguments rewritten by args (nil keeps them).
func (c *controlPlane) restartWith(name string, args func([]string) []string, whileDown func() error, ready func() error) error {
	i := -1
	for j, p := range c.procs {
		if p.name == name || p.base == name {
			i = j
		}
	}
	if i < 0 {
		return fmt.Errorf("restart: no component %q", name)
	}
	old := c.procs[i]
	base := old.name
	if old.base != "" {
		base = old.base
	}
	old.stop(15 * time.Second)
	downErr := whileDown()
	c.restarts++
	argv := old.cmd.Args[1:]
	if args != nil {
		argv = args(slices.Clone(argv))
	}
	p, err := c.sp.start(c.work, fmt.Sprintf("%s-%d", base, c.restarts), old.cmd.Path, argv, old.cmd.Env)
	if err != nil {
		return fmt.Errorf("restart %s: %w", base, err)
	}
	p.base = base
	c.procs[i] = p
	if err := ready(); err != nil {
		return fmt.Errorf("restart %s: %w", base, err)
	}
	return downErr
}

// swapArgs returns an args rewrite for restartWith that drops every argument drop matches and appends add, and
// one that undoes it: add's arguments removed, the dropped ones appended again.
func swapArgs(drop func(arg string) bool, add []string) (swap, undo func([]string) []string) {
	var dropped []string
	swap = func(args []string) []string {
		out := args[:0]
		for _, a := range args {
			if drop(a) {
				dropped = append(dropped, a)
				continue
			}
			out = append(out, a)
		}
		return append(out, add...)
	}
	undo = func(args []string) []string {
		added := map[string]bool{}
		for _, a := range add {
			added[a] = true
		}
		out := args[:0]
		for _, a := range args {
			if !added[a] {
				out = append(out, a)
			}
		}
		return append(out, dropped...)
	}
	return swap, undo
}
