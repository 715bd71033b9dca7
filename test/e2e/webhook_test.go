//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestUsageWebhookBlocksDeletion proves that Crossplane's Usage protection is live on this control plane, apart from
// anything our function composes: the API server calls Crossplane's webhook over loopback, the webhook refuses to
// delete a used object, and once the user is gone the Usage lets go and replays the deletion.
func TestUsageWebhookBlocksDeletion(t *testing.T) {
	ctx := ctxFor(t)
	const ns = "e2e-usage-webhook"
	env.ensureNamespace(ctx, t, ns)
	cm := func(name string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": name, "namespace": ns},
			"data":     map[string]any{"k": "v"},
		}}
	}
	usage := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "protection.crossplane.io/v1beta1", "kind": "Usage",
		"metadata": map[string]any{"name": "used-by-user", "namespace": ns},
		"spec": map[string]any{
			"of":             map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "resourceRef": map[string]any{"name": "used"}},
			"by":             map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "resourceRef": map[string]any{"name": "user"}},
			"replayDeletion": true,
		},
	}}
	if err := env.kube.applyAll(ctx, []*unstructured.Unstructured{cm("used"), cm("user"), usage}); err != nil {
		t.Fatal(err)
	}
	gvkCM := schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	err := poll(ctx, time.Minute, 100*time.Millisecond, func() (bool, error) {
		u, err := env.kube.get(ctx, gvkCM, ns, "used")
		return u != nil && u.GetLabels()[labelInUse] == "true", err
	})
	if err != nil {
		t.Fatalf("Crossplane never labelled the used ConfigMap in use: %v", err)
	}

	err = env.kube.delete(ctx, gvkCM, ns, "used")
	if err == nil {
		t.Fatal("deleting a used object succeeded; the Usage webhook is not enforced")
	}
	if !strings.Contains(err.Error(), "in-use") && !strings.Contains(err.Error(), "Usage") {
		t.Fatalf("deleting a used object failed, but not because of the Usage: %v", err)
	}
	t.Logf("refused as expected: %v", err)

	if err := env.kube.delete(ctx, gvkCM, ns, "user"); err != nil {
		t.Fatal(err)
	}
	err = poll(ctx, time.Minute, 100*time.Millisecond, func() (bool, error) {
		u, err := env.kube.get(ctx, gvkCM, ns, "used")
		return u == nil, err
	})
	if err != nil {
		t.Fatalf("the used ConfigMap was not deleted after its user went (replayDeletion): %v", err)
	}
	if u, err := env.kube.get(ctx, usage.GroupVersionKind(), ns, usage.GetName()); err != nil || u != nil {
		t.Errorf("the Usage is still there after its user went: %v", err)
	}
}
