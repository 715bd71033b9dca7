// Package network renders the VPC: subnets in three tiers over the zones, internet and NAT gateways,
// route tables, the S3 gateway endpoint, the security groups of the four tiers and VPC flow logs.
// Everything refers to everything else by name (…Ref), so Crossplane orders creation and nothing here
// waits on observed state.
//
// Deletion protection keeps the database, the cache and the load balancer in AWS when the environment
// is deleted. AWS refuses to delete the network they sit in (DependencyViolation on their subnets and
// security groups; the internet gateway cannot detach while the load balancer has public addresses), so
// exactly what they need to keep existing and working is protected with them (Stateful): the VPC, the public
// and database subnets, the internet gateway with the public route table, and the load balancer,
// database and cache security groups with the rules between what stays. Everything else goes, and each
// builder says why next to its choice.
package network

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const ec2 = "ec2.aws.m.upbound.io/v1beta1"

// component is the network's name in status.components.
const component = "network"

// Output is the network's desired resources and status.
type Output struct {
	compose.Result
	Outputs *v1alpha1.NetworkOutputs
}

// Build renders the network from its resolved spec.
func Build(env *compose.Env, r v1alpha1.ResolvedNetwork) Output {
	var out Output
	out.Merge(vpc(env, r))
	out.Merge(gateways(env, r))
	out.Merge(routing(env, r))
	out.Merge(securityGroups(env))
	out.Merge(flowLogs(env, r))
	out.Outputs = outputs(env)
	return out
}

// vpc renders the VPC, its internet gateway and the subnets of the three tiers.
func vpc(env *compose.Env, r v1alpha1.ResolvedNetwork) compose.Result {
	var res compose.Result
	// Protected: every protected resource lives in it.
	res.Add(env.NewAWS(compose.VPC, ec2, "VPC").Stateful().ForProvider(map[string]any{
		"cidrBlock":          r.VPCCIDR,
		"enableDnsHostnames": true,
		"enableDnsSupport":   true,
	}))
	// Protected: the internet-facing load balancer is reached through it, and AWS refuses to detach it while
	// the load balancer has public addresses in the VPC.
	res.Add(env.NewAWS("network-igw", ec2, "InternetGateway").Stateful().ForProvider(map[string]any{
		"vpcIdRef": env.Ref(compose.VPC),
	}))
	tiers := []struct {
		tier  string
		cidrs []string
		// elbRole tags subnets for the AWS Load Balancer Controller's subnet discovery.
		elbRole string
		// protected: the tier holds a protected resource's network interfaces: the load balancer's (public) or the
		// database's and cache's subnet groups (database). Only the nodes and the cluster use the private
		// tier, and they are deleted.
		protected bool
	}{
		{compose.TierPublic, r.PublicSubnetCIDRs, "kubernetes.io/role/elb", true},
		{compose.TierPrivate, r.PrivateSubnetCIDRs, "kubernetes.io/role/internal-elb", false},
		{compose.TierDatabase, r.DatabaseSubnetCIDRs, "", true},
	}
	for _, t := range tiers {
		for i, zone := range r.AvailabilityZones {
			s := env.NewAWS(compose.Subnet(t.tier, zone), ec2, "Subnet").ForProvider(map[string]any{
				"vpcIdRef":         env.Ref(compose.VPC),
				"availabilityZone": zone,
				"cidrBlock":        t.cidrs[i],
				// No public IPs on launch, in any tier (FSBP EC2.15): the ALB and NAT gateways get theirs explicitly.
				"mapPublicIpOnLaunch": false,
			})
			if t.elbRole != "" {
				s.AddTags(map[string]string{t.elbRole: "1", "tier": t.tier})
			} else {
				s.AddTags(map[string]string{"tier": t.tier})
			}
			if t.protected {
				s.Stateful()
			}
			res.Add(s)
		}
	}
	return res
}

// outputs reads the network's identifiers from observed state.
func outputs(env *compose.Env) *v1alpha1.NetworkOutputs {
	o := &v1alpha1.NetworkOutputs{}
	o.VPCID, _ = env.Observed.ID(compose.VPC)
	ids := func(tier string) []string {
		var out []string
		for _, n := range env.Subnets(tier) {
			if id, ok := env.Observed.ID(n); ok {
				out = append(out, id)
			}
		}
		return out
	}
	o.PublicSubnetIDs = ids(compose.TierPublic)
	o.PrivateSubnetIDs = ids(compose.TierPrivate)
	o.DatabaseSubnetIDs = ids(compose.TierDatabase)
	for role, name := range map[string]string{
		"alb": compose.SecurityGroupALB, "nodes": compose.SecurityGroupNodes,
		"database": compose.SecurityGroupDatabase, "cache": compose.SecurityGroupCache,
	} {
		if id, ok := env.Observed.ID(name); ok {
			if o.SecurityGroupIDs == nil {
				o.SecurityGroupIDs = map[string]string{}
			}
			o.SecurityGroupIDs[role] = id
		}
	}
	return o
}
