package main

import (
	"context"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// BenchmarkRunFunction measures one in-process RunFunction call for the seed environment at each observed
// stage: "empty" is the first reconcile, the others are the golden stages (walked to their fixed point
// here, as TestObservedStages does, so the benchmark follows the domains as they grow). The request is built
// once outside the timed loop, so the numbers are the function's own cost: decoding the XR and the observed
// resources, rendering every domain and writing the response. `make bench` puts them in its table, and
// the loopback load test there adds the gRPC transport on top.
func BenchmarkRunFunction(b *testing.B) {
	const example = "seed-production"
	xr := readXR(b, example)

	stages := []struct {
		name     string
		observed map[string]map[string]any
	}{{name: "empty", observed: map[string]map[string]any{}}}
	for _, st := range goldenStages {
		observed, _ := walk(b, xr, st.ready)
		stages = append(stages, struct {
			name     string
			observed map[string]map[string]any
		}{st.name, observed})
	}

	for _, st := range stages {
		req := &fnv1.RunFunctionRequest{
			Observed: &fnv1.State{
				Composite: &fnv1.Resource{Resource: mustStruct(b, xr)},
				Resources: make(map[string]*fnv1.Resource, len(st.observed)),
			},
		}
		for name, o := range st.observed {
			req.Observed.Resources[name] = &fnv1.Resource{Resource: mustStruct(b, o)}
		}
		// The same answer `run` gives, checked once: a benchmark of a Fatal result would measure nothing.
		want := len(run(b, xr, st.observed).GetDesired().GetResources())

		b.Run(example+"/"+st.name, func(b *testing.B) {
			f := &Function{log: nopLogger()}
			b.ReportAllocs()
			var got int
			for b.Loop() {
				rsp, err := f.RunFunction(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				if msg := fatal(rsp); msg != "" {
					b.Fatalf("fatal: %s", msg)
				}
				got = len(rsp.GetDesired().GetResources())
			}
			if got != want {
				b.Fatalf("rendered %d composed resources, want %d", got, want)
			}
			b.ReportMetric(float64(got), "resources")
		})
	}
}
