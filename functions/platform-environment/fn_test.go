package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/test/validate"
)

// set returns a copy of the XR with a value set at a dotted path under spec ("network.vpcCidr").
func set(xr map[string]any, path string, value any) map[string]any {
	out := deepCopyMap(xr)
	cur := out["spec"].(map[string]any)
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	if value == nil {
		delete(cur, parts[len(parts)-1])
	} else {
		cur[parts[len(parts)-1]] = value
	}
	return out
}

func deepCopyMap(m map[string]any) map[string]any {
	s, _ := structpb.NewStruct(m)
	return s.AsMap()
}

// TestBadSpecs: every bad input is rejected with a message that names the field — at admission by the
// XRD's schema/CEL, and again by the function (crossplane render and older XRDs do not validate).
func TestBadSpecs(t *testing.T) {
	seed := readXR(t, "seed-production")
	cases := map[string]struct {
		reason string
		xr     map[string]any
		field  string
		// admission is false where only the function can tell (e.g. subnets that do not fit).
		admission bool
	}{
		"MalformedCIDR": {
			reason: "The VPC CIDR must parse.", admission: true,
			xr: set(seed, "network.vpcCidr", "10.0.0.0/33"), field: "spec.network.vpcCidr",
		},
		"HostBits": {
			reason: "The VPC CIDR has host bits set.", admission: true,
			xr: set(seed, "network.vpcCidr", "10.0.0.1/16"), field: "spec.network.vpcCidr",
		},
		"OverlappingSubnets": {
			reason: "A private subnet overlaps a public one.",
			xr:     set(seed, "network.privateSubnetCidrs", []any{"10.0.1.0/24", "10.0.12.0/24", "10.0.13.0/24"}),
			field:  "spec.network.privateSubnetCidrs[0]",
		},
		"SubnetOutsideVPC": {
			reason: "A database subnet outside the VPC.",
			xr:     set(seed, "network.databaseSubnetCidrs", []any{"10.0.21.0/24", "10.0.22.0/24", "192.168.0.0/24"}),
			field:  "spec.network.databaseSubnetCidrs[2]",
		},
		"LayoutDoesNotFit": {
			reason: "A /22 VPC cannot hold three tiers of /24s (4 blocks, 9 needed).",
			xr: set(set(set(set(seed, "network.vpcCidr", "10.0.0.0/22"), "network.publicSubnetCidrs", nil),
				"network.privateSubnetCidrs", nil), "network.databaseSubnetCidrs", nil),
			field: "spec.network.subnetPrefixLength",
		},
		"OneZone": {
			reason: "Fewer than two zones.", admission: true,
			xr: set(set(set(set(seed, "network.availabilityZones", []any{"us-east-1a"}), "network.publicSubnetCidrs", nil),
				"network.privateSubnetCidrs", nil), "network.databaseSubnetCidrs", nil),
			field: "spec.network.availabilityZones",
		},
		"ZoneOutsideRegion": {
			reason: "A zone of another region.", admission: true,
			xr:    set(seed, "network.availabilityZones", []any{"us-east-1a", "us-east-1b", "eu-west-1c"}),
			field: "spec.network.availabilityZones",
		},
		"UnknownProfile": {
			reason: "Profiles are dev, staging and prod.", admission: true,
			xr: set(seed, "profile", "production"), field: "spec.profile",
		},
		"NoRegion": {
			reason: "The region is required.", admission: true,
			xr: set(seed, "region", nil), field: "spec.region",
		},
		"SubnetCountMismatch": {
			reason: "One subnet per zone.", admission: true,
			xr: set(seed, "network.publicSubnetCidrs", []any{"10.0.1.0/24", "10.0.2.0/24"}), field: "spec.network.publicSubnetCidrs",
		},
		"WrongType": {
			reason: "A string where a number belongs.", admission: true,
			xr: set(seed, "network.subnetPrefixLength", "24"), field: "spec.network.subnetPrefixLength",
		},
	}
	v := validate.Shared(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			desired := &fnv1.State{Resources: map[string]*fnv1.Resource{
				"network-vpc": {Resource: mustStruct(t, map[string]any{"apiVersion": "ec2.aws.m.upbound.io/v1beta1", "kind": "VPC"})},
			}}
			req := &fnv1.RunFunctionRequest{
				Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: mustStruct(t, tc.xr)}},
				Desired:  desired,
			}
			rsp, err := (&Function{log: nopLogger()}).RunFunction(t.Context(), req)
			if err != nil {
				t.Fatalf("RunFunction returned a Go error: %v", err)
			}
			msg := fatal(rsp)
			if !strings.Contains(msg, tc.field) {
				t.Errorf("%s\nfunction: want a Fatal naming %s, got %q", tc.reason, tc.field, msg)
			}
			// A fatal response carries the desired state it was given: nothing is dropped.
			if diff := cmp.Diff(desired, rsp.GetDesired(), protocmp.Transform()); diff != "" {
				t.Errorf("a Fatal must not change desired state:\n%s", diff)
			}
			errs := strings.Join(v.XR(tc.xr), "\n")
			if tc.admission && !strings.Contains(errs, tc.field) {
				t.Errorf("%s\nadmission: want a schema/CEL error naming %s, got:\n%s", tc.reason, tc.field, errs)
			}
			if !tc.admission && errs != "" {
				t.Logf("admission also rejects it: %s", errs)
			}
		})
	}
}

// TestSeedRenders checks the success path's response shape: FunctionSuccess and Applied conditions, resources,
// and status published on the XR.
func TestSeedRenders(t *testing.T) {
	rsp := run(t, readXR(t, "seed-production"), nil)
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	if n := len(rsp.GetDesired().GetResources()); n < 58 {
		t.Errorf("rendered %d resources; the network alone has 58", n)
	}
	// The budget's condition comes first (False without a limit), then FunctionSuccess, then Applied.
	conds := rsp.GetConditions()
	if len(conds) != 3 || conds[0].GetType() != "BudgetExceeded" || conds[0].GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE ||
		conds[1].GetType() != "FunctionSuccess" || conds[1].GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE ||
		conds[2].GetType() != "Applied" || conds[2].GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE || conds[2].GetReason() != "Synced" {
		t.Errorf("want BudgetExceeded=False, FunctionSuccess=True and Applied=True (Synced: nothing observed yet), got %v", conds)
	}
	for _, c := range conds {
		if c.GetTarget() != fnv1.Target_TARGET_COMPOSITE {
			t.Errorf("condition %s targets %v, want the composite (a namespaced XR has no claim)", c.GetType(), c.GetTarget())
		}
	}
	status := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	resolved := status["resolved"].(map[string]any)
	if resolved["deletionProtection"] != true {
		t.Errorf("status.resolved.deletionProtection = %v, want true for the seed", resolved["deletionProtection"])
	}
}

// TestPanicIsFatal: a bug in a builder must end in a Fatal result, not a crashed function, and the
// desired state it was given goes back untouched.
func TestPanicIsFatal(t *testing.T) {
	renderEnvironment = func(*v1alpha1.PlatformEnvironment, compose.Observed) (*compose.Assembled, v1alpha1.PlatformEnvironmentStatus, error) {
		panic("boom")
	}
	t.Cleanup(func() { renderEnvironment = render })
	rsp := run(t, readXR(t, "seed-production"), nil)
	if msg := fatal(rsp); !strings.Contains(msg, "internal error") || !strings.Contains(msg, "boom") {
		t.Errorf("want a Fatal about the internal error, got %q", msg)
	}
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("a recovered panic must return the desired state it was given (none), got %d resources", n)
	}
}
