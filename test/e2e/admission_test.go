//go:build e2e

package e2e

import (
	"strings"
	"testing"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// badSpecs are the foundation issue's bad specs that the XRD's schema and CEL rules reject (those with
// admission: true in functions/platform-environment/fn_test.go TestBadSpecs; the others only the function can tell,
// and it does so with a Fatal that the unit tests cover). Each edits the seed: path → value (nil deletes).
var badSpecs = map[string]struct {
	set  map[string]any
	want []string // in the API server's error message: the field, and the rule's message where it is ours
}{
	"MalformedCIDR": {
		set:  map[string]any{"network.vpcCidr": "10.0.0.0/33"},
		want: []string{"spec.network.vpcCidr", "must be an IPv4 CIDR with a prefix length from /16 to /24"},
	},
	"HostBits": {
		set:  map[string]any{"network.vpcCidr": "10.0.0.1/16"},
		want: []string{"spec.network.vpcCidr", "must have no host bits set"},
	},
	"OneZone": {
		set: map[string]any{"network.availabilityZones": []any{"us-east-1a"}, "network.publicSubnetCidrs": nil,
			"network.privateSubnetCidrs": nil, "network.databaseSubnetCidrs": nil},
		want: []string{"spec.network.availabilityZones", "should have at least 2 items"},
	},
	"ZoneOutsideRegion": {
		set:  map[string]any{"network.availabilityZones": []any{"us-east-1a", "us-east-1b", "eu-west-1c"}},
		want: []string{"spec.network.availabilityZones: every zone must be in spec.region"},
	},
	"UnknownProfile": {
		set:  map[string]any{"profile": "production"},
		want: []string{"spec.profile", `Unsupported value: "production"`},
	},
	"NoRegion": {
		set:  map[string]any{"region": nil},
		want: []string{"spec.region", "Required value"},
	},
	"SubnetCountMismatch": {
		set:  map[string]any{"network.publicSubnetCidrs": []any{"10.0.1.0/24", "10.0.2.0/24"}},
		want: []string{"spec.network.publicSubnetCidrs: list one CIDR per availability zone"},
	},
	"WrongType": {
		set:  map[string]any{"network.subnetPrefixLength": "24"},
		want: []string{"spec.network.subnetPrefixLength", "must be of type integer"},
	},
}

// badUpdates are edits of an existing environment that transition rules reject.
var badUpdates = map[string]struct {
	set  map[string]any
	want []string
}{
	"RegionIsImmutable": {
		set:  map[string]any{"region": "us-west-2", "network.availabilityZones": []any{"us-west-2a", "us-west-2b", "us-west-2c"}},
		want: []string{"spec.region is immutable"},
	},
	"VPCCIDRIsImmutable": {
		set:  map[string]any{"network.vpcCidr": "10.1.0.0/16", "network.publicSubnetCidrs": nil, "network.privateSubnetCidrs": nil, "network.databaseSubnetCidrs": nil},
		want: []string{"spec.network.vpcCidr is immutable"},
	},
}

// TestAdmissionRejectsBadSpecs files each bad spec as a new XR and edits a filed XR in each forbidden way: the API
// server must refuse every one as Invalid, with the schema's or the CEL rule's message.
func TestAdmissionRejectsBadSpecs(t *testing.T) {
	ctx := ctxFor(t)
	const ns = "e2e-admission"
	env.ensureNamespace(ctx, t, ns)
	seed := readXR(t, exampleNamed(t, "seed-production").file)
	seed.SetNamespace(ns)

	check := func(t *testing.T, err error, want []string) {
		t.Helper()
		if err == nil {
			t.Fatal("accepted; want it rejected at admission")
		}
		if !kerrors.IsInvalid(err) {
			t.Errorf("rejected, but not as Invalid (422): %v", err)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("message lacks %q:\n%v", w, err)
			}
		}
	}

	timed(t, "admission: bad specs", func() {
		for name, tc := range badSpecs {
			t.Run(name, func(t *testing.T) {
				xr := edited(t, seed, tc.set)
				xr.SetName("bad-" + strings.ToLower(name))
				// A plain create (POST), as `kubectl create` or a GitOps tool's first apply sends it.
				_, err := env.kube.create(ctx, xr)
				if err == nil {
					_ = env.kube.delete(ctx, xr.GroupVersionKind(), ns, xr.GetName())
				}
				check(t, err, tc.want)
			})
		}
	})

	// The updates edit one valid XR, which Crossplane leaves alone (paused).
	good := seed.DeepCopy()
	good.SetName("immutable")
	good.SetAnnotations(map[string]string{"crossplane.io/paused": "true"}) // nothing to compose for this one
	if _, err := env.kube.create(ctx, good); err != nil {
		t.Fatalf("the seed itself is rejected: %v", err)
	}
	t.Cleanup(func() { _ = env.kube.delete(ctx, good.GroupVersionKind(), ns, good.GetName()) })
	timed(t, "admission: bad updates", func() {
		for name, tc := range badUpdates {
			t.Run(name, func(t *testing.T) {
				// A plain update (PUT) of the whole object, as `kubectl edit` sends it; read again when something
				// else (Crossplane marking the XR paused) updated it in between.
				var err error
				for range 5 {
					cur, gerr := env.kube.get(ctx, good.GroupVersionKind(), ns, good.GetName())
					if gerr != nil || cur == nil {
						t.Fatalf("get %s: %v", good.GetName(), gerr)
					}
					if _, err = env.kube.update(ctx, edited(t, cur, tc.set)); !kerrors.IsConflict(err) {
						break
					}
				}
				check(t, err, tc.want)
			})
		}
	})
}

// edited returns a copy of an XR with spec paths ("network.vpcCidr") set, or deleted where the value is nil.
func edited(t *testing.T, xr *unstructured.Unstructured, set map[string]any) *unstructured.Unstructured {
	t.Helper()
	out := xr.DeepCopy()
	for path, v := range set {
		fields := append([]string{"spec"}, strings.Split(path, ".")...)
		if v == nil {
			unstructured.RemoveNestedField(out.Object, fields...)
			continue
		}
		if err := unstructured.SetNestedField(out.Object, runtime.DeepCopyJSONValue(v), fields...); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
