package main

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDefinitionIsCurrent regenerates the XRD in memory and fails when the committed apis/definition.yaml
// differs, so a change to the types cannot land without the XRD that Crossplane actually installs.
func TestDefinitionIsCurrent(t *testing.T) {
	want, path, err := generate()
	if err != nil {
		t.Fatalf("generate(): %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read the committed XRD: %v (run `make generate`)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is stale: run `make generate` and commit it. -generated +committed:\n%s", path, diff)
	}
}

// TestGenerateIsDeterministic guards the byte-for-byte comparison above: two runs must agree, or the
// drift test would fail at random.
func TestGenerateIsDeterministic(t *testing.T) {
	first, _, err := generate()
	if err != nil {
		t.Fatalf("generate(): %v", err)
	}
	second, _, err := generate()
	if err != nil {
		t.Fatalf("generate(): %v", err)
	}
	if diff := cmp.Diff(string(first), string(second)); diff != "" {
		t.Errorf("two generations differ: -first +second:\n%s", diff)
	}
}
