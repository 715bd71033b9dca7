// Command echo is the transport floor of `make bench`: a FunctionRunnerService served exactly as our
// function is served (function-sdk-go's Serve with the same options) whose handler does no work. gRPC's
// proto codec fully decodes every request into a RunFunctionRequest (Go protobuf decodes eagerly, every
// Struct and Value included); the handler then answers with a response precomputed from our function's
// answer to the same request, which gRPC marshals anew for every call, as it marshals ours.
//
// Responses are read from --responses: files named <n>.pb, each a marshalled RunFunctionResponse for the
// request that observes n composed resources (the harness writes them from our function's answers).
//
// With --sdk it is instead the floor of a function written with function-sdk-go's resource API: every
// observed resource is converted to a map (request.GetObservedComposedResources) and every desired one
// from a map (response.SetDesiredComposedResources, from maps precomputed from our answer) — the
// conversions any such function pays whatever it renders — but nothing is rendered.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crossplane/function-sdk-go"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/response"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

type echo struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	responses map[int]*fnv1.RunFunctionResponse
	// sdk: the desired composed resources of each response as maps, and the desired XR.
	sdk map[int]*sdkResponse
}

type sdkResponse struct {
	desired map[resource.Name]map[string]any
	ready   map[resource.Name]resource.Ready
	xr      *fnv1.Resource
	results []*fnv1.Result
	conds   []*fnv1.Condition
	ttl     time.Duration // ours: the function chooses it (ttl.go), so the answer is ours byte for byte
}

func (e *echo) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	n := len(req.GetObserved().GetResources())
	rsp, ok := e.responses[n]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no precomputed response for a request observing %d composed resources", n)
	}
	if e.sdk == nil {
		return rsp, nil
	}
	pre := e.sdk[n]
	if _, err := request.GetObservedComposedResources(req); err != nil {
		return nil, err
	}
	out := response.To(req, pre.ttl)
	dcds := make(map[resource.Name]*resource.DesiredComposed, len(pre.desired))
	for name, obj := range pre.desired {
		d := &resource.DesiredComposed{Resource: composed.New(), Ready: pre.ready[name]}
		d.Resource.Object = obj
		dcds[name] = d
	}
	if err := response.SetDesiredComposedResources(out, dcds); err != nil {
		return nil, err
	}
	out.Desired.Composite = pre.xr
	out.Results, out.Conditions = pre.results, pre.conds
	return out, nil
}

func sdkResponses(rsps map[int]*fnv1.RunFunctionResponse) map[int]*sdkResponse {
	out := map[int]*sdkResponse{}
	for n, rsp := range rsps {
		pre := &sdkResponse{
			desired: map[resource.Name]map[string]any{},
			ready:   map[resource.Name]resource.Ready{},
			xr:      rsp.GetDesired().GetComposite(),
			results: rsp.GetResults(),
			conds:   rsp.GetConditions(),
			ttl:     rsp.GetMeta().GetTtl().AsDuration(),
		}
		for name, r := range rsp.GetDesired().GetResources() {
			pre.desired[resource.Name(name)] = r.GetResource().AsMap()
			pre.ready[resource.Name(name)] = map[fnv1.Ready]resource.Ready{
				fnv1.Ready_READY_TRUE: resource.ReadyTrue, fnv1.Ready_READY_FALSE: resource.ReadyFalse,
			}[r.GetReady()]
		}
		out[n] = pre
	}
	return out
}

func load(dir string) (map[int]*fnv1.RunFunctionResponse, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.pb"))
	if err != nil {
		return nil, err
	}
	out := map[int]*fnv1.RunFunctionResponse{}
	for _, f := range files {
		n, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".pb"))
		if err != nil {
			return nil, fmt.Errorf("%s: the name must be the number of observed resources", f)
		}
		b, err := os.ReadFile(f) //nolint:gosec // files the harness wrote.
		if err != nil {
			return nil, err
		}
		rsp := &fnv1.RunFunctionResponse{}
		if err := proto.Unmarshal(b, rsp); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out[n] = rsp
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no responses (*.pb) in %s", dir)
	}
	return out, nil
}

func main() {
	address := flag.String("address", "127.0.0.1:9443", "Address at which to listen for gRPC connections.")
	responses := flag.String("responses", "", "Directory of precomputed responses, <observed resources>.pb.")
	// Accepted for the same command line as the function's; the echo always serves without TLS or metrics.
	flag.Bool("insecure", true, "Run without mTLS credentials (always).")
	flag.String("metrics-address", "", "Ignored: no metrics server.")
	maxRecv := flag.Int("max-recv-message-size", 4, "Maximum size of received messages in MB.")
	sdk := flag.Bool("sdk", false, "Convert observed and desired resources as function-sdk-go's resource API does.")
	flag.Parse()

	rsps, err := load(*responses)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	e := &echo{responses: rsps}
	if *sdk {
		e.sdk = sdkResponses(rsps)
	}
	// The same ServeOptions as functions/platform-environment/main.go with --insecure --metrics-address=.
	if err := function.Serve(e,
		function.Listen("tcp", *address),
		function.MTLSCertificates(""),
		function.Insecure(true),
		function.MaxRecvMessageSize(*maxRecv*1024*1024),
		function.WithMetricsServer(""),
	); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
