package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// testXRD is a small XRD with what ours uses: a required field with a pattern, an enum with a static default, a
// CEL rule that reads the defaulted field, a CEL library function (isCIDR), and a transition rule (oldSelf).
const testXRD = `apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: platformenvironments.platform.cloudpartner.pro
spec:
  group: platform.cloudpartner.pro
  names:
    kind: PlatformEnvironment
    plural: platformenvironments
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    referenceable: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [region]
            x-kubernetes-validations:
            - rule: self.profile != 'prod' || self.deletionProtection
              message: prod environments need deletionProtection
            properties:
              region:
                type: string
                pattern: '^[a-z]{2}-[a-z]+-[0-9]$'
                x-kubernetes-validations:
                - rule: self == oldSelf
                  message: region is immutable
              profile:
                type: string
                enum: [dev, staging, prod]
                default: dev
              deletionProtection:
                type: boolean
                default: false
              network:
                type: object
                properties:
                  vpcCidr:
                    type: string
                    x-kubernetes-validations:
                    - rule: isCIDR(self) && cidr(self).ip().family() == 4
                      message: vpcCidr must be an IPv4 CIDR
          status:
            type: object
            properties:
              ready:
                type: boolean
`

func writeXRD(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "definition.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func xrValidator(t *testing.T, xrd string) *Validator {
	t.Helper()
	v, err := New(WithXRD(writeXRD(t, xrd)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func xr(spec map[string]any) map[string]any {
	o := obj("platform.cloudpartner.pro/v1alpha1", "PlatformEnvironment", "prod", spec)
	o["metadata"].(map[string]any)["namespace"] = "team-a"
	return o
}

func TestXR(t *testing.T) {
	cases := map[string]struct {
		reason string
		obj    map[string]any
		want   []string
	}{
		"Minimal": {
			reason: "Only region is required; the CEL rule on spec reads profile and deletionProtection, which exist only after defaulting.",
			obj:    xr(map[string]any{"region": "eu-central-1"}),
		},
		"CrossplaneFields": {
			reason: "The fields Crossplane adds to every XR's spec (spec.crossplane) are in the derived CRD.",
			obj: xr(map[string]any{"region": "eu-central-1", "crossplane": map[string]any{
				"compositionRef": map[string]any{"name": "platform-environment"},
			}}),
		},
		"MissingRegion": {
			reason: "A required field.",
			obj:    xr(map[string]any{}),
			want: []string{
				"PlatformEnvironment/prod: " + celSkipped,
				"PlatformEnvironment/prod: spec.region: Required value",
			},
		},
		"Pattern": {
			reason: "A pattern violation.",
			obj:    xr(map[string]any{"region": "Frankfurt"}),
			want: []string{
				`PlatformEnvironment/prod: spec.region: Invalid value: "Frankfurt": spec.region in body should match '^[a-z]{2}-[a-z]+-[0-9]$'`,
			},
		},
		"Enum": {
			reason: "An enum violation.",
			obj:    xr(map[string]any{"region": "eu-central-1", "profile": "production"}),
			want: []string{
				"PlatformEnvironment/prod: " + celSkipped,
				`PlatformEnvironment/prod: spec.profile: Unsupported value: "production": supported values: "dev", "staging", "prod"`,
			},
		},
		"CELRule": {
			reason: "A CEL rule across fields.",
			obj:    xr(map[string]any{"region": "eu-central-1", "profile": "prod"}),
			want:   []string{"PlatformEnvironment/prod: spec: Invalid value: prod environments need deletionProtection"},
		},
		"CELLibrary": {
			reason: "The Kubernetes CEL libraries (here the CIDR library) are available.",
			obj:    xr(map[string]any{"region": "eu-central-1", "network": map[string]any{"vpcCidr": "fd00::/8"}}),
			want:   []string{"PlatformEnvironment/prod: spec.network.vpcCidr: Invalid value: \"fd00::/8\": vpcCidr must be an IPv4 CIDR"},
		},
		"UnknownField": {
			reason: "A field the XRD does not declare.",
			obj:    xr(map[string]any{"region": "eu-central-1", "regoin": "eu-west-1"}),
			want:   []string{"PlatformEnvironment/prod: spec.regoin: unknown field (not in the PlatformEnvironment v1alpha1 schema)"},
		},
		"NameTooLong": {
			reason: "Crossplane limits XR names to 63 characters (they become label values).",
			obj:    with(xr(map[string]any{"region": "eu-central-1"}), "metadata.name", strings.Repeat("a", 64)),
			want: []string{
				"PlatformEnvironment/" + strings.Repeat("a", 64) + ": " + celSkipped,
				"PlatformEnvironment/" + strings.Repeat("a", 64) + ": metadata.name: Too long: may not be more than 63 bytes",
			},
		},
		"NotTheXR": {
			reason: "XR validates only the kind the XRD defines.",
			obj:    validVPC(),
			want:   []string{"VPC/vpc: apiVersion: ec2.aws.m.upbound.io/v1beta1, Kind=VPC is not the XR; <xrd> defines PlatformEnvironment.platform.cloudpartner.pro"},
		},
	}
	v := xrValidator(t, testXRD)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := v.XR(tc.obj)
			for i := range got {
				got[i] = strings.ReplaceAll(got[i], v.xrdPath, "<xrd>")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nXR(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestXRUpdate(t *testing.T) {
	base := xr(map[string]any{"region": "eu-central-1"})
	cases := map[string]struct {
		reason   string
		old, obj map[string]any
		want     []string
	}{
		"ChangeMutable": {
			reason: "Changing a mutable field is fine.",
			old:    base,
			obj:    with(base, "spec.profile", "staging"),
		},
		"ChangeImmutable": {
			reason: "A transition rule (self == oldSelf) rejects the change.",
			old:    base,
			obj:    with(base, "spec.region", "eu-west-1"),
			want:   []string{"PlatformEnvironment/prod: spec.region: Invalid value: \"eu-west-1\": region is immutable"},
		},
	}
	v := xrValidator(t, testXRD)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, v.XRUpdate(tc.old, tc.obj)); diff != "" {
				t.Errorf("%s\nXRUpdate(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestXRBadXRD checks that what would keep Crossplane from establishing the XRD is reported for every XR.
func TestXRBadXRD(t *testing.T) {
	cases := map[string]struct {
		reason string
		xrd    string
		want   string
	}{
		"UnknownXRDField": {
			reason: "The XRD itself is validated against Crossplane's XRD CRD.",
			xrd:    strings.Replace(testXRD, "  scope: Namespaced\n", "  scope: Namespaced\n  claimName: x\n", 1),
			want:   "the XRD <xrd> is invalid: CompositeResourceDefinition/platformenvironments.platform.cloudpartner.pro: spec.claimName: unknown field (not in the CompositeResourceDefinition v2 schema)",
		},
		"CELDoesNotCompile": {
			reason: "The derived CRD is validated as the API server validates a CRD: a CEL rule must compile.",
			xrd:    strings.Replace(testXRD, "self == oldSelf", "self ==", 1),
			want:   "the API server would reject the CRD that Crossplane derives from <xrd>: spec.validation.openAPIV3Schema.properties[spec].properties[region].x-kubernetes-validations[0].rule: Invalid value: ",
		},
		"DefaultNotInEnum": {
			reason: "A default must satisfy its own schema.",
			xrd:    strings.Replace(testXRD, "default: dev", "default: development", 1),
			want:   "the API server would reject the CRD that Crossplane derives from <xrd>: spec.validation.openAPIV3Schema.properties[spec].properties[profile].default: Unsupported value: \"development\": supported values: \"dev\", \"staging\", \"prod\"",
		},
		"Missing": {
			reason: "XR needs the XRD file.",
			xrd:    "",
			want:   "cannot read the XRD: open <xrd>: no such file or directory",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeXRD(t, tc.xrd)
			if tc.xrd == "" {
				p += ".missing"
			}
			v, err := New(WithXRD(p))
			if err != nil {
				t.Fatal(err)
			}
			got := v.XR(xr(map[string]any{"region": "eu-central-1"}))
			if len(got) != 1 {
				t.Fatalf("%s\nXR(...): want one problem, got %q", tc.reason, got)
			}
			g := strings.ReplaceAll(got[0], p, "<xrd>")
			want := "PlatformEnvironment/prod: apiVersion: " + tc.want
			if !strings.HasPrefix(g, want) {
				t.Errorf("%s\nXR(...):\nwant prefix %s\ngot         %s", tc.reason, want, g)
			}
		})
	}
}

// TestXRRepositoryXRD checks that XR reads the repository's apis/definition.yaml, and that Crossplane can derive a
// CRD from it that the API server accepts.
func TestXRRepositoryXRD(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.xrSchema(schema.GroupVersionKind{Group: "platform.cloudpartner.pro", Version: "v1alpha1", Kind: "PlatformEnvironment"}); err != nil {
		t.Fatal(err)
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "apis", "definition.yaml"); v.xrdPath != want {
		t.Errorf("XR read %s, want %s", v.xrdPath, want)
	}
}
