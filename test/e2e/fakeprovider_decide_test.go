//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestFakeProviderDecides checks the fake provider's answer to an update, without the control plane: a field of the
// day-2 table is refused with the real provider's message (which the function's Applied condition classifies as
// UpdateRefused), anything else is applied and mirrored into status.atProvider.
func TestFakeProviderDecides(t *testing.T) {
	nodeGroup := map[string]any{
		"apiVersion": "eks.aws.m.upbound.io/v1beta1", "kind": "NodeGroup",
		"metadata": map[string]any{"name": "prod-nodes-group", "generation": int64(1)},
		"spec": map[string]any{"forProvider": map[string]any{
			"region": "us-east-1", "instanceTypes": []any{"t3.medium"}, "version": "1.35",
			"scalingConfig":  map[string]any{"minSize": int64(2), "maxSize": int64(10)},
			"nodeRoleArnRef": map[string]any{"name": "prod-nodes-role"},
		}},
	}
	addon := map[string]any{
		"apiVersion": "eks.aws.m.upbound.io/v1beta1", "kind": "Addon",
		"metadata": map[string]any{"name": "prod-addons-vpc-cni", "generation": int64(1)},
		"spec": map[string]any{"forProvider": map[string]any{
			"region": "us-east-1", "addonName": "vpc-cni", "addonVersion": "v1.20.0-eksbuild.1",
		}},
	}
	job := map[string]any{
		"apiVersion": "kubernetes.m.crossplane.io/v1alpha1", "kind": "Object",
		"metadata": map[string]any{"name": "prod-apps-smoke-test-1", "generation": int64(1)},
		"spec": map[string]any{"forProvider": map[string]any{"manifest": map[string]any{
			"apiVersion": "batch/v1", "kind": "Job",
			"metadata": map[string]any{"name": "smoke-test-1", "namespace": "platform-system"},
			"spec": map[string]any{"backoffLimit": int64(1), "template": map[string]any{"spec": map[string]any{
				"containers": []any{map[string]any{"name": "http", "args": []any{"http://backend:8061/health"}}},
			}}},
		}}},
	}
	cases := map[string]struct {
		old       map[string]any
		set       map[string]any // dotted path under spec.forProvider → new value
		refused   []string       // the message must name these
		applied   []string       // the forProvider fields applied
		atProvide map[string]any // what status.atProvider reports of them
	}{
		"instance types refused as upjet refuses them": {
			old: nodeGroup, set: map[string]any{"instanceTypes": []any{"t3.large"}},
			refused: []string{"refuse to update the external resource because the following update requires replacing it", "spec.forProvider.instanceTypes"},
		},
		"taint and scaling applied in place": {
			old: nodeGroup, set: map[string]any{"scalingConfig.maxSize": int64(12), "taint": []any{map[string]any{"key": "k", "effect": "NO_SCHEDULE"}}},
			applied: []string{"scalingConfig", "taint"},
			atProvide: map[string]any{
				"scalingConfig": map[string]any{"minSize": int64(2), "maxSize": int64(12)},
				"taint":         []any{map[string]any{"key": "k", "effect": "NO_SCHEDULE"}},
			},
		},
		"node group version copied into atProvider": {
			old: nodeGroup, set: map[string]any{"version": "1.36"},
			applied: []string{"version"}, atProvide: map[string]any{"version": "1.36"},
		},
		"a reference is not reported as observed": {
			old: nodeGroup, set: map[string]any{"nodeRoleArnRef": map[string]any{"name": "other"}},
			refused: []string{"spec.forProvider.nodeRoleArn"},
		},
		"add-on version copied into atProvider": {
			old: addon, set: map[string]any{"addonVersion": "v1.20.1-eksbuild.1"},
			applied: []string{"addonVersion"}, atProvide: map[string]any{"addonVersion": "v1.20.1-eksbuild.1"},
		},
		"region refused": {
			old: addon, set: map[string]any{"region": "us-west-2"},
			refused: []string{"requires replacing it", "spec.forProvider.region"},
		},
		"a Job's template refused as the API server refuses it": {
			old: job, set: map[string]any{"manifest.spec.template.spec.containers": []any{map[string]any{"name": "http", "args": []any{"http://backend:8062/health"}}}},
			refused: []string{"field is immutable", "spec.forProvider.manifest.spec.template", `Job "smoke-test-1"`},
		},
		"a Job's backoff limit applied": {
			old: job, set: map[string]any{"manifest.spec.backoffLimit": int64(2)},
			applied: []string{"manifest"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			live := runtime.DeepCopyJSON(tc.old)
			for path, v := range tc.set {
				if err := unstructured.SetNestedField(live, runtime.DeepCopyJSONValue(v), append([]string{"spec", "forProvider"}, strings.Split(path, ".")...)...); err != nil {
					t.Fatal(err)
				}
			}
			_ = unstructured.SetNestedField(live, int64(2), "metadata", "generation")
			up, atProvider, refused := decide(tc.old, live)
			if up.Gen != 2 {
				t.Errorf("generation %d, want 2", up.Gen)
			}
			if refused != (tc.refused != nil) {
				t.Fatalf("refused = %v (%s), want %v", refused, up.Message, tc.refused != nil)
			}
			if refused {
				for _, w := range tc.refused {
					if !strings.Contains(up.Message, w) {
						t.Errorf("message lacks %q: %s", w, up.Message)
					}
				}
				if !isReplacementRefusal(up.Message) {
					t.Errorf("the walk does not take %q for a refusal", up.Message)
				}
				return
			}
			if d := cmp.Diff(tc.applied, up.Fields); d != "" {
				t.Errorf("applied fields (-want +got):\n%s", d)
			}
			if tc.atProvide != nil {
				if d := cmp.Diff(tc.atProvide, atProvider); d != "" {
					t.Errorf("atProvider (-want +got):\n%s", d)
				}
			}
		})
	}
}

// TestWalkFailsFastOnRefusal checks that a walk stops on the first refusal with the provider's message, unless the
// refused resource is tolerated (then it is recorded).
func TestWalkFailsFastOnRefusal(t *testing.T) {
	msg := "refuse to update the external resource because the following update requires replacing it: cannot change the value of spec.forProvider.instanceTypes"
	obj := func(synced, message string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"status": map[string]any{"conditions": []any{
			map[string]any{"type": "Ready", "status": "True"},
			map[string]any{"type": "Synced", "status": synced, "message": message},
		}}}}
	}
	xrObj := &unstructured.Unstructured{Object: map[string]any{"status": map[string]any{"conditions": []any{
		map[string]any{"type": "Applied", "status": "False", "reason": "UpdateRefused", "message": "update refused, it needs a replacement: nodes-group"},
	}}}}
	x := &xr{ns: "ns", name: "prod"}
	composed := map[string]*unstructured.Unstructured{"nodes-group": obj("False", msg), "network-vpc": obj("True", "")}

	var res walkResult
	err := x.checkRefusals(xrObj, composed, walkOptions{}, &res)
	if err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "nodes-group") {
		t.Errorf("want a failure naming nodes-group with the provider's message, got %v", err)
	}

	res = walkResult{}
	err = x.checkRefusals(xrObj, composed, walkOptions{tolerate: func(rn string) bool { return rn == "nodes-group" }}, &res)
	if err != nil {
		t.Errorf("a tolerated refusal failed the walk: %v", err)
	}
	if res.Refused["nodes-group"] != msg || res.AppliedRefused == "" {
		t.Errorf("the tolerated refusal is not recorded: %+v", res)
	}

	// The XR's condition a moment behind: the tolerated resource already gone, the XR still naming it.
	res = walkResult{}
	if err := x.checkRefusals(xrObj, map[string]*unstructured.Unstructured{"network-vpc": obj("True", "")}, walkOptions{tolerate: func(rn string) bool { return rn == "nodes-group" }}, &res); err != nil {
		t.Errorf("a stale XR condition naming only tolerated resources failed the walk: %v", err)
	}

	// The XR says UpdateRefused although no composed resource reads refused (e.g. read a moment apart): still a failure.
	res = walkResult{}
	if err := x.checkRefusals(xrObj, map[string]*unstructured.Unstructured{"network-vpc": obj("True", "")}, walkOptions{}, &res); err == nil {
		t.Error("Applied=False/UpdateRefused did not fail the walk")
	}
}
