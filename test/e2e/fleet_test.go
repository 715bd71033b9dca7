//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFleet (issue 18, `make fleet`; skipped unless FLEET=1) measures what environments cost the control plane.
// For each size in FLEET_N (cumulative: "1,3" files one dev environment, measures, then files two more) the new
// environments are filed at once, walked to Ready by the fake provider, and all of them left at rest for
// FLEET_REST. Requests are attributed per API-server user (identities_test.go) from the audit log; etcd writes come
// from etcd's own metrics. FLEET_TTL=1m runs the function with the fixed one-minute TTL it had before the adaptive
// one (--fixed-ttl), for the before/after comparison.
func TestFleet(t *testing.T) {
	if os.Getenv("FLEET") == "" {
		t.Skip("make fleet (FLEET=1) runs this")
	}
	ctx := ctxFor(t)
	sizes, err := fleetSizes(os.Getenv("FLEET_N"))
	if err != nil {
		t.Fatal(err)
	}
	rest := 2 * time.Minute
	if v := os.Getenv("FLEET_REST"); v != "" {
		if rest, err = time.ParseDuration(v); err != nil {
			t.Fatalf("FLEET_REST: %v", err)
		}
	}
	// recommended: Crossplane core with examples/install/crossplane-values.yaml's args as shipped; defaults:
	// E2E_CROSSPLANE_DEFAULTS=1 started it with Crossplane's own.
	config := "recommended"
	if os.Getenv("E2E_CROSSPLANE_DEFAULTS") != "" {
		config = "defaults"
	} else {
		restore, err := env.withShippedArgs(ctx, "fleet")
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := restore(); err != nil {
				t.Error(err)
			}
		}()
	}
	if ttl := os.Getenv("FLEET_TTL"); ttl != "" {
		if err := env.restartWith("function", func(a []string) []string { return append(a, "--fixed-ttl="+ttl) },
			func() error { return nil }, func() error { return env.waitTCP(ctx, functionAddress) }); err != nil {
			t.Fatal(err)
		}
		config += "-ttl" + ttl
	}
	ex := exampleNamed(t, "dev")
	obs, err := loadObservations(ex.observedDir)
	if err != nil {
		t.Fatal(err)
	}
	var (
		xrs  []*xr
		rows []fleetRow
	)
	for _, n := range sizes {
		start := snapshotFleet(ctx, t)
		filed := time.Now()
		for i := len(xrs); i < n; i++ {
			xrs = append(xrs, env.createXR(ctx, t, ex.file, fmt.Sprintf("fleet-%02d", i+1)))
		}
		if err := walkFleet(ctx, xrs, obs, 20*time.Minute); err != nil {
			t.Fatal(err)
		}
		ready := time.Since(filed)
		// The reconciles the last observations started end first: rest begins once no RunFunction call has
		// come for fleetQuiet.
		settled, err := settleFleet(ctx, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("fleet N=%d: Ready %s after filing, quiet %s later\n", n, ready.Round(time.Second), settled.Round(time.Second))
		atReady := snapshotFleet(ctx, t)
		time.Sleep(rest)
		atRest := snapshotFleet(ctx, t)
		row := fleetRow{config: config, envs: n, ready: ready, rest: rest, walk: atReady.minus(start), atRest: atRest.minus(atReady), peak: atRest}
		row.objects, row.dbBytes = atRest.etcdKeys, atRest.etcdDBBytes
		rows = append(rows, row)
		fmt.Println(row.detail())
	}
	fmt.Println(fleetTable(rows))
	fmt.Println(rows[len(rows)-1].summary())
	env.timings.add("fleet: "+rows[len(rows)-1].summary(), 0)
}

// fleetQuiet is how long no RunFunction call may come before the fleet counts as at rest.
const fleetQuiet = 20 * time.Second

// settleFleet waits until Crossplane has called the function for fleetQuiet no more, and says how long that took.
func settleFleet(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	last, since := -1, time.Now()
	err := poll(ctx, timeout, time.Second, func() (bool, error) {
		n, err := functionRequests(ctx)
		if err != nil {
			return false, nil
		}
		if n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) >= fleetQuiet, nil
	})
	return time.Since(start) - fleetQuiet, err
}

// fleetSizes parses FLEET_N ("1,3"; cumulative and increasing).
func fleetSizes(s string) ([]int, error) {
	if s == "" {
		s = "1,3"
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, fmt.Errorf("FLEET_N=%q: want increasing sizes such as 1,3,5", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// walkFleet plays the providers for every XR until all are Ready: each round reports every managed resource the
// fake provider has taken on (its finalizer is on) and that is not Ready yet as created, as the provider of each
// would once the cloud answers.
func walkFleet(ctx context.Context, xrs []*xr, obs observations, timeout time.Duration) error {
	end := time.Now().Add(timeout)
	for {
		notReady := 0
		for _, x := range xrs {
			u, composed, err := x.composed(ctx)
			if err != nil || u == nil {
				notReady++
				continue
			}
			var todo []string
			for rn, o := range composed {
				if s, _, _ := condition(o, "Ready"); isManaged(o) && s != "True" && slices.Contains(o.GetFinalizers(), managedFinalizer) {
					todo = append(todo, rn)
				}
			}
			sort.Strings(todo)
			if s, _, _ := condition(u, "Ready"); s != "True" || len(todo) > 0 {
				notReady++
			}
			if len(todo) > 0 {
				_ = x.observeAll(ctx, composed, todo, obs) // the next round retries
			}
		}
		if notReady == 0 {
			return nil
		}
		if time.Now().After(end) {
			return fmt.Errorf("%d of %d environments not Ready within %s", notReady, len(xrs), timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// fleetSnapshot is the control plane's counters at one moment.
type fleetSnapshot struct {
	at                    time.Time
	xrReconciles, fnCalls int
	breakerDrops          int
	cpu                   map[string]float64 // seconds, per component
	rss                   map[string]int     // peak RSS (VmHWM), KiB, per component
	etcdPuts, etcdDeletes int
	etcdKeys, etcdDBBytes int
	requests              map[string]int // audit log: "user verb resource" -> requests
}

var fleetComponents = []string{"crossplane", "function", "kube-apiserver", "etcd"}

func snapshotFleet(ctx context.Context, t *testing.T) fleetSnapshot {
	t.Helper()
	s := fleetSnapshot{at: time.Now(), cpu: map[string]float64{}, rss: map[string]int{}}
	var err error
	if s.xrReconciles, err = xrReconciles(ctx); err != nil {
		t.Fatal(err)
	}
	if s.fnCalls, err = functionRequests(ctx); err != nil {
		t.Fatal(err)
	}
	if _, s.breakerDrops, err = breakerStats(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range fleetComponents {
		p := env.process(c)
		if p == nil {
			t.Fatalf("no %s process", c)
		}
		s.cpu[c], s.rss[c] = procCPU(p.pid()), procPeakRSS(p.pid())
	}
	m, err := scrape(ctx, etcdURL+"/metrics")
	if err != nil {
		t.Fatal(err)
	}
	s.etcdPuts, s.etcdDeletes = int(m["etcd_mvcc_put_total"]), int(m["etcd_mvcc_delete_total"])
	s.etcdKeys, s.etcdDBBytes = int(m["etcd_debugging_mvcc_keys_total"]), int(m["etcd_mvcc_db_total_size_in_use_in_bytes"])
	s.requests = auditCounts(filepath.Join(env.work, auditLog), s.at)
	return s
}

// minus is the difference of two snapshots (the later one receives).
func (s fleetSnapshot) minus(b fleetSnapshot) fleetSnapshot {
	d := fleetSnapshot{at: s.at, cpu: map[string]float64{}, rss: s.rss, requests: map[string]int{}}
	d.xrReconciles, d.fnCalls, d.breakerDrops = s.xrReconciles-b.xrReconciles, s.fnCalls-b.fnCalls, s.breakerDrops-b.breakerDrops
	for c, v := range s.cpu {
		d.cpu[c] = v - b.cpu[c]
	}
	d.etcdPuts, d.etcdDeletes = s.etcdPuts-b.etcdPuts, s.etcdDeletes-b.etcdDeletes
	for k, v := range s.requests {
		if n := v - b.requests[k]; n != 0 {
			d.requests[k] = n
		}
	}
	return d
}

// mutating sums user's create, update, patch and delete requests.
func (s fleetSnapshot) mutating(user string) int {
	n := 0
	for k, c := range s.requests {
		if f := strings.Fields(k); len(f) >= 2 && f[0] == user && isMutating(f[1]) {
			n += c
		}
	}
	return n
}

func isMutating(verb string) bool {
	return slices.Contains([]string{"create", "update", "patch", "delete", "deletecollection"}, verb)
}

// topMutating lists user's mutating requests by verb and resource, most first (at most five).
func (s fleetSnapshot) topMutating(user string) string {
	type kv struct {
		k string
		n int
	}
	var l []kv
	for k, c := range s.requests {
		if f := strings.Fields(k); len(f) >= 2 && f[0] == user && isMutating(f[1]) {
			l = append(l, kv{strings.Join(f[1:], " "), c})
		}
	}
	sort.Slice(l, func(i, j int) bool { return l[i].n > l[j].n || l[i].n == l[j].n && l[i].k < l[j].k })
	var out []string
	for i := 0; i < len(l) && i < 5; i++ {
		out = append(out, fmt.Sprintf("%s %d", l[i].k, l[i].n))
	}
	return strings.Join(out, ", ")
}

// process is the running process of a component (by its first name: restarts carry a number).
func (c *controlPlane) process(name string) *process {
	for _, p := range c.procs {
		if p.name == name || p.base == name {
			return p
		}
	}
	return nil
}

// procCPU is a process's user and system CPU time in seconds (/proc/<pid>/stat; clock ticks of 1/100 s).
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	sy, _ := strconv.ParseFloat(f[12], 64)
	return (u + sy) / 100
}

// procPeakRSS is a process's peak resident set (VmHWM) in KiB.
func procPeakRSS(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return 0
}

// scrape reads a Prometheus text endpoint into metric name -> sum over its series.
func scrape(ctx context.Context, url string) (map[string]float64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer rsp.Body.Close()
	b, err := io.ReadAll(rsp.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		name := l[:strings.IndexAny(l, "{ ")]
		v, err := strconv.ParseFloat(l[strings.LastIndexByte(l, ' ')+1:], 64)
		if err == nil {
			out[name] += v
		}
	}
	return out, nil
}

// auditCounts counts the audit log's requests per "user verb resource" up to (and including) before.
func auditCounts(path string, before time.Time) map[string]int {
	out := map[string]int{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e struct {
			Stage          string                    `json:"stage"`
			Verb           string                    `json:"verb"`
			User           struct{ Username string } `json:"user"`
			StageTimestamp time.Time                 `json:"stageTimestamp"`
			ObjectRef      struct{ Resource string } `json:"objectRef"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Stage != "ResponseComplete" || e.StageTimestamp.After(before) {
			continue
		}
		out[e.User.Username+" "+e.Verb+" "+e.ObjectRef.Resource]++
	}
	return out
}

// fleetRow is one fleet size's measurements.
type fleetRow struct {
	config           string
	envs             int
	ready, rest      time.Duration
	walk, atRest     fleetSnapshot // differences over the walk and over the rest
	peak             fleetSnapshot // counters at the end (peak RSS)
	objects, dbBytes int
}

func (r fleetRow) perEnvMin(n int) float64 { return float64(n) / float64(r.envs) / r.rest.Minutes() }

func (r fleetRow) summary() string {
	return fmt.Sprintf("config=%s fleet_envs=%d ready_s=%.0f rest_patch_requests_per_env_min=%.1f rest_etcd_writes_per_env_min=%.1f rest_function_calls_per_env_min=%.2f crossplane_cpu_s_per_env_min=%.3f breaker_drops=%d",
		r.config, r.envs, r.ready.Seconds(), r.perEnvMin(r.atRest.mutating(userCrossplane)),
		r.perEnvMin(r.atRest.etcdPuts+r.atRest.etcdDeletes), r.perEnvMin(r.atRest.fnCalls),
		r.atRest.cpu["crossplane"]/float64(r.envs)/r.rest.Minutes(), r.walk.breakerDrops+r.atRest.breakerDrops)
}

func (r fleetRow) detail() string {
	users := func(s fleetSnapshot) string {
		var out []string
		for _, u := range []string{userCrossplane, userFakeProvider, userAdmin, userControllerManager} {
			out = append(out, fmt.Sprintf("%s %d mutating (%s)", u, s.mutating(u), s.topMutating(u)))
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprintf("fleet %s N=%d: Ready in %s; walk: %d XR reconciles, %d function calls, function CPU %.1f s, Crossplane CPU %.1f s, API server CPU %.1f s, etcd %d writes; requests: %s\n"+
		"fleet %s N=%d: rest %s: %d XR reconciles, %d function calls, Crossplane CPU %.2f s, API server CPU %.2f s, etcd %d writes; requests: %s\n"+
		"fleet %s N=%d: peak RSS Crossplane %d MiB, function %d MiB, API server %d MiB, etcd %d MiB; etcd %d keys, %.1f MiB in use",
		r.config, r.envs, r.ready.Round(time.Second), r.walk.xrReconciles, r.walk.fnCalls, r.walk.cpu["function"], r.walk.cpu["crossplane"], r.walk.cpu["kube-apiserver"], r.walk.etcdPuts+r.walk.etcdDeletes, users(r.walk),
		r.config, r.envs, r.rest, r.atRest.xrReconciles, r.atRest.fnCalls, r.atRest.cpu["crossplane"], r.atRest.cpu["kube-apiserver"], r.atRest.etcdPuts+r.atRest.etcdDeletes, users(r.atRest),
		r.config, r.envs, r.peak.rss["crossplane"]/1024, r.peak.rss["function"]/1024, r.peak.rss["kube-apiserver"]/1024, r.peak.rss["etcd"]/1024, r.objects, float64(r.dbBytes)/(1<<20))
}

// fleetTable is the rows as one table: per environment per minute at rest.
func fleetTable(rows []fleetRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %4s %8s %10s %9s %12s %12s %12s %11s %11s %9s %9s %8s\n", "config", "envs", "ready_s", "reconciles", "fn_calls",
		"rest_xp_mut", "rest_etcd_w", "rest_fn", "rest_xp_cpu", "rest_api_cpu", "xp_rss_M", "keys/env", "drops")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-16s %4d %8.0f %10d %9d %12.1f %12.1f %12.2f %11.3f %11.3f %9d %9d %8d\n", r.config, r.envs, r.ready.Seconds(),
			r.walk.xrReconciles, r.walk.fnCalls, r.perEnvMin(r.atRest.mutating(userCrossplane)), r.perEnvMin(r.atRest.etcdPuts+r.atRest.etcdDeletes),
			r.perEnvMin(r.atRest.fnCalls), r.atRest.cpu["crossplane"]/float64(r.envs)/r.rest.Minutes(), r.atRest.cpu["kube-apiserver"]/float64(r.envs)/r.rest.Minutes(),
			r.peak.rss["crossplane"]/1024, r.objects/r.envs, r.walk.breakerDrops+r.atRest.breakerDrops)
	}
	b.WriteString("per environment per minute at rest: rest_xp_mut = Crossplane's create/update/patch/delete requests, rest_etcd_w = etcd puts+deletes, rest_fn = RunFunction calls, rest_*_cpu = CPU seconds")
	return b.String()
}
