package network

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	publicRouteTable   = "network-rt-public"
	databaseRouteTable = "network-rt-database"
	s3Endpoint         = "network-vpce-s3"
)

func privateRouteTable(zone string) string { return "network-rt-private-" + compose.ZoneSuffix(zone) }

// routing renders the route tables: one public (default route to the internet gateway), one private per
// zone (default route to the zone's NAT gateway, so a zone outage does not cut the others' egress) and
// one for the database subnets with no route out of the VPC; their subnet associations; and the S3
// gateway endpoint on the private and database route tables, so image layers and backups stay off NAT.
//
// Under deletion protection only the public routing is protected (table, default route, associations): it is
// what makes the protected load balancer reachable. The private tables go with the private subnets and NAT
// gateways they serve. The database table goes too: it holds no route out of the VPC, so once its
// associations are deleted the database subnets fall back to the VPC's main route table, which routes
// the same (inside the VPC only).
func routing(env *compose.Env, r v1alpha1.ResolvedNetwork) compose.Result {
	var res compose.Result
	routeTable := func(name string, protected bool) {
		m := env.NewAWS(name, ec2, "RouteTable").ForProvider(map[string]any{"vpcIdRef": env.Ref(compose.VPC)})
		if protected {
			m.Stateful()
		}
		res.Add(m)
	}
	associate := func(name, table, subnet string, protected bool) {
		m := env.NewAWS(name, ec2, "RouteTableAssociation").Untagged().ForProvider(map[string]any{
			"routeTableIdRef": env.Ref(table),
			"subnetIdRef":     env.Ref(subnet),
		})
		if protected {
			m.Stateful()
		}
		res.Add(m)
	}
	defaultRoute := func(name, table, target string, via map[string]any, protected bool) {
		fp := map[string]any{
			"routeTableIdRef":      env.Ref(table),
			"destinationCidrBlock": "0.0.0.0/0",
		}
		fp[target] = via
		m := env.NewAWS(name, ec2, "Route").Untagged().ForProvider(fp)
		if protected {
			m.Stateful()
		}
		res.Add(m)
	}

	routeTable(publicRouteTable, true)
	defaultRoute("network-route-public-default", publicRouteTable, "gatewayIdRef", env.Ref("network-igw"), true)
	for _, zone := range r.AvailabilityZones {
		associate("network-rta-public-"+compose.ZoneSuffix(zone), publicRouteTable, compose.Subnet(compose.TierPublic, zone), true)
	}

	endpointTables := []string{}
	for _, zone := range r.AvailabilityZones {
		rt := privateRouteTable(zone)
		routeTable(rt, false)
		defaultRoute("network-route-private-"+compose.ZoneSuffix(zone)+"-default", rt, "natGatewayIdRef", env.Ref(natGateway(r, zone)), false)
		associate("network-rta-private-"+compose.ZoneSuffix(zone), rt, compose.Subnet(compose.TierPrivate, zone), false)
		endpointTables = append(endpointTables, rt)
	}

	routeTable(databaseRouteTable, false)
	for _, zone := range r.AvailabilityZones {
		associate("network-rta-database-"+compose.ZoneSuffix(zone), databaseRouteTable, compose.Subnet(compose.TierDatabase, zone), false)
	}
	endpointTables = append(endpointTables, databaseRouteTable)

	// Not protected, nor its associations: it serves the nodes' image pulls; RDS and ElastiCache backups go
	// through AWS's own network, not the VPC's endpoints.
	res.Add(env.NewAWS(s3Endpoint, ec2, "VPCEndpoint").ForProvider(map[string]any{
		"vpcIdRef":        env.Ref(compose.VPC),
		"serviceName":     "com.amazonaws." + env.Region + ".s3",
		"vpcEndpointType": "Gateway",
	}))
	for _, rt := range endpointTables {
		res.Add(env.NewAWS(s3Endpoint+"-"+rt[len("network-rt-"):], ec2, "VPCEndpointRouteTableAssociation").Untagged().ForProvider(map[string]any{
			"vpcEndpointIdRef": env.Ref(s3Endpoint),
			"routeTableIdRef":  env.Ref(rt),
		}))
	}
	return res
}
