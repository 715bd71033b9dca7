package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/response"
	grpcstatus "google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Function renders a PlatformEnvironment.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log logging.Logger
	// fixedTTL, when not zero, replaces the adaptive TTL (main.go's --fixed-ttl, for measurements).
	fixedTTL time.Duration
}

// RunFunction decodes the XR, renders every domain and returns the desired composed resources and the
// XR's status. Bad input ends in a Fatal result naming the field and the fix — never a Go error — and
// then the response carries the desired state it was given, untouched: Crossplane applies nothing from a
// fatal response, so nothing already created is dropped.
func (f *Function) RunFunction(ctx context.Context, req *fnv1.RunFunctionRequest) (rsp *fnv1.RunFunctionResponse, _ error) {
	// A render is pure CPU: more renders at once than there are processors only finish later together,
	// each holding its working set (observed and desired objects, several MB for a large environment).
	// Requests beyond that wait here holding only their decoded request. Measured by `make bench`.
	select {
	case renders <- struct{}{}:
		defer func() { <-renders }()
	case <-ctx.Done():
		return nil, grpcstatus.FromContextError(ctx.Err()).Err()
	}

	rsp = response.To(req, response.DefaultTTL)
	defer func() {
		if r := recover(); r != nil {
			rsp = response.To(req, response.DefaultTTL)
			response.Fatal(rsp, errors.Errorf("internal error while rendering (please report it): %v", r))
		}
	}()

	oxr, err := request.GetObservedCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get the observed PlatformEnvironment"))
		return rsp, nil
	}
	xr, err := decode(oxr.Resource.Object)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	// The observed composed resources as plain objects: what request.GetObservedComposedResources
	// gives, without the wrapper objects and connection-detail maps we never read.
	obs := make(compose.Observed, len(req.GetObserved().GetResources()))
	for name, o := range req.GetObserved().GetResources() {
		obs[name] = o.GetResource().AsMap()
	}

	desired, status, err := renderEnvironment(xr, obs)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	if err := write(req, rsp, desired, status); err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	// Warnings ask for a spec change without holding anything back; Crossplane shows them as Warning
	// events on the environment.
	for _, w := range desired.Warnings {
		response.Warning(rsp, errors.New(w)).TargetComposite()
	}
	f.log.Debug("Rendered", "xr", xr.Namespace+"/"+xr.Name, "resources", len(desired.Resources))
	budgetCondition(rsp, status.Budget)
	response.ConditionTrue(rsp, "FunctionSuccess", "Success").TargetComposite()
	// Applied: whether the spec has reached AWS (every observed resource Synced), which Ready cannot tell.
	applied := response.ConditionFalse
	if desired.Applied.Status {
		applied = response.ConditionTrue
	}
	applied(rsp, desired.Applied.Type, desired.Applied.Reason).WithMessage(desired.Applied.Message).TargetComposite()
	ttl := ttlFor(oxr.Resource.Object, desired) // ttl.go; a Fatal keeps the default
	if f.fixedTTL > 0 {
		ttl = f.fixedTTL
	}
	rsp.Meta.Ttl = durationpb.New(ttl)
	return rsp, nil
}

// renders admits as many renders at once as the Go runtime runs goroutines in parallel.
var renders = make(chan struct{}, runtime.GOMAXPROCS(0))

// renderEnvironment is render, as a variable so a test can make it panic.
var renderEnvironment = render

// write puts the desired composed resources and the XR's status into the response.
func write(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse, a *compose.Assembled, status v1alpha1.PlatformEnvironmentStatus) error {
	dcds := make(map[resource.Name]*resource.DesiredComposed, len(a.Resources))
	for _, r := range a.Resources {
		d := &resource.DesiredComposed{Resource: composed.New(), Ready: resource.ReadyFalse}
		d.Resource.Object = r.Object
		if r.Ready {
			d.Ready = resource.ReadyTrue
		}
		dcds[resource.Name(r.Name)] = d
	}
	if err := response.SetDesiredComposedResources(rsp, dcds); err != nil {
		return errors.Wrap(err, "cannot set the desired composed resources")
	}

	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		return errors.Wrap(err, "cannot get the desired PlatformEnvironment")
	}
	st, err := toMap(status)
	if err != nil {
		return err
	}
	// st is already plain JSON data: set it as is (SetValue would round-trip it through JSON again).
	dxr.Resource.Object["status"] = st
	return errors.Wrap(response.SetDesiredCompositeResource(rsp, dxr), "cannot set the desired PlatformEnvironment")
}

func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the status: %w", err)
	}
	m := map[string]any{}
	return m, json.Unmarshal(b, &m)
}
