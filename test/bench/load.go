package bench

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/proto"
)

// The RunFunction methods of the two FunctionRunnerService versions: the same messages, other service names.
const (
	MethodV1      = "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"
	MethodV1beta1 = "/apiextensions.fn.proto.v1beta1.FunctionRunnerService/RunFunction"
)

// Raw is a request or response already in protobuf wire format. The load client sends requests marshalled
// once and keeps the answers as bytes, so the client's own CPU — on the same cores as the server — is spent
// on the transport only, the same for every server measured.
type Raw []byte

// rawCodec passes Raw through. It is forced per call (grpc.ForceCodec) and keeps the "proto" name, so the
// server sees an ordinary application/grpc request and decodes it with its own proto codec.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	r, ok := v.(*Raw)
	if !ok {
		return nil, fmt.Errorf("rawCodec: cannot marshal %T", v)
	}
	return *r, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	r, ok := v.(*Raw)
	if !ok {
		return fmt.Errorf("rawCodec: cannot unmarshal into %T", v)
	}
	*r = append((*r)[:0], data...)
	return nil
}

// Name is the proto codec's.
func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}

// Call sends one request and decodes the answer into rsp.
func Call(ctx context.Context, conn *grpc.ClientConn, method string, req, rsp proto.Message) error {
	return conn.Invoke(ctx, method, req, rsp)
}

// Result is one load run: a fixed number of requests at a fixed concurrency.
type Result struct {
	Requests, Concurrency int
	Latencies             []time.Duration // sorted
	Elapsed               time.Duration
	// ResponseBytes is the size of every answer (they must all be the same size).
	ResponseBytes int
}

// Percentile returns the q-th percentile (0 < q ≤ 1) of the latencies, nearest rank.
func (r Result) Percentile(q float64) time.Duration {
	return Percentile(r.Latencies, q)
}

// Percentile returns the q-th percentile (0 < q ≤ 1) of sorted durations, nearest rank.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

// PerSecond is requests per second of wall time.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Merge pools runs of the same load (rounds interleaved with other servers' runs).
func Merge(rs ...Result) Result {
	var m Result
	for _, r := range rs {
		m.Requests += r.Requests
		m.Concurrency = r.Concurrency
		m.Latencies = append(m.Latencies, r.Latencies...)
		m.Elapsed += r.Elapsed
		m.ResponseBytes = r.ResponseBytes
	}
	sort.Slice(m.Latencies, func(i, j int) bool { return m.Latencies[i] < m.Latencies[j] })
	return m
}

// Load sends n copies of req to method over conn from concurrency goroutines and times each call. Every
// answer must have wantBytes bytes (0: the size of the first): a server that answers anything else (an
// error result, a partial render) fails the run rather than look fast.
func Load(ctx context.Context, conn *grpc.ClientConn, method string, req Raw, n, concurrency, wantBytes int) (Result, error) {
	lat := make([]time.Duration, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)

	var (
		mu       sync.Mutex
		firstErr error
		size     = wantBytes
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			var rsp Raw
			for i := range next {
				t := time.Now()
				if err := conn.Invoke(ctx, method, &req, &rsp, grpc.ForceCodec(rawCodec{})); err != nil {
					fail(fmt.Errorf("request %d: %w", i, err))
					return
				}
				lat[i] = time.Since(t)
				mu.Lock()
				if size == 0 {
					size = len(rsp)
				}
				bad := len(rsp) != size
				mu.Unlock()
				if bad {
					fail(fmt.Errorf("request %d: answer of %d bytes, want %d", i, len(rsp), size))
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return Result{}, firstErr
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return Result{Requests: n, Concurrency: concurrency, Latencies: lat, Elapsed: elapsed, ResponseBytes: size}, nil
}
