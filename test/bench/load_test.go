package bench

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	cases := map[string]struct {
		reason string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		"Empty":      {reason: "No latencies, no percentile.", sorted: nil, q: 0.5, want: 0},
		"MedianOdd":  {reason: "Nearest rank: the middle one.", sorted: ms(1, 2, 3), q: 0.5, want: 2 * time.Millisecond},
		"MedianEven": {reason: "Nearest rank: the lower middle.", sorted: ms(1, 2, 3, 4), q: 0.5, want: 2 * time.Millisecond},
		"P99":        {reason: "The 99th of 100.", sorted: ms(seq(100)...), q: 0.99, want: 99 * time.Millisecond},
		"P99Small":   {reason: "With fewer than 100 samples p99 is the largest.", sorted: ms(1, 2, 3), q: 0.99, want: 3 * time.Millisecond},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Percentile(tc.sorted, tc.q); got != tc.want {
				t.Errorf("%s\nPercentile(..., %v) = %v, want %v", tc.reason, tc.q, got, tc.want)
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
cpu: AMD EPYC
BenchmarkRunFunction/seed-production/empty-2         	     256	  13719404 ns/op	       113.0 resources	 1154779 B/op	   15911 allocs/op
BenchmarkRunFunction/seed-production/ready-2         	     100	  70783394 ns/op	       267.0 resources	 4758418 B/op	   60016 allocs/op
PASS
`
	got, err := ParseGoBench(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []GoBench{
		{Name: "RunFunction/seed-production/empty", Iterations: 256, Metrics: map[string]float64{"ns/op": 13719404, "resources": 113, "B/op": 1154779, "allocs/op": 15911}},
		{Name: "RunFunction/seed-production/ready", Iterations: 100, Metrics: map[string]float64{"ns/op": 70783394, "resources": 267, "B/op": 4758418, "allocs/op": 60016}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseGoBench(...): -want, +got:\n%s", diff)
	}
}

// sized answers with a response whose size depends on the request's observed resources, and counts calls.
type sized struct {
	fnv1.UnimplementedFunctionRunnerServiceServer
	calls atomic.Int64
}

func (s *sized) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	n := s.calls.Add(1)
	rsp := response.To(req, response.DefaultTTL)
	// Every fifth answer of a request marked "flaky" is larger: a server that answers differently.
	if _, flaky := req.GetObserved().GetResources()["flaky"]; flaky && n%5 == 0 {
		response.Normal(rsp, "a different answer")
	}
	return rsp, nil
}

func TestLoad(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	s := &sized{}
	fnv1.RegisterFunctionRunnerServiceServer(srv, s)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close() //nolint:errcheck // test.

	marshal := func(observed ...string) Raw {
		req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: &structpb.Struct{}}, Resources: map[string]*fnv1.Resource{}}}
		for _, o := range observed {
			req.Observed.Resources[o] = &fnv1.Resource{Resource: &structpb.Struct{}}
		}
		b, err := proto.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	cases := map[string]struct {
		reason      string
		req         Raw
		n, conc     int
		wantErr     string
		wantResults int
	}{
		"Sequential": {reason: "Every request is timed.", req: marshal("a"), n: 20, conc: 1, wantResults: 20},
		"Concurrent": {reason: "More goroutines than requests still send each once.", req: marshal("a"), n: 10, conc: 16, wantResults: 10},
		"Different":  {reason: "An answer of another size fails the run.", req: marshal("flaky"), n: 20, conc: 1, wantErr: "answer of"},
		"Unknown": {
			reason: "A method the server lacks fails the run.", req: marshal("a"), n: 1, conc: 1, wantErr: "Unimplemented",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			method := MethodV1
			if name == "Unknown" {
				method = MethodV1beta1
			}
			s.calls.Store(0)
			r, err := Load(context.Background(), conn, method, tc.req, tc.n, tc.conc, 0)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s\nLoad(...): error %v, want one containing %q", tc.reason, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s\nLoad(...): %v", tc.reason, err)
			}
			if len(r.Latencies) != tc.wantResults || int(s.calls.Load()) != tc.wantResults {
				t.Errorf("%s\nLoad(...): %d latencies, %d calls; want %d", tc.reason, len(r.Latencies), s.calls.Load(), tc.wantResults)
			}
			for i := 1; i < len(r.Latencies); i++ {
				if r.Latencies[i] < r.Latencies[i-1] || r.Latencies[i-1] <= 0 {
					t.Fatalf("%s\nLoad(...): latencies not positive and sorted: %v", tc.reason, r.Latencies)
				}
			}
			if r.PerSecond() <= 0 {
				t.Errorf("%s\nLoad(...): %v requests/s", tc.reason, r.PerSecond())
			}
		})
	}
}
