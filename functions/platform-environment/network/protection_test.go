package network

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// policies returns the resource's spec.managementPolicies, nil when it has the default (["*"]).
func policies(r *compose.Resource) []any {
	p, _ := r.Object["spec"].(map[string]any)["managementPolicies"].([]any)
	return p
}

// protectedNames returns the resources that deleting the environment leaves in AWS: those whose management
// policies leave out Delete.
func protectedNames(t *testing.T, res []*compose.Resource) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, r := range res {
		p := policies(r)
		if p == nil {
			continue
		}
		if want := []any{"Observe", "Create", "Update", "LateInitialize"}; !cmp.Equal(p, want) {
			t.Errorf("%s: managementPolicies = %v, want %v (Stateful) or none", r.Name, p, want)
		}
		out[r.Name] = true
	}
	return out
}

// refs returns the metadata.names a resource refers to: every …Ref and …Refs field of spec.forProvider.
func refs(r *compose.Resource) []string {
	var out []string
	for k, v := range ct.ForProvider(r) {
		switch {
		case strings.HasSuffix(k, "Ref"):
			out = append(out, v.(map[string]any)["name"].(string))
		case strings.HasSuffix(k, "Refs"):
			for _, x := range v.([]any) {
				out = append(out, x.(map[string]any)["name"].(string))
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestDeletionProtectionKeeps pins which network resources stay in AWS when a protected environment is
// deleted: exactly what the protected database, cache and load balancer need, and nothing without protection.
func TestDeletionProtectionKeeps(t *testing.T) {
	seedKept := []string{
		"network-flowlogs-group", "network-flowlogs-key",
		"network-igw",
		"network-route-public-default",
		"network-rt-public",
		"network-rta-public-a", "network-rta-public-b", "network-rta-public-c",
		"network-sg-alb", "network-sg-alb-in-http", "network-sg-alb-in-https",
		"network-sg-cache", "network-sg-database",
		"network-subnet-database-a", "network-subnet-database-b", "network-subnet-database-c",
		"network-subnet-public-a", "network-subnet-public-b", "network-subnet-public-c",
		"network-vpc",
	}
	cases := map[string]struct {
		reason  string
		profile string
		zones   int
		protect bool
		want    []string
	}{
		"ProdProtected": {
			reason:  "prod (the seed's profile) is protected: the VPC, public and database subnets, internet gateway, public routing, the three protected groups and their internet-facing rules stay.",
			profile: "prod", zones: 3, protect: true,
			want: seedKept,
		},
		"DevUnprotected": {
			reason:  "dev is not protected: everything is deleted, nothing carries management policies.",
			profile: "dev", zones: 2, protect: false,
			want: nil,
		},
		"DevProtectedTwoZones": {
			reason:  "Protection turned on for a dev-sized network (two zones, one NAT gateway) keeps the same tiers in its two zones.",
			profile: "dev", zones: 2, protect: true,
			want: []string{
				"network-flowlogs-group", "network-flowlogs-key",
				"network-igw",
				"network-route-public-default",
				"network-rt-public",
				"network-rta-public-a", "network-rta-public-b",
				"network-sg-alb", "network-sg-alb-in-http", "network-sg-alb-in-https",
				"network-sg-cache", "network-sg-database",
				"network-subnet-database-a", "network-subnet-database-b",
				"network-subnet-public-a", "network-subnet-public-b",
				"network-vpc",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := seedEnv()
			env.DeletionProtection = tc.protect
			r := resolved(t, tc.profile, tc.zones)
			env.Zones = r.AvailabilityZones
			protected := protectedNames(t, Build(env, r).Resources)
			var got []string
			for n := range protected {
				got = append(got, n)
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nkept -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestDeletionProtectionKeptNetworkIsClosed checks, under protection, that what stays in AWS can stay:
// every protected resource refers only to protected resources (a protected rule referencing the deleted nodes group
// would make AWS refuse to delete that group; a protected route to a deleted NAT gateway would be a
// blackhole), and every subnet and group the protected database, cache and load balancer use (by the names
// in compose/refs.go) is protected.
func TestDeletionProtectionKeptNetworkIsClosed(t *testing.T) {
	for _, zones := range []int{2, 3} {
		for _, nat := range []string{"prod", "dev"} { // PerZone and Single NAT gateways
			env := seedEnv()
			env.DeletionProtection = true
			r := resolved(t, nat, zones)
			env.Zones = r.AvailabilityZones
			out := Build(env, r)
			protected := protectedNames(t, out.Resources)
			byName := map[string]string{} // metadata.name → composition resource name
			for _, res := range out.Resources {
				byName[env.ResourceName(res.Name)] = res.Name
			}

			for _, res := range out.Resources {
				if !protected[res.Name] {
					continue
				}
				for _, name := range refs(res) {
					ref, ok := byName[name]
					if !ok {
						t.Errorf("%s/%d zones: protected %s refers to %s, which the network does not render", nat, zones, res.Name, name)
					} else if !protected[ref] {
						t.Errorf("%s/%d zones: protected %s (%s) refers to %s, which is deleted", nat, zones, res.Name, res.Object["kind"], ref)
					}
				}
			}

			// What the other domains' protected resources use (database and cache subnet groups, the load
			// balancer's subnets; their security groups).
			needed := append(env.Subnets(compose.TierDatabase), env.Subnets(compose.TierPublic)...)
			needed = append(needed, compose.VPC, compose.SecurityGroupDatabase, compose.SecurityGroupCache, compose.SecurityGroupALB)
			for _, n := range needed {
				if !protected[n] {
					t.Errorf("%s/%d zones: %s is used by a protected resource but would be deleted", nat, zones, n)
				}
			}
			// The nodes group and the private tier go with the cluster.
			for _, n := range append(env.Subnets(compose.TierPrivate), compose.SecurityGroupNodes) {
				if protected[n] {
					t.Errorf("%s/%d zones: %s is protected, but only the deleted cluster uses it", nat, zones, n)
				}
			}
		}
	}
}

// TestDeletionProtectionRules checks rule by rule that a rule is protected exactly when both its ends are.
func TestDeletionProtectionRules(t *testing.T) {
	env := seedEnv()
	env.DeletionProtection = true
	out := Build(env, resolved(t, "prod", 3))
	protected := protectedNames(t, out.Resources)
	got := map[string]bool{}
	for _, r := range seedRules {
		got[r.name] = protected["network-sg-"+r.name]
	}
	want := map[string]bool{
		"alb-in-http":          true, // 0.0.0.0/0 → ALB: both ends stay
		"alb-in-https":         true,
		"alb-out-nodes":        false, // to the deleted nodes group
		"nodes-in-nodeports":   false, // a rule of the deleted nodes group
		"nodes-in-https":       false,
		"nodes-in-self":        false,
		"nodes-out-all":        false,
		"database-in-postgres": false, // from the deleted nodes group: keeping it would block that group's deletion
		"cache-in-redis":       false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("protected rules -want +got:\n%s", diff)
	}
}
