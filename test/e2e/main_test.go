//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// env is the control plane every scenario runs against; TestMain brings it up once.
var env *controlPlane

// paths are the package's files the suite installs and compares with.
type paths struct {
	xrd, composition string
	examplesDir      string
	goldenDir        string // <goldenDir>/<example>/<stage>.yaml
	observedDir      string // <observedDir>/<example>/<stage>.yaml
}

func (c *controlPlane) paths() paths {
	return paths{
		xrd:         filepath.Join(c.repo, "apis", "definition.yaml"),
		composition: filepath.Join(c.repo, "compositions", "platform-environment.yaml"),
		examplesDir: filepath.Join(c.repo, "examples"),
		goldenDir:   filepath.Join(c.repo, "test", "golden"),
		observedDir: filepath.Join(c.repo, "test", "observed"),
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(envInNetns) == "" {
		// Outside the namespace: fetch what needs the module proxy, then run the suite in a private namespace.
		modEnv, err := downloadModules()
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			os.Exit(2)
		}
		os.Exit(reexecInNetns(modEnv))
	}
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	cp, err := newControlPlane()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	env = cp
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// An interrupt tears the control plane down in order before exiting.
	var once sync.Once
	teardown := func() {
		once.Do(func() {
			start := time.Now()
			cp.stop()
			cp.timings.add("teardown (every process stopped by PID)", time.Since(start))
		})
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "e2e: %s: tearing down\n", s)
		cancel()
		teardown()
		os.Exit(130)
	}()

	fmt.Printf("e2e: work directory %s\n", cp.work)
	if err := cp.bringUp(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: bring-up failed:", err)
		cp.dumpLogs(40)
		teardown()
		return 1
	}
	cp.timings.add("bring-up total", time.Since(cp.timings.start))
	// A `-timeout` panic prints goroutines only and kills every process at once (parent-death signal), so on CI,
	// where the work directory goes with the clone, nothing would say what the control plane was doing. Scenarios
	// end 10 s before the deadline (ctxFor) and their failure prints the logs below; this alarm, 5 s before the
	// panic, covers whatever ignores its context. testing starts its own timer inside m.Run, a moment after this.
	var alarm *time.Timer
	if d := testTimeout(); d > 10*time.Second {
		alarm = time.AfterFunc(d-5*time.Second, func() {
			fmt.Printf("e2e: 5s before the -timeout of %s and the scenarios still run; the components' logs:\n", d)
			cp.dumpLogs(40)
		})
	}
	code := m.Run()
	if alarm != nil {
		alarm.Stop()
	}
	if errs := cp.fake.errors(); len(errs) > 0 {
		fmt.Fprintln(os.Stderr, "e2e: the fake provider hit errors:")
		for _, e := range errs {
			fmt.Fprintln(os.Stderr, "  ", e)
		}
		code = 1
	}
	if code != 0 {
		cp.dumpLogs(40)
	}
	if hold, err := time.ParseDuration(os.Getenv("E2E_HOLD")); err == nil && hold > 0 {
		// For a look at the control plane after the scenarios: enter its namespace with
		// nsenter -t <pid> -n bin/e2e/kubectl --kubeconfig <work>/kubeconfig ...
		fmt.Printf("e2e: holding the control plane for %s: nsenter -t %d -n %s --kubeconfig %s get managed -A\n",
			hold, os.Getpid(), filepath.Join(cp.bin, "kubectl"), filepath.Join(cp.work, "kubeconfig"))
		select {
		case <-time.After(hold):
		case <-ctx.Done():
		}
	}
	teardown()
	cp.timings.print()
	return code
}

// testTimeout is go test's -timeout (0: none).
func testTimeout() time.Duration {
	if !flag.Parsed() {
		flag.Parse()
	}
	f := flag.Lookup("test.timeout")
	if f == nil {
		return 0
	}
	d, _ := f.Value.(flag.Getter).Get().(time.Duration)
	return d
}

func newControlPlane() (*controlPlane, error) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return nil, err
	}
	bin := os.Getenv("E2E_BIN")
	if bin == "" {
		bin = filepath.Join(repo, "bin", "e2e")
	}
	for _, b := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "crossplane"} {
		if !exists(filepath.Join(bin, b)) {
			return nil, fmt.Errorf("%s not found: build the control-plane binaries with `make e2e-tools` (or set E2E_BIN)", filepath.Join(bin, b))
		}
	}
	fn := os.Getenv("FUNCTION_BIN")
	if fn == "" {
		fn = filepath.Join(repo, "bin", "function")
	}
	if !exists(fn) {
		return nil, fmt.Errorf("%s not found: build the function with `make function` (or set FUNCTION_BIN)", fn)
	}
	work := os.Getenv("E2E_WORK")
	if work == "" {
		work = filepath.Join(repo, "test", "e2e", "_work")
	}
	// The previous run's logs stay for inspection until the next run.
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	return &controlPlane{work: work, bin: bin, function: fn, repo: repo, sp: newSpawner(), timings: newTimings()}, nil
}

// dumpLogs prints the last lines of every component's log, for CI where the work directory is gone afterwards.
func (c *controlPlane) dumpLogs(lines int) {
	for _, p := range c.procs {
		f, err := os.Open(p.log)
		if err != nil {
			continue
		}
		var all []string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			all = append(all, sc.Text())
		}
		f.Close()
		if len(all) > lines {
			all = all[len(all)-lines:]
		}
		fmt.Printf("----- last %d lines of %s (pid %d) -----\n%s\n", len(all), p.log, p.pid(), strings.Join(all, "\n"))
	}
}

// timings records how long bring-up phases and scenarios take, for the summary at the end of the run.
type timings struct {
	mu    sync.Mutex
	start time.Time
	last  time.Time
	rows  []string
}

func newTimings() *timings { now := time.Now(); return &timings{start: now, last: now} }

// phase records the time since the previous phase.
func (t *timings) phase(name string) {
	t.mu.Lock()
	now := time.Now()
	d := now.Sub(t.last)
	t.last = now
	t.mu.Unlock()
	t.add(name, d)
}

func (t *timings) add(name string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	row := fmt.Sprintf("%8.2fs  %s", d.Seconds(), name)
	t.rows = append(t.rows, row)
	fmt.Println("e2e:", row)
}

func (t *timings) print() {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Println("e2e: timings")
	for _, r := range t.rows {
		fmt.Println("  ", r)
	}
}
