//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// What docs/app-teams.md ("What deletion does to your data") says a protected environment leaves in AWS:
// keptKinds are the only kinds that may stay (some of their resources go, e.g. IAM roles other than the database's
// monitoring role, the database subnet group of a dev environment), alwaysKept the kinds of which every resource
// stays, and deletedKinds kinds of which none may stay ("the EKS cluster and its nodes ... the NAT gateways and their
// Elastic IPs ... the S3 endpoint and the VPC flow log").
var (
	keptKinds = []string{
		"rds.aws.m.upbound.io/Instance", "rds.aws.m.upbound.io/SubnetGroup", "rds.aws.m.upbound.io/ParameterGroup",
		"elasticache.aws.m.upbound.io/ReplicationGroup", "elasticache.aws.m.upbound.io/SubnetGroup",
		// The database's enhanced-monitoring role stays with the policy attachment that makes it work.
		"kms.aws.m.upbound.io/Key", "iam.aws.m.upbound.io/Role", "iam.aws.m.upbound.io/RolePolicyAttachment",
		"elbv2.aws.m.upbound.io/LB", "s3.aws.m.upbound.io/Bucket",
		"route53.aws.m.upbound.io/Zone", "cloudwatchlogs.aws.m.upbound.io/Group", "secretsmanager.aws.m.upbound.io/Secret",
		// The account-wide aws-waf-logs-* resource policy every environment of the account and region shares
		// (docs/security.md): never deleted by one of them, in any profile.
		"cloudwatchlogs.aws.m.upbound.io/ResourcePolicy",
		// The part of the network the protected resources need (keptNetwork says which).
		"ec2.aws.m.upbound.io/VPC", "ec2.aws.m.upbound.io/Subnet", "ec2.aws.m.upbound.io/InternetGateway",
		"ec2.aws.m.upbound.io/RouteTable", "ec2.aws.m.upbound.io/Route", "ec2.aws.m.upbound.io/RouteTableAssociation",
		"ec2.aws.m.upbound.io/SecurityGroup", "ec2.aws.m.upbound.io/SecurityGroupIngressRule",
	}
	alwaysKept = []string{
		"rds.aws.m.upbound.io/Instance", "elasticache.aws.m.upbound.io/ReplicationGroup", "kms.aws.m.upbound.io/Key",
		"elbv2.aws.m.upbound.io/LB", "s3.aws.m.upbound.io/Bucket", "route53.aws.m.upbound.io/Zone",
		"cloudwatchlogs.aws.m.upbound.io/Group", "secretsmanager.aws.m.upbound.io/Secret",
		"cloudwatchlogs.aws.m.upbound.io/ResourcePolicy",
		"ec2.aws.m.upbound.io/VPC", "ec2.aws.m.upbound.io/InternetGateway",
	}
	deletedKinds = []string{
		"eks.aws.m.upbound.io/Cluster", "eks.aws.m.upbound.io/NodeGroup", "kubernetes.m.crossplane.io/Object",
		"helm.m.crossplane.io/Release", "ec2.aws.m.upbound.io/NATGateway", "ec2.aws.m.upbound.io/EIP",
		"ec2.aws.m.upbound.io/VPCEndpoint", "ec2.aws.m.upbound.io/FlowLog", "ec2.aws.m.upbound.io/SecurityGroupEgressRule",
	}
	// keptNetwork and deletedNetwork are the network resources, by composition resource name (a trailing "-": a
	// prefix), that the same
	// section keeps ("the VPC, the public and database subnets, the internet gateway with the public route table
	// ..., and the security groups of the load balancer, the database and the cache. The load balancer's group keeps
	// its HTTP and HTTPS rules") and deletes ("the private subnets and their route tables, the nodes' security
	// group, the database route table"; "the database and cache groups lose their rules").
	keptNetwork = []string{
		"network-vpc", "network-igw", "network-subnet-public-", "network-subnet-database-", "network-rt-public",
		"network-route-public-", "network-rta-public-", "network-sg-alb", "network-sg-alb-in-", "network-sg-database",
		"network-sg-cache",
	}
	deletedNetwork = []string{
		"network-subnet-private-", "network-rt-private-", "network-route-private-", "network-rta-private-",
		"network-rt-database", "network-rta-database-", "network-sg-nodes", "network-sg-nodes-", "network-sg-alb-out-",
		"network-sg-database-in-", "network-sg-cache-in-",
	}
)

// nameIn reports whether a composition resource name is one of names, where a name ending in "-" is a prefix.
func nameIn(rn string, names []string) bool {
	for _, n := range names {
		if rn == n || strings.HasSuffix(n, "-") && strings.HasPrefix(rn, n) {
			return true
		}
	}
	return false
}

func kindOf(k objKey) string { return k.GVK.Group + "/" + k.GVK.Kind }

// specEdits are in-place changes to a Ready seed environment: the XR spec patch, and the one composed resource
// (by composition resource name) and field it must change. Nothing else may change.
var specEdits = []struct {
	name     string
	patch    map[string]any
	resource string
	field    []string
	want     any
}{
	{
		name:     "node group max size",
		patch:    map[string]any{"cluster": map[string]any{"nodeGroup": map[string]any{"maxSize": int64(12)}}},
		resource: "nodes-group",
		field:    []string{"spec", "forProvider", "scalingConfig", "maxSize"},
		want:     int64(12),
	},
	{
		name:     "flow log retention",
		patch:    map[string]any{"network": map[string]any{"flowLogRetentionDays": int64(30)}},
		resource: "network-flowlogs-group",
		field:    []string{"spec", "forProvider", "retentionInDays"},
		want:     int64(30),
	},
}

// TestSeedProduction follows the seed environment (a prod-profile XR) through its life on the control plane: the
// first stage as the render golden says, the lifecycle walk to Ready, in-place spec edits, and deletion with
// deletion protection on.
func TestSeedProduction(t *testing.T) {
	ctx := ctxFor(t)
	ex := exampleNamed(t, "seed-production")
	first, ready := ex.stages(t)
	obs, err := loadObservations(ex.observedDir)
	if err != nil {
		t.Fatal(err)
	}
	env.ensureNamespace(ctx, t, dryRunNamespace)
	x := env.createXR(ctx, t, ex.file, "")
	t.Logf("created %s", x)

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, func(t *testing.T) { timed(t, "seed-production: "+name, func() { f(t) }) }) {
			t.FailNow() // each step builds on the previous one
		}
	}

	step("first stage equals the render golden", func(t *testing.T) {
		u, composed, err := x.settle(ctx, 2*time.Second, 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		diffs, err := env.compareComposed(ctx, first, u, composed)
		if err != nil {
			t.Fatal(err)
		}
		diffs = append(diffs, compareXR(first.xr, u, true)...)
		for _, d := range diffs {
			t.Error(d)
		}
		t.Logf("%d composed resources, as in %s", len(composed), first.path)
	})

	var final map[string]*unstructured.Unstructured
	step("lifecycle walk reaches Ready", func(t *testing.T) {
		res, err := x.walk(ctx, obs, 20, 3*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("walk: %s", res)
		env.timings.add("seed-production walk: "+res.String(), 0)
		u, composed, err := x.settle(ctx, 2*time.Second, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		final = composed
		if s, r, m := condition(u, "Ready"); s != "True" {
			t.Fatalf("XR not Ready: %s %s", r, m)
		}
		if outs, _, _ := unstructured.NestedMap(u.Object, "status", "outputs"); len(outs) == 0 {
			t.Error("XR is Ready but status.outputs is empty")
		}
		diffs, err := env.compareComposed(ctx, ready, u, composed)
		if err != nil {
			t.Fatal(err)
		}
		diffs = append(diffs, compareXR(ready.xr, u, false)...)
		for _, d := range diffs {
			t.Error(d)
		}
	})

	for _, e := range specEdits {
		step("spec edit in place: "+e.name, func(t *testing.T) {
			live, before, err := x.settle(ctx, time.Second, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			target := e.resource
			if before[target] == nil {
				t.Fatalf("the seed composes no %s", target)
			}
			pl := planEdit(t, live, before, mergeSpec(e.patch))
			if err := x.patchSpec(ctx, e.patch); err != nil {
				t.Fatalf("patch spec: %v", err)
			}
			var after map[string]*unstructured.Unstructured
			err = poll(ctx, time.Minute, 250*time.Millisecond, func() (bool, error) {
				_, after, err = x.composed(ctx)
				if err != nil || after[target] == nil {
					return false, err
				}
				got, _, _ := unstructured.NestedFieldNoCopy(after[target].Object, e.field...)
				return cmp.Equal(got, e.want), nil
			})
			if err != nil {
				t.Fatalf("%s never got %s=%v: %v", target, strings.Join(e.field, "."), e.want, err)
			}
			u, after, err := x.settle(ctx, 2*time.Second, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if s, r, m := condition(u, "Ready"); s != "True" {
				t.Errorf("XR not Ready after the edit: %s %s", r, m)
			}
			// An in-place edit must be one the provider accepts: a field of the day-2 table would be refused.
			if err := x.checkRefusals(u, after, walkOptions{}, &walkResult{}); err != nil {
				t.Error(err)
			}
			if before[target].GetUID() != after[target].GetUID() {
				t.Errorf("%s was replaced, not updated in place", target)
			}
			// Everything else: the same set, the same objects, the same spec and metadata.
			if d := cmp.Diff(sortedKeys(before), sortedKeys(after)); d != "" {
				t.Errorf("composed resources changed (-before +after):\n%s", d)
			}
			for rn, b := range before {
				a := after[rn]
				if a == nil {
					continue
				}
				bc, ac := comparable(b, false), comparable(a, false)
				if rn == target {
					_ = unstructured.SetNestedField(bc, numbersAsFloat(e.want), e.field...)
				}
				if d := cmp.Diff(bc, ac); d != "" {
					t.Errorf("%s changed (-before +after):\n%s", rn, d)
				}
				if b.GetUID() != a.GetUID() {
					t.Errorf("%s was replaced", rn)
				}
			}
			final = after
			pl.check(t, after)
		})
	}

	day2Steps(ctx, x, obs, step, &final)

	step("deleting the protected XR keeps the stateful resources", func(t *testing.T) {
		took, bad, order, err := x.deleteAndCheck(ctx, final, 5*time.Minute)
		t.Logf("deletion order:%s", order)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("XR and %d composed resources gone in %s", len(final), took.Round(10*time.Millisecond))
		for _, b := range bad {
			t.Error(b)
		}
		t.Logf("%d Usages, %d orders broken", len(usagesOf(final)), len(bad))
		kept := map[string]bool{}
		var names []string
		for _, e := range env.fake.remaining(x) {
			kept[e.Key.String()] = true
			names = append(names, kindOf(e.Key)+" "+e.Key.Name)
			if !slices.Contains(keptKinds, kindOf(e.Key)) {
				t.Errorf("kept in AWS, but not a stateful kind: %s", e.Key)
			}
		}
		t.Logf("kept in AWS: %s", strings.Join(names, ", "))
		for _, rn := range sortedKeys(final) {
			u := final[rn]
			k := keyOf(u)
			switch {
			case !isManaged(u):
			case slices.Contains(alwaysKept, kindOf(k)) && !kept[k.String()]:
				t.Errorf("%s (%s) was deleted in AWS; deletion protection must keep it", rn, k)
			case slices.Contains(deletedKinds, kindOf(k)) && kept[k.String()]:
				t.Errorf("%s (%s) was kept in AWS; only stateful resources stay", rn, k)
			case nameIn(rn, deletedNetwork) && kept[k.String()]:
				t.Errorf("%s (%s) was kept in AWS; the protected resources do not need it", rn, k)
			case nameIn(rn, keptNetwork) && !kept[k.String()]:
				t.Errorf("%s (%s) was deleted in AWS; the protected resources need it", rn, k)
			}
		}
	})
}
