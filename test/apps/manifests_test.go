package apps

import (
	"strings"
	"testing"
)

func TestDecodeStrict(t *testing.T) {
	deployment := func(mut func(spec map[string]any)) map[string]any {
		spec := map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{"app": "a"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "a"}},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "a", "image": "x:1"}}},
			},
		}
		if mut != nil {
			mut(spec)
		}
		return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "a"}, "spec": spec}
	}
	cases := map[string]struct {
		reason   string
		manifest map[string]any
		known    bool
		err      string
	}{
		"Valid": {reason: "a well-formed Deployment decodes", manifest: deployment(nil), known: true},
		"UnknownField": {
			reason:   "a misspelt field is an error, not silently dropped",
			manifest: deployment(func(s map[string]any) { s["replica"] = 3 }),
			known:    true, err: `unknown field "spec.replica"`,
		},
		"WrongType": {
			reason:   "a string where a number belongs is an error",
			manifest: deployment(func(s map[string]any) { s["replicas"] = "three" }),
			known:    true, err: "cannot unmarshal",
		},
		"WrongCase": {
			reason:   "field names are case sensitive, as for the API server",
			manifest: deployment(func(s map[string]any) { s["Replicas"] = 3 }),
			known:    true, err: `unknown field "spec.Replicas"`,
		},
		"TargetGroupBindingUnknownField": {
			reason: "the TargetGroupBinding mirror is strict too",
			manifest: map[string]any{"apiVersion": "elbv2.k8s.aws/v1beta1", "kind": "TargetGroupBinding", "metadata": map[string]any{"name": "b"},
				"spec": map[string]any{"targetGroupArn": "arn", "serviceRef": map[string]any{"name": "b", "port": 80}}},
			known: true, err: `unknown field "spec.targetGroupArn"`,
		},
		"CRDKind": {
			reason:   "kinds without a Go type are left to the CRD check",
			manifest: map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, known, err := DecodeStrict(tc.manifest)
			if known != tc.known {
				t.Errorf("%s: known = %v, want %v", tc.reason, known, tc.known)
			}
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("%s: unexpected error %v", tc.reason, err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("%s: error %v, want one containing %q", tc.reason, err, tc.err)
			}
		})
	}
}

func TestExternalSecretsCRDs(t *testing.T) {
	eso, err := ExternalSecretsCRDs()
	if err != nil {
		t.Fatal(err)
	}
	es := func(spec map[string]any) map[string]any {
		return map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
			"metadata": map[string]any{"name": "s", "namespace": "n"}, "spec": spec}
	}
	cases := map[string]struct {
		reason   string
		manifest map[string]any
		want     string
	}{
		"Valid": {reason: "a minimal ExternalSecret is valid", manifest: es(map[string]any{
			"secretStoreRef": map[string]any{"kind": "ClusterSecretStore", "name": "aws"},
			"data":           []any{map[string]any{"secretKey": "k", "remoteRef": map[string]any{"key": "x"}}},
		})},
		"UnknownField": {reason: "unknown fields are reported", manifest: es(map[string]any{"refreshEvery": "1h"}), want: "spec.refreshEvery: unknown field"},
		"BadEnum": {reason: "enums are checked", manifest: es(map[string]any{
			"target": map[string]any{"creationPolicy": "Sometimes"},
		}), want: "spec.target.creationPolicy"},
		"UnservedVersion": {reason: "v1beta1 is no longer served by 0.20", manifest: map[string]any{"apiVersion": "external-secrets.io/v1beta1", "kind": "ExternalSecret"}, want: "no CRD serves"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(eso.Validate(tc.manifest), "; ")
			if tc.want == "" && got != "" {
				t.Errorf("%s: unexpected problems: %s", tc.reason, got)
			}
			if tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("%s: problems %q, want one containing %q", tc.reason, got, tc.want)
			}
		})
	}
}
