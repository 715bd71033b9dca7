//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// defaultBudget is the suite's time budget (issue 17.10): bring-up, every scenario and teardown, as the parent
// process outside the network namespace measures the child. E2E_BUDGET overrides it (a Go duration; 0 turns the
// check off).
const defaultBudget = 25 * time.Minute

func suiteBudget() (time.Duration, error) {
	s := os.Getenv("E2E_BUDGET")
	if s == "" {
		return defaultBudget, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("E2E_BUDGET=%q: %w", s, err)
	}
	return d, nil
}

// topLevelResult matches go test -v's line for a finished top-level test (subtests are indented).
var topLevelResult = regexp.MustCompile(`^--- (PASS|FAIL|SKIP): (Test\S*) \(([0-9.]+)s\)$`)

type scenarioTime struct {
	name, result string
	d            time.Duration
}

// scenarioClock passes the child's standard output through and notes every top-level test's result and time.
type scenarioClock struct {
	out  io.Writer
	mu   sync.Mutex
	line []byte
	rows []scenarioTime
}

func newScenarioClock(out io.Writer) *scenarioClock { return &scenarioClock{out: out} }

func (c *scenarioClock) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rest := p
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			c.line = append(c.line, rest...)
			break
		}
		c.line = append(c.line, rest[:i]...)
		c.note(string(c.line))
		c.line = c.line[:0]
		rest = rest[i+1:]
	}
	return c.out.Write(p)
}

func (c *scenarioClock) note(line string) {
	m := topLevelResult.FindStringSubmatch(strings.TrimRight(line, "\r"))
	if m == nil {
		return
	}
	var secs float64
	if _, err := fmt.Sscanf(m[3], "%g", &secs); err != nil {
		return
	}
	c.rows = append(c.rows, scenarioTime{name: m[2], result: m[1], d: time.Duration(secs * float64(time.Second))})
}

// finish prints a line per scenario and the suite's total against its budget, and returns the exit code: code,
// or 1 when the suite passed but took longer than its budget.
func (c *scenarioClock) finish(total, budget time.Duration, code int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.line) > 0 {
		c.note(string(c.line))
	}
	var sum time.Duration
	fmt.Fprintln(c.out, "e2e: scenario times")
	for _, r := range c.rows {
		sum += r.d
		fmt.Fprintf(c.out, "e2e:   %8.1fs  %-4s  %s\n", r.d.Seconds(), r.result, r.name)
	}
	fmt.Fprintf(c.out, "e2e: suite %.1fs: scenarios %.1fs, bring-up and teardown %.1fs; budget %s\n",
		total.Seconds(), sum.Seconds(), (total - sum).Seconds(), budgetString(budget))
	if budget > 0 && total > budget {
		fmt.Fprintf(c.out, "e2e: FAIL: the suite took %s, over its budget of %s (issue 17.10; E2E_BUDGET overrides it)\n",
			total.Round(time.Second), budget)
		if code == 0 {
			code = 1
		}
	}
	return code
}

func budgetString(b time.Duration) string {
	if b <= 0 {
		return "off"
	}
	return b.String()
}

func TestScenarioClock(t *testing.T) {
	var out bytes.Buffer
	c := newScenarioClock(&out)
	// Written in odd chunks, as a pipe delivers them.
	for _, chunk := range []string{
		"=== RUN   TestSeedProduction\n    --- PASS: TestSeedProduction/walk (190.20s)\n--- PA",
		"SS: TestSeedProduction (301.50s)\n=== RUN   TestDevTeardown\n",
		"--- FAIL: TestDevTeardown (140.00s)\n--- SKIP: TestX (0.00s)\nPASS\n",
	} {
		if _, err := c.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	want := []scenarioTime{
		{"TestSeedProduction", "PASS", 301500 * time.Millisecond},
		{"TestDevTeardown", "FAIL", 140 * time.Second},
		{"TestX", "SKIP", 0},
	}
	if fmt.Sprint(c.rows) != fmt.Sprint(want) {
		t.Errorf("rows %v, want %v", c.rows, want)
	}
	if got := c.finish(10*time.Minute, 25*time.Minute, 0); got != 0 {
		t.Errorf("within budget: exit code %d, want 0", got)
	}
	if !strings.Contains(out.String(), "e2e:      301.5s  PASS  TestSeedProduction\n") ||
		!strings.Contains(out.String(), "e2e: suite 600.0s: scenarios 441.5s, bring-up and teardown 158.5s; budget 25m0s\n") {
		t.Errorf("summary:\n%s", out.String())
	}
	if got := c.finish(26*time.Minute, 25*time.Minute, 0); got != 1 {
		t.Errorf("over budget: exit code %d, want 1", got)
	}
	if got := c.finish(26*time.Minute, 25*time.Minute, 3); got != 3 {
		t.Errorf("over budget after a failure: exit code %d, want the failure's 3", got)
	}
	if got := c.finish(26*time.Minute, 0, 0); got != 0 {
		t.Errorf("budget off: exit code %d, want 0", got)
	}
}
