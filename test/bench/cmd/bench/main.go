// Command bench is `make bench`: it measures the built function over loopback gRPC against an echo server
// (the protobuf/transport floor) and against function-patch-and-transform v0.5.0 running, per stage, a
// Composition generated from our golden render of that stage, merges the Go benchmarks' output, and prints one table (also written
// to --out). Everything is read at run time — the example, its observed stages and its golden render — so a
// rerun measures the tree as it is.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cloudpartner/platform-environment/test/bench"
)

type options struct {
	root, example                 string
	function, echo, peer, gobench string
	out, work                     string
	requests, rounds, warmup      int
	concurrency                   []int
}

// server is one FunctionRunnerService process under load.
type server struct {
	name   string
	method string
	cmd    *exec.Cmd
	conn   *grpc.ClientConn
}

// start runs bin on a free loopback port and dials it.
func start(ctx context.Context, name, method, bin, logPath string, args ...string) (*server, error) {
	var lastErr error
	for range 5 {
		addr, err := freePort()
		if err != nil {
			return nil, err
		}
		logf, err := os.Create(logPath) //nolint:gosec // under the work directory.
		if err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, bin, append([]string{"--insecure", "--address=" + addr}, args...)...) //nolint:gosec // binaries make built.
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			_ = logf.Close()
			return nil, fmt.Errorf("start %s: %w", name, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait(); _ = logf.Close() }()
		if err := waitListening(addr, exited); err != nil {
			_ = cmd.Process.Kill()
			out, _ := os.ReadFile(logPath) //nolint:gosec // ours.
			lastErr = fmt.Errorf("%s did not start: %w\n%s", name, err, out)
			continue // the port may have been taken between freePort and the server's listen
		}
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(64<<20)))
		if err != nil {
			_ = cmd.Process.Kill()
			return nil, err
		}
		return &server{name: name, method: method, cmd: cmd, conn: conn}, nil
	}
	return nil, lastErr
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close() //nolint:errcheck // only its port is used.
	return l.Addr().String(), nil
}

func waitListening(addr string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("exited: %v", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("not listening after 30s")
}

func (s *server) stop() {
	_ = s.conn.Close()
	_ = s.cmd.Process.Kill()
}

// call sends one request and returns the decoded answer, failing on a Fatal result.
func (s *server) call(ctx context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	rsp := &fnv1.RunFunctionResponse{}
	if err := bench.Call(ctx, s.conn, s.method, req, rsp); err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return nil, fmt.Errorf("%s answered with a Fatal result: %s", s.name, r.GetMessage())
		}
	}
	return rsp, nil
}

func desiredObjects(rsp *fnv1.RunFunctionResponse) map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, r := range rsp.GetDesired().GetResources() {
		out[name] = r.GetResource().AsMap()
	}
	return out
}

// stage is one request under load.
type stage struct {
	name      string
	req       *fnv1.RunFunctionRequest
	raw       bench.Raw
	golden    string           // test/golden/<example>/<stage>.yaml: our render of this request
	peerIn    *bench.PeerInput // the peer's Composition, generated from golden
	peerReq   *fnv1.RunFunctionRequest
	peerRaw   bench.Raw
	resources int // composed resources our function desires
}

func main() {
	var o options
	var conc string
	flag.StringVar(&o.root, "root", ".", "Repository root.")
	flag.StringVar(&o.example, "example", "seed-production", "Example under examples/ (with test/observed/<example>/ready.yaml and test/golden/<example>/ready.yaml).")
	flag.StringVar(&o.function, "function", "bin/function", "Our function's binary.")
	flag.StringVar(&o.echo, "echo", "bin/bench-echo", "The echo server's binary.")
	flag.StringVar(&o.peer, "peer", "bin/function-patch-and-transform", "function-patch-and-transform's binary.")
	flag.StringVar(&o.gobench, "gobench", "", "Output of `go test -bench BenchmarkRunFunction -benchmem` to merge into the table.")
	flag.StringVar(&o.out, "out", "_output/bench.txt", "Where to write the table.")
	flag.StringVar(&o.work, "work", "_output/bench", "Work directory (responses, server logs).")
	flag.IntVar(&o.requests, "requests", 200, "Requests per server, stage and concurrency.")
	flag.IntVar(&o.rounds, "rounds", 4, "Rounds the requests are split into, interleaving the servers so load from elsewhere hits all alike.")
	flag.IntVar(&o.warmup, "warmup", 8, "Warm-up requests per connection slot before measuring.")
	flag.StringVar(&conc, "concurrency", "1,16", "Concurrency levels.")
	flag.Parse()
	for _, c := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bad --concurrency %q\n", conc)
			os.Exit(2)
		}
		o.concurrency = append(o.concurrency, n)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error { //nolint:gocyclo // one linear script, easier to read whole.
	loadStart := bench.LoadAverage()
	if err := os.MkdirAll(filepath.Join(o.work, "echo"), 0o755); err != nil {
		return err
	}
	path := func(p ...string) string { return filepath.Join(append([]string{o.root}, p...)...) }
	xrd := path("apis", "definition.yaml")
	example := path("examples", o.example+".yaml")
	observedReady := path("test", "observed", o.example, "ready.yaml")

	// The two requests: first reconcile and fully observed, as crossplane render sends them, each with the
	// golden the golden test renders from it (empty.yaml: nothing observed).
	var stages []*stage
	for _, s := range []struct{ name, observed, golden string }{
		{"first", "", path("test", "golden", o.example, "empty.yaml")},
		{"ready", observedReady, path("test", "golden", o.example, "ready.yaml")},
	} {
		req, err := bench.Request(xrd, example, s.observed)
		if err != nil {
			return err
		}
		raw, err := proto.Marshal(req)
		if err != nil {
			return err
		}
		stages = append(stages, &stage{name: s.name, req: req, raw: raw, golden: s.golden})
	}
	if len(stages[0].req.GetObserved().GetResources()) == len(stages[1].req.GetObserved().GetResources()) {
		return errors.New("the stages observe the same number of resources: the echo server could not tell them apart")
	}

	// The peer's Composition per stage, generated from our golden render of that stage: the peer renders
	// what we render (for the seed, 110 resources at the first reconcile and 270 fully observed), so each
	// stage compares the cost of the same output. A P&T Composition has no gates, so one generated from the
	// fully observed render would render all of them at the first reconcile, against our fraction.
	for _, s := range stages {
		golden, err := bench.ReadStream(s.golden)
		if err != nil {
			return err
		}
		if s.peerIn, err = bench.NewPeerInput(golden, s.req.GetObserved().GetComposite().GetResource().AsMap()); err != nil {
			return err
		}
		input, err := structpb.NewStruct(s.peerIn.Input)
		if err != nil {
			return fmt.Errorf("the peer's input (%s): %w", s.name, err)
		}
		pr := proto.Clone(s.req).(*fnv1.RunFunctionRequest)
		pr.Input = input
		s.peerReq = pr
		if s.peerRaw, err = proto.Marshal(pr); err != nil {
			return err
		}
	}

	// Ours: the reference answers, and two consecutive renders of each request compared byte for byte.
	ours, err := start(ctx, "ours", bench.MethodV1, o.function, filepath.Join(o.work, "function.log"), "--metrics-address=")
	if err != nil {
		return err
	}
	defer ours.stop()
	identical := true
	answers := map[string]*fnv1.RunFunctionResponse{}
	for _, s := range stages {
		var prev []byte
		for i := range 2 {
			rsp, err := ours.call(ctx, s.req)
			if err != nil {
				return err
			}
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(rsp)
			if err != nil {
				return err
			}
			if i == 1 && !bytes.Equal(prev, b) {
				identical = false
			}
			prev = b
			answers[s.name] = rsp
		}
		s.resources = len(answers[s.name].GetDesired().GetResources())
		if err := os.WriteFile(filepath.Join(o.work, "echo", fmt.Sprintf("%d.pb", len(s.req.GetObserved().GetResources()))), prev, 0o644); err != nil { //nolint:gosec // a benchmark artefact.
			return err
		}
	}

	echo, err := start(ctx, "echo", bench.MethodV1, o.echo, filepath.Join(o.work, "echo.log"),
		"--metrics-address=", "--responses="+filepath.Join(o.work, "echo"))
	if err != nil {
		return err
	}
	defer echo.stop()
	sdk, err := start(ctx, "sdk", bench.MethodV1, o.echo, filepath.Join(o.work, "sdk.log"),
		"--metrics-address=", "--responses="+filepath.Join(o.work, "echo"), "--sdk")
	if err != nil {
		return err
	}
	defer sdk.stop()
	for _, srv := range []*server{echo, sdk} {
		for _, s := range stages {
			rsp, err := srv.call(ctx, s.req)
			if err != nil {
				return err
			}
			if !proto.Equal(rsp, answers[s.name]) {
				return fmt.Errorf("the %s server's answer to %s differs from ours", srv.name, s.name)
			}
		}
	}

	peer, err := start(ctx, "peer", bench.MethodV1beta1, o.peer, filepath.Join(o.work, "peer.log"))
	if err != nil {
		return err
	}
	defer peer.stop()
	peerDiffs := map[string][]string{}
	for _, s := range stages {
		peerRsp, err := peer.call(ctx, s.peerReq)
		if err != nil {
			return err
		}
		peerDiffs[s.name] = bench.SameResources(desiredObjects(answers[s.name]), desiredObjects(peerRsp))
	}

	// The load: every stage and concurrency, in rounds that interleave the servers.
	servers := []*server{ours, echo, sdk, peer}
	type key struct {
		server, stage string
		conc          int
	}
	results := map[key][]bench.Result{}
	cpu := map[key]time.Duration{}
	perRound := max(1, o.requests/o.rounds)
	for _, s := range stages {
		for _, c := range o.concurrency {
			for _, srv := range servers {
				raw := s.raw
				if srv == peer {
					raw = s.peerRaw
				}
				if _, err := bench.Load(ctx, srv.conn, srv.method, raw, o.warmup*c, c, 0); err != nil {
					return fmt.Errorf("%s warm-up: %w", srv.name, err)
				}
			}
			for range o.rounds {
				for _, srv := range servers {
					raw := s.raw
					if srv == peer {
						raw = s.peerRaw
					}
					before, err := bench.CPUTime(srv.cmd.Process.Pid)
					if err != nil {
						return err
					}
					r, err := bench.Load(ctx, srv.conn, srv.method, raw, perRound, c, 0)
					if err != nil {
						return fmt.Errorf("%s, %s, concurrency %d: %w", srv.name, s.name, c, err)
					}
					after, err := bench.CPUTime(srv.cmd.Process.Pid)
					if err != nil {
						return err
					}
					k := key{srv.name, s.name, c}
					results[k] = append(results[k], r)
					cpu[k] += after - before
				}
			}
		}
	}

	hwm := map[string]int64{}
	for _, srv := range servers {
		h, _, err := bench.ProcStatus(srv.cmd.Process.Pid)
		if err != nil {
			return err
		}
		hwm[srv.name] = h
	}
	loadEnd := bench.LoadAverage()

	// The report.
	var buf bytes.Buffer
	m := bench.ReadMachine()
	goVersion := strings.TrimSpace(commandOutput("go", "version"))
	fmt.Fprintf(&buf, "make bench — %s — machine: nproc=%d, %q, %s; load average %s at start, %s at end\n",
		o.example, m.CPUs, m.Model, goVersion, loadStart, loadEnd)
	fmt.Fprintf(&buf, "load: %d requests per server, stage and concurrency (%d interleaved rounds, %d warm-up per slot), one gRPC connection per server, loopback\n",
		perRound*o.rounds, o.rounds, o.warmup)
	fmt.Fprintf(&buf, "echo: decodes each request, answers ours precomputed (transport floor); echo+sdk: also converts observed and desired\n"+
		"resources to and from maps as function-sdk-go does (floor of an SDK-based function); CPU/req: server CPU time per request\n")
	for _, s := range stages {
		fmt.Fprintf(&buf, "peer, %s: function-patch-and-transform v0.5.0 (v1beta1), %d templates and %d FromCompositeFieldPath patches from %s\n",
			s.name, s.peerIn.Resources, s.peerIn.Patches, rel(o.root, s.golden))
	}
	fmt.Fprintln(&buf)

	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "measure\tstage\tconc\tresources\tp50\tp99\treq/s\tCPU/req\tns/op\tB/op\tallocs/op\tpeak RSS\t")
	if o.gobench != "" {
		f, err := os.Open(o.gobench)
		if err != nil {
			return err
		}
		gb, err := bench.ParseGoBench(f)
		_ = f.Close()
		if err != nil {
			return err
		}
		for _, b := range gb {
			name, st, _ := strings.Cut(strings.TrimPrefix(b.Name, "RunFunction/"), "/")
			if st == "" {
				name, st = "go bench", name
			} else {
				name = "go bench " + name
			}
			fmt.Fprintf(tw, "%s\t%s\t-\t%.0f\t-\t-\t-\t-\t%.0f\t%.0f\t%.0f\t-\t\n", name, st,
				b.Metrics["resources"], b.Metrics["ns/op"], b.Metrics["B/op"], b.Metrics["allocs/op"])
		}
	}
	merged := map[key]bench.Result{}
	for _, s := range stages {
		for _, c := range o.concurrency {
			for _, srv := range servers {
				k := key{srv.name, s.name, c}
				r := bench.Merge(results[k]...)
				merged[k] = r
				resources := s.resources
				if srv == peer {
					resources = s.peerIn.Resources
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%.1f\t%s\t-\t-\t-\t-\t\n", labels[srv.name], s.name, c, resources,
					bench.Ms(r.Percentile(0.5)), bench.Ms(r.Percentile(0.99)), r.PerSecond(), bench.Ms(cpu[k]/time.Duration(r.Requests)))
			}
		}
	}
	for _, srv := range servers {
		fmt.Fprintf(tw, "%s server\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t%.1fMiB\t\n", labels[srv.name], float64(hwm[srv.name])/1024)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(&buf)
	p50 := func(srv, st string, c int) time.Duration { return merged[key{srv, st, c}].Percentile(0.5) }
	cpuPerReq := func(srv, st string, c int) time.Duration {
		k := key{srv, st, c}
		return cpu[k] / time.Duration(max(1, merged[k].Requests))
	}
	for _, s := range stages {
		for _, c := range o.concurrency {
			fmt.Fprintf(&buf, "%s, concurrency %d: ours/echo p50 %.2f (CPU/req %.2f), ours/echo+sdk p50 %.2f (CPU/req %.2f), peer/ours p50 %.2f (CPU/req %.2f)\n", s.name, c,
				ratio(p50("ours", s.name, c), p50("echo", s.name, c)), ratio(cpuPerReq("ours", s.name, c), cpuPerReq("echo", s.name, c)),
				ratio(p50("ours", s.name, c), p50("sdk", s.name, c)), ratio(cpuPerReq("ours", s.name, c), cpuPerReq("sdk", s.name, c)),
				ratio(p50("peer", s.name, c), p50("ours", s.name, c)), ratio(cpuPerReq("peer", s.name, c), cpuPerReq("ours", s.name, c)))
		}
	}
	for _, s := range stages {
		same := "yes"
		if d := peerDiffs[s.name]; len(d) > 0 {
			same = fmt.Sprintf("NO, %d differ (first: %s) — regenerate the goldens (`make golden`) and rerun", len(d), d[0])
		}
		fmt.Fprintf(&buf, "peer renders the same %d composed resources as ours (%s): %s\n", s.resources, s.name, same)
	}
	fmt.Fprintf(&buf, "two consecutive renders of each request byte-identical (deterministic protobuf): %t\n", identical)
	fmt.Fprintf(&buf, "targets (fully observed, concurrency %d, idle machine: load < 1): ours ≤ 1.15 × echo+sdk p50 and peak RSS ≤ 1.2 × echo+sdk's (issue 18); ours ≤ 1.5 × echo p50, peer ≥ 10 × ours p50, peak RSS ≤ 1.3 × echo (issue 9)\n", o.concurrency[0])
	// What bounds the ratios: no function answers faster than the echo, so peer/ours can never exceed
	// peer/echo; and an SDK-based function that renders nothing already costs echo+sdk/echo.
	c1 := o.concurrency[0]
	fmt.Fprintf(&buf, "bounds (fully observed, concurrency %d): peer/echo p50 %.2f, CPU/req %.2f (the most peer/ours can reach); echo+sdk/echo p50 %.2f, CPU/req %.2f (an SDK function rendering nothing)\n",
		c1, ratio(p50("peer", "ready", c1), p50("echo", "ready", c1)), ratio(cpuPerReq("peer", "ready", c1), cpuPerReq("echo", "ready", c1)),
		ratio(p50("sdk", "ready", c1), p50("echo", "ready", c1)), ratio(cpuPerReq("sdk", "ready", c1), cpuPerReq("echo", "ready", c1)))

	// The headline ratios: the fully observed seed at the first concurrency level (1: latency without
	// queueing); peak RSS over the whole run. echo+sdk is the floor of any function built on function-sdk-go.
	fmt.Fprintln(&buf, bench.Summary(
		ratio(p50("ours", "ready", c1), p50("echo", "ready", c1)),
		ratio(p50("ours", "ready", c1), p50("sdk", "ready", c1)),
		ratio(p50("peer", "ready", c1), p50("ours", "ready", c1)),
		float64(hwm["ours"])/float64(hwm["echo"]),
		float64(hwm["ours"])/float64(hwm["sdk"]),
		identical))

	if _, err := io.Copy(os.Stdout, bytes.NewReader(buf.Bytes())); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(o.out, buf.Bytes(), 0o644) //nolint:gosec // a report.
}

// labels name the servers in the table.
var labels = map[string]string{
	"ours": "grpc ours",
	"echo": "grpc echo",
	"sdk":  "grpc echo+sdk",
	"peer": "grpc peer P&T",
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return r
	}
	return p
}

func commandOutput(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output() //nolint:gosec // go version.
	if err != nil {
		return "unknown"
	}
	return string(out)
}
