//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The chaos loop of issue 17.9, on demand only (`make e2e-chaos`; E2E_CHAOS=1, skipped otherwise): for
// CHAOS_DURATION (default 15m) a seed walk, the seed's teardown, a dev walk and the dev teardown repeat, each in a
// namespace of its own, while a killer SIGKILLs the function, Crossplane core or the API server (etcd keeps its
// data) at random moments and starts it again. The components come in shuffled rounds (each round every component
// once, in a random order), the gaps are random around the rate that gives CHAOS_MIN_KILLS kills per component
// (default 10 per 15 minutes, scaled), and a teardown that starts draws a kill within its first 8 s (a dev teardown
// lasts ~10 s). Everything random comes from one seed, printed; CHAOS_SEED=<n> replays the same components, gaps
// and down times (the moments still move with the machine's speed).
//
// Invariants, after each recovery and at the end of each phase:
//   - kept: during a walk, every composed resource seen so far still exists with its UID, is not being deleted
//     and its cloud resource was not deleted (the spec does not change during a walk, so it still wants them all);
//   - created once: per XR and composition resource name, the fake cloud saw one object (one UID) only;
//   - Usage order: at the end of each teardown, for every Usage, the used resource's deletion began only after its
//     user was gone (watch times; where a watch lost the user's deletion in a relist, the fake provider's sequence:
//     the used resource released after its user);
//   - Ready within CHAOS_READY_WITHIN (default 5m) of the last recovery (or of the walk's start): each walk, and
//     the last one again once the killer has stopped; a teardown likewise must finish in that time.

const chaosEnabledEnv = "E2E_CHAOS"

// chaosComponents are the components the killer kills, by their process names.
var chaosComponents = []string{"function", "crossplane", "kube-apiserver"}

type chaosConfig struct {
	duration    time.Duration
	seed        uint64
	minKills    int // per component
	readyWithin time.Duration
}

func chaosConfigFromEnv() (chaosConfig, error) {
	cfg := chaosConfig{duration: 15 * time.Minute, readyWithin: 5 * time.Minute, seed: uint64(time.Now().UnixNano())}
	var err error
	if s := os.Getenv("CHAOS_DURATION"); s != "" {
		if cfg.duration, err = time.ParseDuration(s); err != nil || cfg.duration <= 0 {
			return cfg, fmt.Errorf("CHAOS_DURATION=%q: want a positive Go duration such as 15m", s)
		}
	}
	if s := os.Getenv("CHAOS_READY_WITHIN"); s != "" {
		if cfg.readyWithin, err = time.ParseDuration(s); err != nil || cfg.readyWithin <= 0 {
			return cfg, fmt.Errorf("CHAOS_READY_WITHIN=%q: want a positive Go duration such as 5m", s)
		}
	}
	if s := os.Getenv("CHAOS_SEED"); s != "" {
		if cfg.seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return cfg, fmt.Errorf("CHAOS_SEED=%q: want the unsigned integer a previous run printed", s)
		}
	}
	// At least 10 kills per component in 15 minutes, proportionally for other durations (at least 1).
	cfg.minKills = max(1, int(10*cfg.duration/(15*time.Minute)))
	if s := os.Getenv("CHAOS_MIN_KILLS"); s != "" {
		if cfg.minKills, err = strconv.Atoi(s); err != nil || cfg.minKills < 0 {
			return cfg, fmt.Errorf("CHAOS_MIN_KILLS=%q: want a number of kills per component", s)
		}
	}
	return cfg, nil
}

// chaosKill is one kill the control plane survived.
type chaosKill struct {
	component string
	phase     string
	at        time.Duration // since the loop's start
	recovery  time.Duration // SIGKILL to serving again
}

// chaosPhase is what the workload is doing: walking an XR to Ready or tearing it down.
type chaosPhase struct {
	name     string // "seed walk #1", "dev teardown #2"
	x        *xr
	teardown bool
	obs      observations            // walk: what the providers report
	seen     map[string]seenResource // walk: every composed resource seen, by composition resource name
}

type seenResource struct {
	key objKey
	uid string
}

type chaos struct {
	t     *testing.T
	cfg   chaosConfig
	rng   *rand.Rand // the killer's only
	start time.Time

	mu           sync.Mutex
	phase        *chaosPhase
	xrs          []*xr
	kills        []chaosKill
	lastRecovery time.Time
	checks       map[string]int
	violations   []string
	phases       map[string]int // phase kind ("seed walk") → completed
	readyAfter   []string       // per walk: time from the last recovery (or start) to Ready
	maxReady     time.Duration
	observeErrs  int
	nudged       map[string]int // kind → rounds in which the walk handed a resource the fake provider had not seen

	teardownStarted chan struct{}
}

func (c *chaos) violate(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.mu.Lock()
	c.violations = append(c.violations, fmt.Sprintf("+%s %s", time.Since(c.start).Round(time.Second), msg))
	c.mu.Unlock()
	c.t.Errorf("chaos violation: %s", msg)
}

func (c *chaos) checked(invariant string, n int) {
	c.mu.Lock()
	c.checks[invariant] += n
	c.mu.Unlock()
}

func (c *chaos) setPhase(p *chaosPhase) {
	c.mu.Lock()
	c.phase = p
	c.mu.Unlock()
	fmt.Printf("chaos: +%s %s\n", time.Since(c.start).Round(time.Second), p.name)
}

func (c *chaos) current() (*chaosPhase, map[string]seenResource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase == nil {
		return nil, nil
	}
	seen := make(map[string]seenResource, len(c.phase.seen))
	for k, v := range c.phase.seen {
		seen[k] = v
	}
	return c.phase, seen
}

// since is the later of t and the last recovery: what "within readyWithin of the last recovery" counts from.
func (c *chaos) since(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastRecovery.After(t) {
		return c.lastRecovery
	}
	return t
}

func TestChaos(t *testing.T) {
	if os.Getenv(chaosEnabledEnv) != "1" {
		t.Skip("the chaos loop runs on demand only: make e2e-chaos (E2E_CHAOS=1)")
	}
	cfg, err := chaosConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t)
	c := &chaos{
		t: t, cfg: cfg, rng: rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15)), start: time.Now(),
		checks: map[string]int{}, phases: map[string]int{}, nudged: map[string]int{}, teardownStarted: make(chan struct{}, 1),
	}
	fmt.Printf("chaos: seed %d (CHAOS_SEED=%d replays it), duration %s, at least %d kills per component, Ready within %s of the last recovery\n",
		cfg.seed, cfg.seed, cfg.duration, cfg.minKills, cfg.readyWithin)
	env.fake.mu.Lock()
	env.fake.retryOutages = true
	env.fake.mu.Unlock()

	end := c.start.Add(cfg.duration)
	killerDone, workloadDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(killerDone)
		c.killer(ctx, end, workloadDone)
	}()
	last := c.workload(ctx, t, end)
	close(workloadDone) // before the end only after a violation
	<-killerDone
	// The killer has stopped: the XR in flight must be Ready within readyWithin of the last recovery.
	if last != nil && !last.teardown && ctx.Err() == nil {
		final := &chaosPhase{name: "final: " + last.name + " after the last recovery", x: last.x, obs: last.obs, seen: last.seen}
		c.mu.Lock()
		from := c.lastRecovery
		c.mu.Unlock()
		c.walk(ctx, final, from)
	}
	c.createdOnceAll(ctx)
	c.report(time.Since(c.start))
}

// workload repeats seed walk, seed teardown, dev walk, dev teardown until end, and returns the phase it ended in.
func (c *chaos) workload(ctx context.Context, t *testing.T, end time.Time) *chaosPhase {
	type ex struct {
		name string
		file string
		obs  observations
	}
	var exs []ex
	for _, name := range []string{"seed-production", "dev"} {
		e := exampleNamed(t, name)
		obs, err := loadObservations(e.observedDir)
		if err != nil {
			t.Fatal(err)
		}
		exs = append(exs, ex{name: strings.TrimSuffix(name, "-production"), file: e.file, obs: obs})
	}
	var last *chaosPhase
	for i := 1; ; i++ {
		for _, e := range exs {
			if time.Now().After(end) || ctx.Err() != nil {
				return last
			}
			x, err := c.createXR(ctx, t, e.file, fmt.Sprintf("chaos-%s-%d", e.name, i))
			if err != nil {
				c.violate("create the %s XR: %v", e.name, err)
				return last
			}
			last = &chaosPhase{name: fmt.Sprintf("%s walk #%d", e.name, i), x: x, obs: e.obs, seen: map[string]seenResource{}}
			if !c.walk(ctx, last, time.Now()) {
				return last
			}
			if time.Now().After(end) {
				return last
			}
			last = &chaosPhase{name: fmt.Sprintf("%s teardown #%d", e.name, i), x: x, teardown: true}
			if !c.teardown(ctx, last) {
				return last
			}
		}
	}
}

func (c *chaos) failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.violations) > 0
}

// createXR is env.createXR retried through outages.
func (c *chaos) createXR(ctx context.Context, t *testing.T, file, ns string) (*xr, error) {
	obj := readXR(t, file)
	obj.SetNamespace(ns)
	nsObj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
	err := poll(ctx, c.cfg.readyWithin, time.Second, func() (bool, error) {
		if _, err := env.kube.apply(ctx, nsObj); err != nil {
			return false, nil
		}
		_, err := env.kube.apply(ctx, obj)
		return err == nil, nil
	})
	if err != nil {
		return nil, err
	}
	x := &xr{cp: env, gvk: obj.GroupVersionKind(), ns: ns, name: obj.GetName()}
	c.mu.Lock()
	c.xrs = append(c.xrs, x)
	c.mu.Unlock()
	return x, nil
}

// walk plays the providers until the XR is Ready with every managed resource Ready, through whatever the killer
// does: every round reads the composed resources (retrying while the API server is away), reports every managed
// resource not Ready yet as created (observe), and notes each composed resource's UID. It reports false on a
// violation. start is when the walk's time runs from (its start; for the final check, the last recovery).
func (c *chaos) walk(ctx context.Context, p *chaosPhase, start time.Time) bool {
	c.setPhase(p)
	for {
		if ctx.Err() != nil {
			return false
		}
		if from := c.since(start); time.Since(from) > c.cfg.readyWithin {
			c.violate("%s: %s not Ready within %s of %s", p.name, p.x, c.cfg.readyWithin, c.sinceWhat(start, from))
			return false
		}
		u, composed, err := p.x.composed(ctx)
		if err != nil || u == nil {
			time.Sleep(time.Second)
			continue
		}
		c.mu.Lock()
		var replaced []string
		for rn, o := range composed {
			s, ok := p.seen[rn]
			switch {
			case !ok:
				p.seen[rn] = seenResource{key: keyOf(o), uid: string(o.GetUID())}
			case s.uid != string(o.GetUID()):
				replaced = append(replaced, fmt.Sprintf("%s (uid %s, was %s)", rn, o.GetUID(), s.uid))
			}
		}
		c.mu.Unlock()
		if len(replaced) > 0 {
			sort.Strings(replaced)
			c.violate("%s: composed resources replaced mid-walk: %s", p.name, strings.Join(replaced, ", "))
			return false
		}
		if refused := refusedResources(composed); len(refused) > 0 {
			c.violate("%s: the fake provider refused updates mid-walk: %v", p.name, refused)
			return false
		}
		// A provider reports a resource created only once it has reconciled it (its finalizer is on): the walk
		// observes only those. One without the fake provider's finalizer yet is handed to the fake provider
		// directly, as a provider's poll would find it: its informer may have lost the event in an outage.
		var todo, pending []string
		for rn, o := range composed {
			s, _, _ := condition(o, "Ready")
			switch {
			case !isManaged(o) || s == "True":
			case slices.Contains(o.GetFinalizers(), managedFinalizer):
				todo = append(todo, rn)
			default:
				pending = append(pending, rn)
				if time.Since(o.GetCreationTimestamp().Time) > 10*time.Second {
					c.nudge(o)
				}
			}
		}
		sort.Strings(todo)
		if len(todo) == 0 && len(pending) == 0 {
			if s, _, _ := condition(u, "Ready"); s == "True" {
				break
			}
		}
		if len(todo) > 0 {
			if err := p.x.observeAll(ctx, composed, todo, p.obs); err != nil {
				c.mu.Lock()
				c.observeErrs++
				c.mu.Unlock()
			}
		}
		time.Sleep(time.Second)
	}
	from := c.since(start)
	took := time.Since(from)
	c.mu.Lock()
	c.readyAfter = append(c.readyAfter, fmt.Sprintf("%s %s", p.name, took.Round(time.Second)))
	c.maxReady = max(c.maxReady, took)
	c.phases[phaseKind(p.name)]++
	n := len(p.seen)
	c.mu.Unlock()
	c.checked("Ready (walks) or gone (teardowns) within "+c.cfg.readyWithin.String()+" of the last recovery", 1)
	fmt.Printf("chaos: +%s %s: Ready %s after %s (walk %s, %d composed resources)\n", time.Since(c.start).Round(time.Second),
		p.name, took.Round(time.Second), c.sinceWhat(start, from), time.Since(start).Round(time.Second), n)
	c.checkInvariants(ctx, p, "end of "+p.name) // a violation is reported; the loop goes on with the teardown
	return true
}

// nudge queues a managed resource for the fake provider and counts it by kind.
func (c *chaos) nudge(o *unstructured.Unstructured) {
	select {
	case env.fake.queue <- keyOf(o):
	default:
	}
	c.mu.Lock()
	c.nudged[o.GetKind()]++
	c.mu.Unlock()
}

func (c *chaos) sinceWhat(start, from time.Time) string {
	if from.Equal(start) {
		return "the walk's start"
	}
	return fmt.Sprintf("the last recovery (+%s)", from.Sub(c.start).Round(time.Second))
}

func phaseKind(name string) string {
	name = strings.TrimPrefix(name, "final: ")
	if i := strings.Index(name, " #"); i >= 0 {
		return name[:i]
	}
	return name
}

// teardown deletes the XR and waits until it and everything it composed are gone, then checks the Usage order
// and that the providers handled each managed resource's deletion once.
func (c *chaos) teardown(ctx context.Context, p *chaosPhase) bool {
	var (
		composed map[string]*unstructured.Unstructured
		u        *unstructured.Unstructured
	)
	if err := poll(ctx, c.cfg.readyWithin, time.Second, func() (bool, error) {
		var err error
		u, composed, err = p.x.composed(ctx)
		return err == nil && u != nil, nil
	}); err != nil {
		c.violate("%s: cannot read %s before deleting it: %v", p.name, p.x, err)
		return false
	}
	var rec *chaosDeletions
	if err := poll(ctx, c.cfg.readyWithin, time.Second, func() (bool, error) {
		var err error
		rec, err = recordChaosDeletions(ctx, p.x.ns, composed)
		return err == nil, nil
	}); err != nil {
		c.violate("%s: cannot watch the deletions: %v", p.name, err)
		return false
	}
	defer rec.stop()
	c.setPhase(p)
	select {
	case c.teardownStarted <- struct{}{}:
	default:
	}
	start := time.Now()
	var left []string
	deleted := false
	lastPresent := map[string]time.Time{} // Kind/name → the start of the last read that found it (it existed then)
	err := poll(ctx, 20*time.Minute, 500*time.Millisecond, func() (bool, error) {
		if from := c.since(start); time.Since(from) > c.cfg.readyWithin {
			return false, fmt.Errorf("not gone within %s of %s; still there: %s", c.cfg.readyWithin, c.sinceWhat(start, from), strings.Join(left, ", "))
		}
		if !deleted {
			if err := p.x.delete(ctx); err != nil {
				return false, nil
			}
			deleted = true
		}
		left = left[:0]
		for _, rn := range sortedKeys(composed) {
			o := composed[rn]
			asked := time.Now()
			got, err := env.kube.get(ctx, o.GroupVersionKind(), o.GetNamespace(), o.GetName())
			if err != nil {
				return false, nil
			}
			if got != nil {
				left = append(left, rn)
				lastPresent[o.GetKind()+"/"+o.GetName()] = asked
				rec.sawDeletionTimestamp(got)
			}
		}
		got, err := p.x.get(ctx)
		return err == nil && got == nil && len(left) == 0, nil
	})
	if err != nil {
		c.violate("%s: %s: %v", p.name, p.x, err)
		return false
	}
	c.checked("Ready (walks) or gone (teardowns) within "+c.cfg.readyWithin.String()+" of the last recovery", 1)
	time.Sleep(time.Second) // the last watch events
	usages := usagesOf(composed)
	byWatch, bySeq, byServer, bad, unknown := rec.checkUsages(usages, env.fake.releases(p.x), lastPresent)
	for _, b := range bad {
		c.violate("%s: %s", p.name, b)
	}
	for _, u := range unknown {
		fmt.Printf("chaos: %s: unverified: %s\n", p.name, u)
	}
	c.checked("Usage order (Usages checked at the end of teardowns)", len(usages)-len(unknown))
	c.checked("Usage order unverifiable (not counted above; no violation)", len(unknown))
	c.mu.Lock()
	c.phases[phaseKind(p.name)]++
	c.mu.Unlock()
	managed := 0
	for _, o := range composed {
		if isManaged(o) {
			managed++
		}
	}
	if rel := env.fake.releases(p.x); len(rel) != managed {
		released := map[objKey]bool{}
		for _, e := range rel {
			released[e.Key] = true
		}
		var missing []string
		for _, rn := range sortedKeys(composed) {
			o := composed[rn]
			if isManaged(o) && !released[keyOf(o)] {
				e, ok := env.fake.lookup(keyOf(o))
				missing = append(missing, fmt.Sprintf("%s (%s; finalizers before the teardown %v; fake record %v created #%d ready #%d)",
					rn, keyOf(o), o.GetFinalizers(), ok, e.CreatedSeq, e.ReadySeq))
			}
		}
		c.violate("%s: the providers handled %d deletions; %s composed %d managed resources; not handled: %s",
			p.name, len(rel), p.x, managed, strings.Join(missing, "; "))
	}
	from := c.since(start)
	fmt.Printf("chaos: +%s %s: %d composed resources gone in %s (%s after %s), %d Usages in order (%d by watch times, %d by the provider's sequence, %d by deletionTimestamp and polled presence)\n",
		time.Since(c.start).Round(time.Second), p.name, len(composed), time.Since(start).Round(time.Second),
		time.Since(from).Round(time.Second), c.sinceWhat(start, from), len(usages)-len(bad)-len(unknown), byWatch, bySeq, byServer)
	fmt.Printf("chaos: %s: deletion order:%s\n", p.name, rec.order())
	c.checkInvariants(ctx, p, "end of "+p.name) // a violation is reported; the loop goes on with the next phase
	return true
}

// killer kills a component, waits until it serves again, checks the invariants, and repeats until end.
func (c *chaos) killer(ctx context.Context, end time.Time, workloadDone <-chan struct{}) {
	target := c.cfg.minKills + 1 // per component: a margin over the minimum
	var round []string
	var recoveries time.Duration
	for n := 0; ; n++ {
		// The mean gap that leaves room for target kills of each component in the time left, given how long a
		// recovery has taken so far; the gap is drawn uniformly from [0, 2·mean].
		left := time.Until(end)
		need := max(1, target*len(chaosComponents)-n)
		avgRecovery := 20 * time.Second
		if n > 0 {
			avgRecovery = recoveries / time.Duration(n)
		}
		mean := max(time.Second, left/time.Duration(need)-avgRecovery-2*time.Second)
		gap := time.Duration(c.rng.Int64N(int64(2 * mean)))
		down := time.Duration(c.rng.Int64N(int64(4 * time.Second)))
		teardownDelay := 500*time.Millisecond + time.Duration(c.rng.Int64N(int64(7500*time.Millisecond)))
		if len(round) == 0 {
			round = slices.Clone(chaosComponents)
			c.rng.Shuffle(len(round), func(i, j int) { round[i], round[j] = round[j], round[i] })
		}
		component := round[0]
		round = round[1:]

		timer := time.NewTimer(gap)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-workloadDone:
			timer.Stop()
			return
		case <-timer.C:
		case <-c.teardownStarted:
			timer.Stop()
			time.Sleep(teardownDelay)
		}
		if time.Now().After(end) {
			return
		}
		took, err := c.kill(ctx, component, down)
		recoveries += took
		if err != nil {
			c.violate("%v", err)
			return
		}
		// A real provider polls every managed resource (every minute by default), so an event lost in an outage
		// is healed by the next poll: the fake provider looks at everything it knows again.
		env.fake.resync()
		checkStart := time.Now()
		c.checkInvariants(ctx, nil, "after killing "+component)
		fmt.Printf("chaos: +%s invariants checked after kill #%d in %s\n", time.Since(c.start).Round(time.Second), n+1, time.Since(checkStart).Round(100*time.Millisecond))
	}
}

// kill SIGKILLs a component by its PID, keeps it down for down, starts it again (controlPlane.restart: same binary,
// arguments and environment) and waits until it serves.
func (c *chaos) kill(ctx context.Context, component string, down time.Duration) (time.Duration, error) {
	var p *process
	for _, q := range env.procs {
		if q.name == component || q.base == component {
			p = q
		}
	}
	if p == nil {
		return 0, fmt.Errorf("kill: no component %q", component)
	}
	if err := env.alive(); err != nil {
		return 0, fmt.Errorf("before killing %s: %w", component, err)
	}
	phase, _ := c.current()
	name := "setup"
	if phase != nil {
		name = phase.name
	}
	start := time.Now()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	ready := map[string]func() error{
		"function":       func() error { return env.waitTCP(ctx, functionAddress) },
		"crossplane":     func() error { return env.waitHTTP(ctx, crossplaneHealth, nil) },
		"kube-apiserver": func() error { return env.waitAPIServer(ctx) },
	}[component]
	err := env.restart(component, func() error { time.Sleep(down); return nil }, ready)
	took := time.Since(start)
	if err != nil {
		return took, fmt.Errorf("%s did not come back after SIGKILL during %s: %w", component, name, err)
	}
	c.mu.Lock()
	c.kills = append(c.kills, chaosKill{component: component, phase: name, at: start.Sub(c.start), recovery: took})
	c.lastRecovery = time.Now()
	n := len(c.kills)
	c.mu.Unlock()
	fmt.Printf("chaos: +%s kill #%d: %s (pid %d) SIGKILLed during %s, serving again after %s (down %s)\n",
		start.Sub(c.start).Round(time.Second), n, component, p.pid(), name, took.Round(100*time.Millisecond), down.Round(100*time.Millisecond))
	return took, nil
}

// checkInvariants checks what must hold after a recovery (p nil: the current phase) and reports false on a
// violation.
func (c *chaos) checkInvariants(ctx context.Context, p *chaosPhase, when string) bool {
	cur, seen := c.current()
	if p == nil {
		p = cur
	} else {
		c.mu.Lock()
		seen = make(map[string]seenResource, len(p.seen))
		for k, v := range p.seen {
			seen[k] = v
		}
		c.mu.Unlock()
	}
	if p == nil {
		return true
	}
	ok := true
	if !p.teardown {
		// Kept: a resource that reads as gone or deleting right after a restart is read again for 10 s.
		var bad []string
		for _, rn := range sortedKeys(seen) {
			s := seen[rn]
			var why string
			_ = poll(ctx, 10*time.Second, time.Second, func() (bool, error) {
				o, err := env.kube.get(ctx, s.key.GVK, s.key.Namespace, s.key.Name)
				switch {
				case err != nil:
					why = "cannot read it: " + err.Error()
				case o == nil:
					why = "gone"
				case string(o.GetUID()) != s.uid:
					why = "replaced (uid " + string(o.GetUID()) + ")"
				case o.GetDeletionTimestamp() != nil:
					why = "being deleted"
				default:
					why = ""
				}
				return why == "", nil
			})
			if why != "" {
				bad = append(bad, rn+" "+why)
			}
		}
		for _, e := range env.fake.releases(p.x) {
			bad = append(bad, fmt.Sprintf("%s deleted in the cloud (#%d)", e.Key, e.ReleasedSeq))
		}
		c.checked("kept (composed resources the spec wants, checked after recoveries and walks)", len(seen))
		if len(bad) > 0 {
			c.violate("%s, %s: %s", when, p.name, strings.Join(bad, "; "))
			ok = false
		}
	}
	if twice := createdTwice(p.x); len(twice) > 0 {
		c.violate("%s, %s: created twice: %s", when, p.name, strings.Join(twice, "; "))
		ok = false
	}
	c.checked("created once (XRs checked after recoveries and phases)", 1)
	return ok
}

// resync queues every managed resource the fake provider's informers hold, as a provider's poll reconciles each.
func (f *fakeProvider) resync() {
	for gvr := range f.gvrs {
		for _, obj := range f.factory.ForResource(gvr).Informer().GetStore().List() {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				select {
				case f.queue <- keyOf(u):
				default: // full: the workers are behind anyway
				}
			}
		}
	}
}

// createdTwice lists the composition resource names of an XR for which the fake cloud saw more than one object.
func createdTwice(x *xr) []string {
	env.fake.mu.Lock()
	defer env.fake.mu.Unlock()
	byName := map[string][]string{}
	for k, e := range env.fake.cloud {
		if k.Namespace != x.ns || e.Composite != x.name {
			continue
		}
		for _, uid := range e.UIDs {
			byName[e.ResourceName] = append(byName[e.ResourceName], k.GVK.Kind+"/"+k.Name+" uid "+uid)
		}
	}
	var out []string
	for _, rn := range sortedKeys(byName) {
		if objs := byName[rn]; len(objs) > 1 {
			sort.Strings(objs)
			out = append(out, fmt.Sprintf("%s: %s", rn, strings.Join(objs, ", ")))
		}
	}
	return out
}

func (c *chaos) createdOnceAll(ctx context.Context) {
	c.mu.Lock()
	xrs := slices.Clone(c.xrs)
	c.mu.Unlock()
	for _, x := range xrs {
		if twice := createdTwice(x); len(twice) > 0 {
			c.violate("end of the run, %s: created twice: %s", x, strings.Join(twice, "; "))
		}
		c.checked("created once (XRs checked after recoveries and phases)", 1)
	}
}

func (c *chaos) report(wall time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	per := map[string][]time.Duration{}
	phases := map[string]int{}
	for _, k := range c.kills {
		per[k.component] = append(per[k.component], k.recovery)
		phases[phaseKind(k.phase)]++
	}
	env.fake.mu.Lock()
	retries := env.fake.outageRetries
	env.fake.mu.Unlock()
	fmt.Printf("chaos: seed %d, duration %s, wall %s, %d XRs, fake provider retried %d calls through outages, %d observe rounds failed (retried)\n",
		c.cfg.seed, c.cfg.duration, wall.Round(time.Second), len(c.xrs), retries, c.observeErrs)
	fmt.Printf("chaos: managed resources the fake provider had not seen 10 s after their creation, handed to it by the walk (rounds, by kind): %s\n", mapString(c.nudged))
	fmt.Printf("chaos: kills survived: %d\n", len(c.kills))
	for _, comp := range chaosComponents {
		ds := per[comp]
		slices.Sort(ds)
		med, mx := time.Duration(0), time.Duration(0)
		if len(ds) > 0 {
			med, mx = ds[len(ds)/2], ds[len(ds)-1]
		}
		fmt.Printf("chaos:   %-15s %3d (recovery median %s, max %s)\n", comp, len(ds), med.Round(100*time.Millisecond), mx.Round(100*time.Millisecond))
		if len(ds) < c.cfg.minKills {
			c.t.Errorf("chaos: %s was killed %d times, fewer than %d", comp, len(ds), c.cfg.minKills)
		}
	}
	fmt.Printf("chaos: kills by phase: %s\n", mapString(phases))
	fmt.Printf("chaos: phases completed: %s\n", mapString(c.phases))
	fmt.Printf("chaos: Ready after the last recovery: max %s (%s)\n", c.maxReady.Round(time.Second), strings.Join(c.readyAfter, ", "))
	fmt.Println("chaos: invariants checked:")
	for _, k := range sortedKeys(c.checks) {
		fmt.Printf("chaos:   %6d  %s\n", c.checks[k], k)
	}
	fmt.Printf("chaos: violations: %d\n", len(c.violations))
	for _, v := range c.violations {
		fmt.Printf("chaos:   %s\n", v)
	}
	env.timings.add(fmt.Sprintf("chaos: %d kills (%s), %d violations", len(c.kills), mapString(map[string]int{
		"function": len(per["function"]), "crossplane": len(per["crossplane"]), "kube-apiserver": len(per["kube-apiserver"]),
	}), len(c.violations)), wall)
}

func mapString(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// chaosDeletions is deletionRecorder for a teardown under chaos (whose late marks the tombstones a relist after an
// API server kill delivers: their time says nothing about the order), with the deletionTimestamp the API server set.
type chaosDeletions struct {
	*deletionRecorder
	dt map[string]time.Time // the deletionTimestamp the API server set (whole seconds)
}

func recordChaosDeletions(ctx context.Context, ns string, objs map[string]*unstructured.Unstructured) (*chaosDeletions, error) {
	r := &chaosDeletions{deletionRecorder: newDeletionRecorder(), dt: map[string]time.Time{}}
	var err error
	r.watching, err = env.watchKinds(ctx, ns, objs, r.saw)
	return r, err
}

func (r *chaosDeletions) saw(obj any, deleted bool) {
	if u, _ := watchedObject(obj); u != nil {
		r.sawDeletionTimestamp(u)
	}
	r.deletionRecorder.saw(obj, deleted)
}

// sawDeletionTimestamp notes the API server's deletionTimestamp of an object, from a watch event or a read.
func (r *chaosDeletions) sawDeletionTimestamp(u *unstructured.Unstructured) {
	if ts := u.GetDeletionTimestamp(); ts != nil {
		r.mu.Lock()
		k := u.GetKind() + "/" + u.GetName()
		if _, ok := r.dt[k]; !ok {
			r.dt[k] = ts.Time
		}
		r.mu.Unlock()
	}
}

// checkUsages checks each Usage's order: by watch times when the user's deletion was seen as it happened; else by
// the fake provider's sequence (the used resource released after its user; both managed); else by server time: the
// used resource's deletionTimestamp (whole seconds, so +1 s) must not precede the start of a read that still found
// the user (lastPresent). It returns how many were checked each way and the broken ones.
// A Usage none of the three can tell (no deletionTimestamp seen for the used resource) is returned in unknown.
func (r *chaosDeletions) checkUsages(usages []usage, releases []external, lastPresent map[string]time.Time) (byWatch, bySeq, byServer int, bad, unknown []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seq := map[string]int{}
	for _, e := range releases {
		seq[e.Key.GVK.Kind+"/"+e.Key.Name] = e.ReleasedSeq
	}
	for _, u := range usages {
		byGone, ok1 := r.gone[u.by]
		ofBegan, ok2 := r.began[u.of]
		switch {
		case !ok1 && seq[u.by] == 0:
			bad = append(bad, fmt.Sprintf("Usage %s: %s (the user) was never deleted", u.name, u.by))
		case !ok2 && seq[u.of] == 0:
			bad = append(bad, fmt.Sprintf("Usage %s: %s (the used) was never deleted", u.name, u.of))
		case ok1 && ok2 && !r.late[u.by]:
			byWatch++
			if ofBegan.Before(byGone) {
				bad = append(bad, fmt.Sprintf("Usage %s: deleting %s began %s before %s was gone", u.name, u.of, byGone.Sub(ofBegan).Round(time.Millisecond), u.by))
			}
		case seq[u.by] > 0 && seq[u.of] > 0:
			bySeq++
			if seq[u.of] < seq[u.by] {
				bad = append(bad, fmt.Sprintf("Usage %s: the provider released %s (#%d) before its user %s (#%d)", u.name, u.of, seq[u.of], u.by, seq[u.by]))
			}
		case !r.dt[u.of].IsZero():
			byServer++
			if p, ok := lastPresent[u.by]; ok && r.dt[u.of].Add(time.Second).Before(p) {
				bad = append(bad, fmt.Sprintf("Usage %s: the API server began deleting %s at %s; %s still existed at %s",
					u.name, u.of, r.dt[u.of].Format(time.RFC3339), u.by, p.Format(time.RFC3339Nano)))
			}
		default:
			unknown = append(unknown, fmt.Sprintf("Usage %s: the order of %s and %s cannot be told (a watch lost it, one is not managed, no deletionTimestamp seen)", u.name, u.of, u.by))
		}
	}
	return byWatch, bySeq, byServer, bad, unknown
}
