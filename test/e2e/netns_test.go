//go:build e2e

package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// envInNetns marks the copy of the test binary that runs inside the private network namespace.
const envInNetns = "E2E_IN_NETNS"

// reexecInNetns runs this test binary again, with the same arguments, in a new network namespace, and returns its
// exit code. This is what `unshare -n <test binary>` does (unshare(2) with CLONE_NEWNET, then exec), done through
// SysProcAttr so that the child also gets a parent-death signal: if this process dies (a `go test -timeout` panic, a
// kill), the kernel kills the child, whose own children die the same way. The re-exec keeps the test process, the
// control plane and every client in one namespace whose only interface is loopback, so fixed ports cannot collide
// with anything on the machine and no packet can leave it. The Go runtime runs goroutines on several threads, so
// unsharing in process would move only one thread; re-exec is the reliable way.
func reexecInNetns(extraEnv []string) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: cannot find the test binary:", err)
		return 2
	}
	budget, err := suiteBudget()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	clock := newScenarioClock(os.Stdout) // a line per scenario and the budget at the end (budget_test.go)
	start := time.Now()
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, clock, os.Stderr
	cmd.Env = append(append(os.Environ(), envInNetns+"=1"), extraEnv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}

	// Pdeathsig fires when the thread that forked exits, not the process: fork from a thread that never exits.
	runtime.LockOSThread()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: cannot start the test binary in a new network namespace (needs root or CAP_SYS_ADMIN):", err)
		return 2
	}
	// Forward interrupts so the child tears its control plane down in order.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range sig {
			_ = cmd.Process.Signal(s)
		}
	}()
	code := 0
	if err := cmd.Wait(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 2
		}
		code = ee.ExitCode()
	}
	return clock.finish(time.Since(start), budget, code)
}

// loopbackUp brings up lo, the only interface of a new network namespace (it starts down), like `ip link set lo up`.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("get lo flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("set lo up: %w", err)
	}
	return nil
}

// onlyLoopback fails if the namespace has any interface besides lo: a guard that the suite never runs in the
// machine's own namespace.
func onlyLoopback() error {
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	for _, i := range ifs {
		if i.Name != "lo" {
			return fmt.Errorf("network namespace has interface %q besides lo; refusing to start a control plane here", i.Name)
		}
	}
	return nil
}
