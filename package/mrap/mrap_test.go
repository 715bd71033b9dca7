package mrap

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func gk(group, kind string) schema.GroupKind { return schema.GroupKind{Group: group, Kind: kind} }

var (
	crdOnce sync.Once
	crdDirs []string
	crdErr  error
)

// providerIndex indexes the real provider CRDs from the module cache: what a kind maps to must come from the
// providers, not from a copy of them.
func providerIndex(t *testing.T) *CRDIndex {
	t.Helper()
	crdOnce.Do(func() { crdDirs, crdErr = ProviderCRDDirs() })
	if crdErr != nil {
		t.Fatalf("ProviderCRDDirs: %v", crdErr)
	}
	return NewCRDIndex(crdDirs...)
}

func TestComposedKinds(t *testing.T) {
	got, err := ComposedKinds("testdata/goldens")
	if err != nil {
		t.Fatal(err)
	}
	// The XR, the Usage and the render Result are no provider kinds; kinds seen in several files count once.
	want := []schema.GroupKind{
		gk("ec2.aws.m.upbound.io", "Subnet"),
		gk("ec2.aws.m.upbound.io", "VPC"),
		gk("helm.m.crossplane.io", "Release"),
		gk("kubernetes.m.crossplane.io", "Object"),
		gk("kubernetes.m.crossplane.io", "ProviderConfig"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ComposedKinds(): -want, +got:\n%s", diff)
	}
}

func TestKindsIn(t *testing.T) {
	cases := map[string]struct {
		reason string
		stream string
		want   []schema.GroupKind
		err    bool
	}{
		"CoreGroupSkipped": {
			reason: "A core-group object (a Secret) is no managed resource.",
			stream: "apiVersion: v1\nkind: Secret\n",
		},
		"CommentsOnly": {
			reason: "A document of only comments names nothing.",
			stream: "# nothing\n---\n# still nothing\n",
		},
		"SeparatorWithSpaces": {
			reason: "A separator line with trailing blanks still splits documents.",
			stream: "apiVersion: rds.aws.m.upbound.io/v1beta1\nkind: Instance\n---  \napiVersion: kms.aws.m.upbound.io/v1beta1\nkind: Key\n",
			want:   []schema.GroupKind{gk("rds.aws.m.upbound.io", "Instance"), gk("kms.aws.m.upbound.io", "Key")},
		},
		"BadAPIVersion": {
			reason: "An unparsable apiVersion is an error, not a silently skipped object.",
			stream: "apiVersion: a/b/c\nkind: X\n",
			err:    true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := kindsIn([]byte(tc.stream))
			if (err != nil) != tc.err {
				t.Fatalf("%s\nkindsIn(): error %v, want error %t", tc.reason, err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nkindsIn(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMRDNames(t *testing.T) {
	x := providerIndex(t)
	cases := map[string]struct {
		reason string
		gks    []schema.GroupKind
		want   []string
		err    string
	}{
		"NamedLikeTheirCRDs": {
			reason: "An MRD has its CRD's name, <plural>.<group>, with the plural from the provider's CRD.",
			gks: []schema.GroupKind{
				gk("ec2.aws.m.upbound.io", "VPC"),
				gk("elbv2.aws.m.upbound.io", "LB"),
				gk("kubernetes.m.crossplane.io", "Object"),
				gk("helm.m.crossplane.io", "Release"),
			},
			want: []string{"lbs.elbv2.aws.m.upbound.io", "objects.kubernetes.m.crossplane.io", "releases.helm.m.crossplane.io", "vpcs.ec2.aws.m.upbound.io"},
		},
		"ProviderConfigNotActivated": {
			reason: "Crossplane keeps ProviderConfig kinds as plain CRDs, so the policy must not name them.",
			gks:    []schema.GroupKind{gk("kubernetes.m.crossplane.io", "ProviderConfig"), gk("aws.m.upbound.io", "ProviderConfig")},
		},
		"UnknownKind": {
			reason: "A kind the provider lacks (here a cluster-scoped spelling) is an error: the policy would name nothing.",
			gks:    []schema.GroupKind{gk("ec2.aws.m.upbound.io", "Vpc")},
			err:    `provider group "ec2.aws.m.upbound.io" has no kind "Vpc"`,
		},
		"ClusterScopedGroup": {
			reason: "provider-aws also serves cluster-scoped groups with the same kinds; a namespaced XR cannot compose them.",
			gks:    []schema.GroupKind{gk("ec2.aws.upbound.io", "VPC")},
			err:    `no provider package known for group "ec2.aws.upbound.io"`,
		},
		"UnknownAWSService": {
			reason: "A namespaced-looking group no provider serves is an error.",
			gks:    []schema.GroupKind{gk("nosuch.aws.m.upbound.io", "Thing")},
			err:    `no provider CRD of group "nosuch.aws.m.upbound.io"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := MRDNames(x, tc.gks)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("%s\nMRDNames(): error %v, want one containing %q", tc.reason, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s\nMRDNames(): %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nMRDNames(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestProviders(t *testing.T) {
	cases := map[string]struct {
		reason string
		gks    []schema.GroupKind
		want   []string
		err    bool
	}{
		"FamilyPerService": {
			reason: "Each provider-aws v2 service group is served by its own family package; duplicates collapse.",
			gks: []schema.GroupKind{
				gk("ec2.aws.m.upbound.io", "VPC"), gk("ec2.aws.m.upbound.io", "Subnet"),
				gk("cloudwatchlogs.aws.m.upbound.io", "Group"), gk("helm.m.crossplane.io", "Release"),
				gk("kubernetes.m.crossplane.io", "Object"),
			},
			want: []string{
				"xpkg.crossplane.io/crossplane-contrib/provider-helm",
				"xpkg.crossplane.io/crossplane-contrib/provider-kubernetes",
				"xpkg.upbound.io/upbound/provider-aws-cloudwatchlogs",
				"xpkg.upbound.io/upbound/provider-aws-ec2",
			},
		},
		"FamilyConfigImplicit": {
			reason: "provider-family-aws comes with every family member; the Configuration need not list it.",
			gks:    []schema.GroupKind{gk("aws.m.upbound.io", "ProviderConfig")},
			want:   []string{},
		},
		"ClusterScopedGroup": {
			reason: "A cluster-scoped (v1-style) provider-aws group is not what we compose: an error.",
			gks:    []schema.GroupKind{gk("ec2.aws.upbound.io", "VPC")},
			err:    true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Providers(tc.gks)
			if (err != nil) != tc.err {
				t.Fatalf("%s\nProviders(): error %v, want error %t", tc.reason, err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); !tc.err && diff != "" {
				t.Errorf("%s\nProviders(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestWriteRead(t *testing.T) {
	names := []string{"objects.kubernetes.m.crossplane.io", "vpcs.ec2.aws.m.upbound.io"}
	var b bytes.Buffer
	if err := Write(&b, names); err != nil {
		t.Fatal(err)
	}
	want := Header + `apiVersion: apiextensions.crossplane.io/v1alpha1
kind: ManagedResourceActivationPolicy
metadata:
  name: platform-environment
spec:
  activate:
  - objects.kubernetes.m.crossplane.io
  - vpcs.ec2.aws.m.upbound.io
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Write(): -want, +got:\n%s", diff)
	}
	p := filepath.Join(t.TempDir(), "mrap.yaml")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names, got.Spec.Activate); diff != "" {
		t.Errorf("Read(): -want, +got:\n%s", diff)
	}
	if err := Write(&b, nil); err == nil {
		t.Error("Write(nil): want an error, the MRAP schema requires minItems 1")
	}
}
