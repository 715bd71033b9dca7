package validate

import (
	"runtime"
	"testing"
)

// BenchmarkObject validates every provider example object (~120 objects of ~45 kinds, about what one rendered
// environment holds). "cold" includes building the Validator and loading each kind's CRD, as the first test of a
// package pays; "warm" is the cost per render once the schemas are compiled. MB-retained is the heap the Validator
// keeps after a cold run.
func BenchmarkObject(b *testing.B) {
	examples := loadExamples(b)
	kinds := map[string]bool{}
	for _, e := range examples {
		kinds[e.obj["apiVersion"].(string)+"/"+e.obj["kind"].(string)] = true
	}

	validateAll := func(b *testing.B, v *Validator) {
		for _, e := range examples {
			if problems := v.Object(e.obj); problems != nil {
				b.Fatalf("%s: %v", e.file, problems)
			}
		}
	}

	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		var retained float64
		for b.Loop() {
			before := heapAlloc()
			v, err := New()
			if err != nil {
				b.Fatal(err)
			}
			validateAll(b, v)
			retained = float64(int64(heapAlloc())-int64(before)) / (1 << 20)
			runtime.KeepAlive(v)
		}
		b.ReportMetric(float64(len(examples)), "objects")
		b.ReportMetric(float64(len(kinds)), "kinds")
		b.ReportMetric(retained, "MB-retained")
	})

	b.Run("warm", func(b *testing.B) {
		v, err := New()
		if err != nil {
			b.Fatal(err)
		}
		validateAll(b, v)
		b.ReportAllocs()
		for b.Loop() {
			validateAll(b, v)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(examples)), "µs/object")
	})
}

// heapAlloc returns the live heap after a collection.
func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
