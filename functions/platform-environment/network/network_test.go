package network

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const testAccount = ct.Account

// seedEnv is the seed's environment with its VPC observed, so the account is known and the flow logs
// render; firstEnv is the first reconcile, with nothing observed.
func seedEnv() *compose.Env {
	env := firstEnv()
	env.Observed[compose.VPC] = map[string]any{
		"apiVersion": ec2, "kind": "VPC",
		"metadata": map[string]any{"name": "prod-" + compose.VPC},
		"status": map[string]any{"atProvider": map[string]any{
			"id": "vpc-0123456789abcdef0", "arn": "arn:aws:ec2:us-east-1:" + testAccount + ":vpc/vpc-0123456789abcdef0",
		}},
	}
	return env
}

func firstEnv() *compose.Env { return ct.Env("prod", nil, ct.WithDeletionProtection(false)) }

func resolved(t *testing.T, profile string, zones int) v1alpha1.ResolvedNetwork {
	t.Helper()
	spec := v1alpha1.NetworkSpec{AvailabilityZones: []string{"us-east-1a", "us-east-1b", "us-east-1c"}[:zones]}
	r, err := Resolve(spec, "us-east-1", profile)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func kinds(res []*compose.Resource) map[string]int {
	out := map[string]int{}
	for _, r := range res {
		out[r.Object["kind"].(string)]++
	}
	return out
}

func TestBuildKinds(t *testing.T) {
	cases := map[string]struct {
		reason  string
		profile string
		zones   int
		want    map[string]int
	}{
		"Seed": {
			reason:  "The seed: 9 subnets, 3 NAT gateways, 5 route tables, 9 rules, flow logs with their key.",
			profile: "prod", zones: 3,
			want: map[string]int{
				"VPC": 1, "InternetGateway": 1, "Subnet": 9, "EIP": 3, "NATGateway": 3,
				"RouteTable": 5, "Route": 4, "RouteTableAssociation": 9,
				"VPCEndpoint": 1, "VPCEndpointRouteTableAssociation": 4,
				"DefaultSecurityGroup": 1, "SecurityGroup": 4, "SecurityGroupIngressRule": 7, "SecurityGroupEgressRule": 2,
				"Group": 1, "Role": 1, "RolePolicy": 1, "FlowLog": 1, "Key": 1, "Alias": 1,
			},
		},
		"DevTwoZones": {
			reason:  "dev: one NAT gateway, route tables for two zones.",
			profile: "dev", zones: 2,
			want: map[string]int{
				"VPC": 1, "InternetGateway": 1, "Subnet": 6, "EIP": 1, "NATGateway": 1,
				"RouteTable": 4, "Route": 3, "RouteTableAssociation": 6,
				"VPCEndpoint": 1, "VPCEndpointRouteTableAssociation": 3,
				"DefaultSecurityGroup": 1, "SecurityGroup": 4, "SecurityGroupIngressRule": 7, "SecurityGroupEgressRule": 2,
				"Group": 1, "Role": 1, "RolePolicy": 1, "FlowLog": 1, "Key": 1, "Alias": 1,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := seedEnv()
			r := resolved(t, tc.profile, tc.zones)
			env.Zones = r.AvailabilityZones
			out := Build(env, r)
			if diff := cmp.Diff(tc.want, kinds(out.Resources)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
			ct.Validate(t, out.Resources)
		})
	}
}

// TestSecurityGroupRules pins the seed's rules and nothing wider.
func TestSecurityGroupRules(t *testing.T) {
	out := Build(seedEnv(), resolved(t, "prod", 3))
	var got []string
	for _, r := range out.Resources {
		k := r.Object["kind"]
		if k != "SecurityGroupIngressRule" && k != "SecurityGroupEgressRule" {
			continue
		}
		fp := ct.ForProvider(r)
		dir := "in"
		if k == "SecurityGroupEgressRule" {
			dir = "out"
		}
		peer, _ := fp["cidrIpv4"].(string)
		if ref, ok := fp["referencedSecurityGroupIdRef"].(map[string]any); ok {
			peer = ref["name"].(string)
		}
		ports := "all"
		if fp["ipProtocol"] != "-1" {
			ports = fmt.Sprintf("%s/%v-%v", fp["ipProtocol"], fp["fromPort"], fp["toPort"])
		}
		got = append(got, fmt.Sprintf("%s %s %s %s", fp["securityGroupIdRef"].(map[string]any)["name"], dir, ports, peer))
	}
	sort.Strings(got)
	want := []string{
		"prod-network-sg-alb in tcp/443-443 0.0.0.0/0",
		"prod-network-sg-alb in tcp/80-80 0.0.0.0/0",
		"prod-network-sg-alb out all prod-network-sg-nodes",
		"prod-network-sg-cache in tcp/6379-6379 prod-network-sg-nodes",
		"prod-network-sg-database in tcp/5432-5432 prod-network-sg-nodes",
		"prod-network-sg-nodes in all prod-network-sg-nodes",
		"prod-network-sg-nodes in tcp/30000-32767 prod-network-sg-alb",
		"prod-network-sg-nodes in tcp/443-443 prod-network-sg-alb",
		"prod-network-sg-nodes out all 0.0.0.0/0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("security group rules -want +got:\n%s", diff)
	}
	def := ct.ForProvider(ct.Find(t, out.Resources, "network-sg-default"))
	if len(def["ingress"].([]any)) != 0 || len(def["egress"].([]any)) != 0 {
		t.Errorf("the default security group must have no rules: %v", def)
	}
}

// TestRouting pins where each subnet's traffic leaves the VPC.
func TestRouting(t *testing.T) {
	cases := map[string]struct {
		profile string
		want    map[string]string // route → target
	}{
		"PerZone": {profile: "prod", want: map[string]string{
			"network-route-public-default":    "gatewayIdRef=prod-network-igw",
			"network-route-private-a-default": "natGatewayIdRef=prod-network-nat-a",
			"network-route-private-b-default": "natGatewayIdRef=prod-network-nat-b",
			"network-route-private-c-default": "natGatewayIdRef=prod-network-nat-c",
		}},
		"Single": {profile: "dev", want: map[string]string{
			"network-route-public-default":    "gatewayIdRef=prod-network-igw",
			"network-route-private-a-default": "natGatewayIdRef=prod-network-nat-a",
			"network-route-private-b-default": "natGatewayIdRef=prod-network-nat-a",
			"network-route-private-c-default": "natGatewayIdRef=prod-network-nat-a",
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := Build(seedEnv(), resolved(t, tc.profile, 3))
			got := map[string]string{}
			for _, r := range out.Resources {
				if r.Object["kind"] != "Route" {
					continue
				}
				fp := ct.ForProvider(r)
				for _, k := range []string{"gatewayIdRef", "natGatewayIdRef"} {
					if ref, ok := fp[k].(map[string]any); ok {
						got[r.Name] = k + "=" + ref["name"].(string)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("routes -want +got:\n%s", diff)
			}
			// The database tier has a route table but no route out.
			for _, r := range out.Resources {
				if r.Object["kind"] == "Route" && ct.ForProvider(r)["routeTableIdRef"].(map[string]any)["name"] == "prod-"+databaseRouteTable {
					t.Errorf("database route table must have no routes, found %s", r.Name)
				}
			}
		})
	}
}

// TestFlowLogPolicy checks the flow-log role may write to its own log group only, in this account; that
// only this account's flow logs may assume it; and that the group is encrypted with a key CloudWatch Logs
// may use for that group only.
func TestFlowLogPolicy(t *testing.T) {
	out := Build(seedEnv(), resolved(t, "prod", 3))
	groupARN := "arn:aws:logs:us-east-1:" + testAccount + ":log-group:/aws/vpc/flow-logs/cloud-consulting/prod"

	doc := ct.PolicyOf(t, ct.ForProvider(ct.Find(t, out.Resources, flowLogPolicy))["policy"])
	if want := []string{groupARN, groupARN + ":*"}; len(doc.Statement) != 1 || !cmp.Equal(doc.Statement[0].Resource, want) {
		t.Errorf("flow-log policy resources = %v, want %v", doc.Statement, want)
	}

	trust := ct.PolicyOf(t, ct.ForProvider(ct.Find(t, out.Resources, flowLogRole))["assumeRolePolicy"])
	wantTrust := map[string]map[string]any{
		"StringEquals": {"aws:SourceAccount": testAccount},
		"ArnLike":      {"aws:SourceArn": "arn:aws:ec2:us-east-1:" + testAccount + ":vpc-flow-log/*"},
	}
	if len(trust.Statement) != 1 || !cmp.Equal(trust.Statement[0].Condition, wantTrust) ||
		!cmp.Equal(trust.Statement[0].Principal, map[string]any{"Service": "vpc-flow-logs.amazonaws.com"}) {
		t.Errorf("flow-log role trust = %+v, want vpc-flow-logs.amazonaws.com with %v", trust.Statement, wantTrust)
	}

	fl := ct.ForProvider(ct.Find(t, out.Resources, flowLog))
	if fl["trafficType"] != "ALL" {
		t.Errorf("flow logs must capture all traffic, got %v", fl["trafficType"])
	}
	group := ct.Find(t, out.Resources, flowLogGroup)
	if ct.ForProvider(group)["retentionInDays"] != int32(365) {
		t.Errorf("prod flow-log retention = %v, want 365", ct.ForProvider(group)["retentionInDays"])
	}
	if ref, _ := ct.ForProvider(group)["kmsKeyIdRef"].(map[string]any); ref["name"] != "prod-"+flowLogKey {
		t.Errorf("flow-log group kmsKeyIdRef = %v, want the network's flow-log key", ct.ForProvider(group)["kmsKeyIdRef"])
	}

	key := ct.PolicyOf(t, ct.ForProvider(ct.Find(t, out.Resources, flowLogKey))["policy"])
	var logs *compose.Statement
	for i, st := range key.Statement {
		if p, _ := st.Principal["Service"].(string); p != "" {
			if logs != nil {
				t.Errorf("key policy has a second service statement %q", st.Sid)
			}
			logs = &key.Statement[i]
		}
	}
	if logs == nil || logs.Principal["Service"] != "logs.us-east-1.amazonaws.com" ||
		!cmp.Equal(logs.Condition, map[string]map[string]any{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": groupARN}}) {
		t.Errorf("key policy's CloudWatch Logs statement = %+v, want logs.us-east-1.amazonaws.com bound to %s", logs, groupARN)
	}
	if ct.ForProvider(ct.Find(t, out.Resources, flowLogKey))["enableKeyRotation"] != true {
		t.Error("the flow-log key must rotate (FSBP KMS.4)")
	}
}

// TestFlowLogsWaitForAccount: at the first reconcile nothing reports an ARN, so nothing of the flow logs
// (whose trust, policy and key name the account) renders, and the network says why.
func TestFlowLogsWaitForAccount(t *testing.T) {
	out := Build(firstEnv(), resolved(t, "prod", 3))
	for _, r := range out.Resources {
		if strings.HasPrefix(r.Name, "network-flowlogs") {
			t.Errorf("%s rendered before the account is known", r.Name)
		}
	}
	if !strings.Contains(out.Waiting[component], "account id") {
		t.Errorf("network waiting = %q, want the reason the flow logs wait", out.Waiting[component])
	}
	if _, ok := ct.Find(t, out.Resources, compose.VPC).Object["spec"]; !ok {
		t.Error("the VPC must render at the first reconcile")
	}
}

// TestSingleNATRetiresOtherZones: going from a NAT gateway per zone to a single one retires the other
// zones' gateways and addresses (billed by the hour for nothing) and keeps the first zone's, but only once
// no observed private route points at them: not in the pass that repoints the routes (the route still
// names the old gateway), nor while a route names the new gateway but still holds the old one's ID (the
// provider has not resolved the reference again).
func TestSingleNATRetiresOtherZones(t *testing.T) {
	single := resolved(t, "prod", 3)
	single.NATGateways = "Single"
	cases := map[string]struct {
		// routes is how the private routes of zones b and c are observed: "old" (natGatewayIdRef and
		// natGatewayId of their own zone's gateway), "ref" (the new reference, the old ID), "moved" (both new).
		routes string
		retire bool
	}{
		"RoutesNotRepointed":    {routes: "old", retire: false},
		"ReferenceNotResolved":  {routes: "ref", retire: false},
		"RoutesOnTheNewGateway": {routes: "moved", retire: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := seedEnv()
			perZone := Build(env, resolved(t, "prod", 3))
			for _, r := range perZone.Resources {
				spec, _ := r.Object["spec"].(map[string]any)
				env.Observed[r.Name] = map[string]any{
					"apiVersion": r.Object["apiVersion"], "kind": r.Object["kind"],
					"metadata": map[string]any{"name": env.ResourceName(r.Name)},
					"spec":     spec, // perZone is not used again: the test may edit it
					"status":   map[string]any{"atProvider": map[string]any{"id": "id-" + r.Name}},
				}
			}
			for _, zone := range []string{"b", "c"} {
				fp := env.Observed["network-route-private-"+zone+"-default"]["spec"].(map[string]any)["forProvider"].(map[string]any)
				fp["natGatewayId"] = "id-network-nat-" + zone
				if tc.routes != "old" {
					fp["natGatewayIdRef"] = env.Ref("network-nat-a")
				}
				if tc.routes == "moved" {
					fp["natGatewayId"] = "id-network-nat-a"
				}
			}
			out := Build(env, single)
			a, err := compose.Assemble(env, out.Result)
			if err != nil {
				t.Fatal(err)
			}
			desired := map[string]bool{}
			for _, r := range a.Resources {
				desired[r.Name] = true
			}
			want := map[string]bool{
				"network-nat-a": true, "network-eip-a": true,
				"network-nat-b": !tc.retire, "network-eip-b": !tc.retire, "network-nat-c": !tc.retire, "network-eip-c": !tc.retire,
			}
			for name, w := range want {
				if desired[name] != w {
					t.Errorf("%s desired = %v, want %v", name, desired[name], w)
				}
			}
			if waiting := out.Waiting[component]; tc.retire == strings.Contains(waiting, "no private route points at it") {
				t.Errorf("network waiting = %q; want the kept gateway named while one is kept", waiting)
			}
		})
	}
}
