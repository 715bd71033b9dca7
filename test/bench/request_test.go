package bench

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/cloudpartner/platform-environment/test/clirender"
)

func repoRoot() string { return clirender.Root() }

// capture is a FunctionRunnerService that records the requests it gets and answers with nothing desired.
type capture struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	mu   sync.Mutex
	reqs []*fnv1.RunFunctionRequest
}

func (c *capture) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, proto.Clone(req).(*fnv1.RunFunctionRequest))
	return response.To(req, response.DefaultTTL), nil
}

// renderRequest runs the real `crossplane render` against a capturing server and returns the request it sent.
func renderRequest(t *testing.T, cli, example, observed string) *fnv1.RunFunctionRequest {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &capture{}
	srv := grpc.NewServer()
	fnv1.RegisterFunctionRunnerServiceServer(srv, c)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	dir := t.TempDir()
	functions := filepath.Join(dir, "functions.yaml")
	if err := os.WriteFile(functions, fmt.Appendf(nil, `apiVersion: pkg.crossplane.io/v1beta1
kind: Function
metadata:
  name: function-platform-environment
  annotations:
    render.crossplane.io/runtime: Development
    render.crossplane.io/runtime-development-target: %s
spec:
  package: xpkg.crossplane.io/cloudpartner/function-platform-environment:v0.1.0
`, lis.Addr()), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"render", example, filepath.Join(repoRoot(), "compositions", "platform-environment.yaml"), functions,
		"--xrd=" + filepath.Join(repoRoot(), "apis", "definition.yaml")}
	if observed != "" {
		args = append(args, "--observed-resources="+observed)
	}
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil { //nolint:gosec // the CLI make built.
		t.Fatalf("crossplane render: %v\n%s", err, out)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reqs) != 1 {
		t.Fatalf("crossplane render sent %d requests; want 1", len(c.reqs))
	}
	return c.reqs[0]
}

// TestRequestIsRenders proves that the requests the load test sends are the ones `crossplane render` sends
// for the same example and observed file (XR defaulted from the XRD, observed resources keyed by name,
// capabilities, empty desired state and context), at the first reconcile and fully observed.
func TestRequestIsRenders(t *testing.T) {
	cli := clirender.CLI(t)
	example := filepath.Join(repoRoot(), "examples", "seed-production.yaml")
	cases := map[string]struct {
		reason   string
		observed string
	}{
		"FirstReconcile": {
			reason: "Nothing is observed yet: only the defaulted XR.",
		},
		"FullyObserved": {
			reason:   "Every composed resource of the seed is observed Ready.",
			observed: filepath.Join(repoRoot(), "test", "observed", "seed-production", "ready.yaml"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			want := renderRequest(t, cli, example, tc.observed)
			got, err := Request(filepath.Join(repoRoot(), "apis", "definition.yaml"), example, tc.observed)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("%s\nRequest(...): -crossplane render, +ours:\n%s", tc.reason, diff)
			}
		})
	}
}
