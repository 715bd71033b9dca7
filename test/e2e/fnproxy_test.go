//go:build e2e

package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// functionProxyAddress is where the delaying proxy of 17.2 listens while the scenario runs.
const functionProxyAddress = "127.0.0.1:9442"

// crossplaneServiceConfig is the service config Crossplane v2.4.0 dials functions with
// (internal/xfn/function_runner.go): a call waits for the connection to be ready instead of failing fast. The proxy
// dials the function the same way, so that what Crossplane sees through it is what it sees without it.
const crossplaneServiceConfig = `{"loadBalancingConfig":[{"round_robin":{}}],"methodConfig":[{"name":[{}],"waitForReady":true}]}`

// functionProxy is a gRPC proxy between Crossplane and the function (17.2). It serves RunFunction with the
// function's own certificate and demands a client certificate of our CA, as the function does, and forwards every
// call to the function with Crossplane's client certificate. The harness points the FunctionRevision's endpoint at
// it for the scenario; nothing in the shipped function changes. Armed with hold, it keeps one XR's next call until
// the caller gives up (Crossplane's reconcile deadline, 2 minutes) and that XR's later calls until released, so the
// scenario can read the XR between the two.
type functionProxy struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	srv      *grpc.Server
	upstream *grpc.ClientConn
	served   chan error

	mu   sync.Mutex
	held *heldCall
}

// heldCall is one armed hold: the XR (namespace/name) whose calls it keeps.
type heldCall struct {
	xr       string
	first    atomic.Bool   // the first call has come
	started  chan struct{} // closed when it came
	ended    chan struct{} // closed when it ended
	err      error         // how it ended: the caller's context error
	took     time.Duration // how long it was held
	released chan struct{} // closed by release: later calls pass
}

// startFunctionProxy listens on functionProxyAddress and dials the function at functionAddress.
func startFunctionProxy(p *pki) (*functionProxy, error) {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.caPEM)
	serverCert, err := tls.LoadX509KeyPair(filepath.Join(p.functionDir, "tls.crt"), filepath.Join(p.functionDir, "tls.key"))
	if err != nil {
		return nil, err
	}
	clientCert, err := tls.LoadX509KeyPair(filepath.Join(p.crossplaneClientDir, "tls.crt"), filepath.Join(p.crossplaneClientDir, "tls.key"))
	if err != nil {
		return nil, err
	}
	upstream, err := grpc.NewClient(functionAddress,
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{clientCert}, RootCAs: pool, MinVersion: tls.VersionTLS12})),
		grpc.WithDefaultServiceConfig(crossplaneServiceConfig))
	if err != nil {
		return nil, err
	}
	lis, err := net.Listen("tcp", functionProxyAddress)
	if err != nil {
		_ = upstream.Close()
		return nil, err
	}
	fp := &functionProxy{
		srv: grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{
			Certificates: []tls.Certificate{serverCert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12,
		}))),
		upstream: upstream,
		served:   make(chan error, 1),
	}
	fnv1.RegisterFunctionRunnerServiceServer(fp.srv, fp)
	go func() { fp.served <- fp.srv.Serve(lis) }()
	return fp, nil
}

// RunFunction forwards the call, unless a hold keeps it.
func (p *functionProxy) RunFunction(ctx context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	if h := p.holding(req); h != nil {
		if err := h.keep(ctx); err != nil {
			return nil, status.FromContextError(err).Err()
		}
	}
	return fnv1.NewFunctionRunnerServiceClient(p.upstream).RunFunction(ctx, req)
}

// holding returns the armed hold the call belongs to, if any.
func (p *functionProxy) holding(req *fnv1.RunFunctionRequest) *heldCall {
	meta, _ := req.GetObserved().GetComposite().GetResource().AsMap()["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	name, _ := meta["name"].(string)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held == nil || p.held.xr != ns+"/"+name {
		return nil
	}
	return p.held
}

// keep holds one call: the first until its context ends (it never reaches the function), any later one until
// release. It returns the context's error for a call that is not to pass.
func (h *heldCall) keep(ctx context.Context) error {
	if h.first.CompareAndSwap(false, true) {
		close(h.started)
		start := time.Now()
		<-ctx.Done()
		h.took, h.err = time.Since(start), ctx.Err()
		close(h.ended)
		return h.err
	}
	select {
	case <-h.released:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hold arms a hold on x's calls.
func (p *functionProxy) hold(x *xr) *heldCall {
	h := &heldCall{xr: x.ns + "/" + x.name, started: make(chan struct{}), ended: make(chan struct{}), released: make(chan struct{})}
	p.mu.Lock()
	p.held = h
	p.mu.Unlock()
	return h
}

// release lets every later call of the hold pass, and disarms it.
func (p *functionProxy) release(h *heldCall) {
	p.mu.Lock()
	if p.held == h {
		p.held = nil
	}
	p.mu.Unlock()
	close(h.released)
}

// stop stops serving (after the calls in flight) and closes the connection to the function.
func (p *functionProxy) stop() error {
	p.srv.GracefulStop()
	err := <-p.served
	if errors.Is(err, grpc.ErrServerStopped) {
		err = nil
	}
	return errors.Join(err, p.upstream.Close())
}

var functionRevisionGVK = schema.GroupVersionKind{Group: "pkg.crossplane.io", Version: "v1", Kind: "FunctionRevision"}

// pointFunctionAt sets the endpoint Crossplane dials for the function (the FunctionRevision's status): Crossplane
// reads it on every call and redials when it changed.
func (c *controlPlane) pointFunctionAt(ctx context.Context, endpoint string) error {
	_, err := c.kube.mergePatch(ctx, functionRevisionGVK, "", functionName+"-e2e", map[string]any{
		"status": map[string]any{"endpoint": endpoint},
	}, "status")
	if err != nil {
		return fmt.Errorf("pointing the FunctionRevision at %s: %w", endpoint, err)
	}
	return nil
}
