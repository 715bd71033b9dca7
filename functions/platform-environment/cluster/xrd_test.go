package cluster

import (
	"strings"
	"testing"

	ct "github.com/cloudpartner/platform-environment/test/composetest"
	"github.com/cloudpartner/platform-environment/test/validate"
)

// TestXRDRejects checks that the XRD rejects bad cluster sections at admission, naming the field, before
// the function ever sees them (the function checks again: see TestResolveRejects).
func TestXRDRejects(t *testing.T) {
	cases := map[string]struct {
		reason  string
		cluster map[string]any
		// want is a fragment of the one expected problem; empty means valid.
		want string
	}{
		"Seed": {
			reason: "The seed's section is valid.",
			cluster: map[string]any{
				"version": "1.35", "endpointPublicAccessCidrs": []any{"198.51.100.0/24"},
				"adminPrincipalArns": []any{testAdmin}, "providerPrincipalArn": testProvider,
				"nodeGroup":     map[string]any{"instanceTypes": []any{"t3.medium"}, "minSize": 2, "desiredSize": 3, "maxSize": 10, "diskSizeGiB": 50},
				"addonVersions": map[string]any{"vpcCni": "v1.20.4-eksbuild.2"},
			},
		},
		"MinAboveMax": {
			reason:  "min > max.",
			cluster: map[string]any{"nodeGroup": map[string]any{"minSize": 5, "maxSize": 3}},
			want:    "spec.cluster.nodeGroup.minSize must not exceed spec.cluster.nodeGroup.maxSize",
		},
		"DesiredAboveMax": {
			reason:  "desired > max.",
			cluster: map[string]any{"nodeGroup": map[string]any{"desiredSize": 11, "maxSize": 10}},
			want:    "spec.cluster.nodeGroup.desiredSize must not exceed spec.cluster.nodeGroup.maxSize",
		},
		"UnsupportedVersion": {
			reason:  "The seed's 1.28.",
			cluster: map[string]any{"version": "1.28"},
			want:    `spec.cluster.version: Unsupported value: "1.28"`,
		},
		"NotACIDR": {
			reason:  "CIDRs only.",
			cluster: map[string]any{"endpointPublicAccessCidrs": []any{"my office"}},
			want:    "spec.cluster.endpointPublicAccessCidrs: every entry must be an IPv4 CIDR",
		},
		"RepeatedAdmin": {
			reason:  "Each admin once.",
			cluster: map[string]any{"adminPrincipalArns": []any{testAdmin, testAdmin}},
			want:    "spec.cluster.adminPrincipalArns must not repeat a principal",
		},
		"SessionARN": {
			reason:  "Access entries take role ARNs, not assumed-role session ARNs.",
			cluster: map[string]any{"providerPrincipalArn": "arn:aws:sts::123456789012:assumed-role/provider/session"},
			want:    "spec.cluster.providerPrincipalArn in body should match",
		},
		"AddonVersion": {
			reason:  "Add-on versions look like v1.2.3-eksbuild.N.",
			cluster: map[string]any{"addonVersions": map[string]any{"coredns": "latest"}},
			want:    "spec.cluster.addonVersions.coredns in body should match",
		},
		"HopLimit": {
			reason:  "IMDS hop limits 1 or 2.",
			cluster: map[string]any{"nodeGroup": map[string]any{"metadataHopLimit": 3}},
			want:    "spec.cluster.nodeGroup.metadataHopLimit",
		},
	}
	v := validate.Shared(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := map[string]any{
				"apiVersion": "platform.cloudpartner.pro/v1alpha1",
				"kind":       "PlatformEnvironment",
				"metadata":   map[string]any{"name": "prod", "namespace": "cloud-consulting"},
				"spec":       map[string]any{"region": "us-east-1", "profile": "dev", "cluster": tc.cluster},
			}
			got := v.XR(xr)
			if tc.want == "" {
				if len(got) > 0 {
					t.Errorf("%s\nproblems: %v", tc.reason, got)
				}
				return
			}
			// One problem, besides the note that schema errors keep the API server from checking CEL rules.
			found := 0
			for _, p := range got {
				switch {
				case strings.Contains(p, tc.want):
					found++
				case strings.Contains(p, "CEL rules (x-kubernetes-validations) were not checked"):
				default:
					t.Errorf("%s\nunexpected problem: %s", tc.reason, p)
				}
			}
			if found != 1 {
				t.Errorf("%s\nproblems: %v\nwant one containing %q", tc.reason, got, tc.want)
			}
		})
	}

	// An access entry's principal cannot change.
	old := map[string]any{
		"apiVersion": "platform.cloudpartner.pro/v1alpha1", "kind": "PlatformEnvironment",
		"metadata": map[string]any{"name": "prod", "namespace": "cloud-consulting"},
		"spec":     map[string]any{"region": "us-east-1", "cluster": map[string]any{"providerPrincipalArn": testProvider}},
	}
	upd := ct.JSONCopy(old)
	upd["spec"].(map[string]any)["cluster"].(map[string]any)["providerPrincipalArn"] = testAdmin
	if got := v.XRUpdate(old, upd); len(got) != 1 || !strings.Contains(got[0], "spec.cluster.providerPrincipalArn is immutable") {
		t.Errorf("changing the provider principal: problems %v", got)
	}
}
