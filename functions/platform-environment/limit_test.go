package main

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// TestRenderLimit checks that no more renders run at once than GOMAXPROCS, however many requests arrive,
// that every request is still answered, and that a request whose caller gives up while it waits ends
// with the context's error instead of a render nobody reads.
func TestRenderLimit(t *testing.T) {
	xr := readXR(t, "seed-production")
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: mustStruct(t, xr)}}}
	limit := runtime.GOMAXPROCS(0)

	var running, peak atomic.Int64
	release := make(chan struct{})
	renderEnvironment = func(xr *v1alpha1.PlatformEnvironment, o compose.Observed) (*compose.Assembled, v1alpha1.PlatformEnvironmentStatus, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		return render(xr, o)
	}
	t.Cleanup(func() { renderEnvironment = render })

	f := &Function{log: nopLogger()}
	const requests = 8
	var wg sync.WaitGroup
	errs := make(chan error, requests)
	for range requests {
		wg.Go(func() {
			rsp, err := f.RunFunction(context.Background(), req)
			if err == nil && fatal(rsp) != "" {
				t.Errorf("fatal: %s", fatal(rsp))
			}
			errs <- err
		})
	}
	// Wait until the admitted renders are all running, then try one that gives up while it waits.
	for deadline := time.Now().Add(10 * time.Second); running.Load() < int64(limit) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	late := make(chan error, 1)
	go func() {
		_, err := f.RunFunction(ctx, req)
		late <- err
	}()
	select {
	case err := <-late:
		if grpcstatus.Code(err) != codes.DeadlineExceeded {
			t.Errorf("RunFunction while every render slot is taken and the caller's deadline passes: got %v, want DeadlineExceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("RunFunction while every render slot is taken did not return when the caller's deadline passed")
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("RunFunction: %v", err)
		}
	}
	if got := peak.Load(); got != int64(limit) {
		t.Errorf("%d requests at once: %d renders ran at the same time, want GOMAXPROCS = %d", requests, got, limit)
	}
}
