package network

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// rule is one security group rule: exactly one of cidr, from (another group) or self is set.
type rule struct {
	name     string // composition resource name suffix
	group    string // the group the rule belongs to
	ingress  bool
	protocol string // tcp or -1 (all)
	from, to int
	cidr     string
	peer     string // composition resource name of the referenced group
	desc     string
}

// seedRules are the seed's security group rules and nothing wider. Egress is explicit: the provider
// removes AWS's default allow-all egress, so the database and cache groups have none at all.
var seedRules = []rule{
	{name: "alb-in-http", group: compose.SecurityGroupALB, ingress: true, protocol: "tcp", from: 80, to: 80, cidr: "0.0.0.0/0", desc: "HTTP from the internet (redirected to HTTPS)"},
	{name: "alb-in-https", group: compose.SecurityGroupALB, ingress: true, protocol: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0", desc: "HTTPS from the internet"},
	{name: "alb-out-nodes", group: compose.SecurityGroupALB, protocol: "-1", peer: compose.SecurityGroupNodes, desc: "All traffic to the EKS nodes"},
	{name: "nodes-in-nodeports", group: compose.SecurityGroupNodes, ingress: true, protocol: "tcp", from: 30000, to: 32767, peer: compose.SecurityGroupALB, desc: "NodePorts from the ALB"},
	{name: "nodes-in-https", group: compose.SecurityGroupNodes, ingress: true, protocol: "tcp", from: 443, to: 443, peer: compose.SecurityGroupALB, desc: "HTTPS from the ALB"},
	{name: "nodes-in-self", group: compose.SecurityGroupNodes, ingress: true, protocol: "-1", peer: compose.SecurityGroupNodes, desc: "All traffic between nodes"},
	{name: "nodes-out-all", group: compose.SecurityGroupNodes, protocol: "-1", cidr: "0.0.0.0/0", desc: "All traffic out"},
	{name: "database-in-postgres", group: compose.SecurityGroupDatabase, ingress: true, protocol: "tcp", from: 5432, to: 5432, peer: compose.SecurityGroupNodes, desc: "PostgreSQL from the EKS nodes"},
	{name: "cache-in-redis", group: compose.SecurityGroupCache, ingress: true, protocol: "tcp", from: 6379, to: 6379, peer: compose.SecurityGroupNodes, desc: "Redis from the EKS nodes"},
}

var groups = []struct{ name, role, desc string }{
	{compose.SecurityGroupALB, "alb", "Application load balancer: HTTP and HTTPS from the internet"},
	{compose.SecurityGroupNodes, "nodes", "EKS nodes: NodePorts and HTTPS from the ALB, all traffic between nodes"},
	{compose.SecurityGroupDatabase, "database", "RDS PostgreSQL: 5432 from the EKS nodes"},
	{compose.SecurityGroupCache, "cache", "ElastiCache Redis: 6379 from the EKS nodes"},
}

// protectedGroups are the groups of the resources deletion protection keeps in AWS (the load balancer, the
// database and the cache): their network interfaces stay attached, so AWS would refuse to delete them.
// The nodes group goes with the cluster.
var protectedGroups = map[string]bool{
	compose.SecurityGroupALB:      true,
	compose.SecurityGroupDatabase: true,
	compose.SecurityGroupCache:    true,
}

// protected reports whether a rule stays with its group under deletion protection: only when both its ends
// stay. A rule of a protected group that references a deleted one (database ← nodes) must go, or AWS refuses
// to delete the referenced group; a rule of a deleted group goes with it.
func (r rule) protected() bool {
	return protectedGroups[r.group] && (r.cidr != "" || protectedGroups[r.peer])
}

// securityGroups renders the VPC's default security group with no rules (FSBP EC2.2: nothing may use it
// by accident), the four tier groups and one rule object per rule, so a rule change replaces one rule
// instead of rewriting a group. Under deletion protection the protected groups and the rules between what
// stays are protected too (see protectedGroups and rule.protected).
func securityGroups(env *compose.Env) compose.Result {
	var res compose.Result
	// Not protected: AWS never deletes a VPC's default group; deleting this resource only stops managing it,
	// and the group stays as we left it, without rules, until the VPC goes.
	res.Add(env.NewAWS("network-sg-default", ec2, "DefaultSecurityGroup").ForProvider(map[string]any{
		"vpcIdRef": env.Ref(compose.VPC),
		"ingress":  []any{},
		"egress":   []any{},
	}))
	for _, g := range groups {
		sg := env.NewAWS(g.name, ec2, "SecurityGroup").ForProvider(map[string]any{
			"name":        env.AWSName(compose.RuleSecurityGroup, g.role),
			"description": g.desc,
			"vpcIdRef":    env.Ref(compose.VPC),
		})
		if protectedGroups[g.name] {
			sg.Stateful()
		}
		res.Add(sg)
	}
	for _, r := range seedRules {
		kind := "SecurityGroupEgressRule"
		if r.ingress {
			kind = "SecurityGroupIngressRule"
		}
		fp := map[string]any{
			"securityGroupIdRef": env.Ref(r.group),
			"ipProtocol":         r.protocol,
			"description":        r.desc,
		}
		if r.protocol != "-1" {
			fp["fromPort"] = r.from
			fp["toPort"] = r.to
		}
		if r.cidr != "" {
			fp["cidrIpv4"] = r.cidr
		} else {
			fp["referencedSecurityGroupIdRef"] = env.Ref(r.peer)
		}
		m := env.NewAWS("network-sg-"+r.name, ec2, kind).ForProvider(fp)
		if r.protected() {
			m.Stateful()
		}
		res.Add(m)
	}
	return res
}
