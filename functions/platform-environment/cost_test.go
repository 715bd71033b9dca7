package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/cost"
)

// estimateOf renders an example's XR against observed state and estimates it as render does.
func estimateOf(t *testing.T, xrm map[string]any, observed map[string]map[string]any, region string) (*cost.Estimate, v1alpha1.PlatformEnvironmentStatus) {
	t.Helper()
	xr, err := decode(xrm)
	if err != nil {
		t.Fatal(err)
	}
	_, status, err := render(xr, observed)
	if err != nil {
		t.Fatal(err)
	}
	if region == "" {
		region = xr.Spec.Region
	}
	return cost.New(cost.Default, cost.Input{Region: region, Spec: xr.Spec, Resolved: *status.Resolved}), status
}

// TestCostCountsMatchComposed: the estimate counts from the spec what the function composes once
// everything is observed, for each example: NAT gateways and their addresses, nodes, database and cache
// instances, the load balancer and its WAF, the zone and health check, alarms, dashboards, KMS keys,
// Secrets Manager secrets. A domain that starts composing something billable fails here until the
// estimate counts it.
func TestCostCountsMatchComposed(t *testing.T) {
	for _, ex := range []string{"seed-production", "dev", "prod"} {
		t.Run(ex, func(t *testing.T) {
			xrm := readXR(t, ex)
			desired, observed := renderReady(t, xrm)
			composed := map[string]float64{}
			for _, o := range desired {
				kind, _ := o["kind"].(string)
				fp := mapAt(o, "spec", "forProvider")
				switch kind {
				case "NATGateway":
					composed["vpc.nat-gateway"]++
				case "EIP":
					composed["vpc.public-ipv4 (network)"]++
				case "VPCEndpoint":
					composed["vpc.gateway-endpoint"]++
				case "Key":
					composed["kms.key"]++
				case "MetricAlarm":
					composed["cloudwatch.alarm"]++
				case "Dashboard":
					composed["cloudwatch.dashboard"]++
				case "Secret":
					if strings.HasPrefix(fmt.Sprint(o["apiVersion"]), "secretsmanager.") {
						composed["secretsmanager.secret"]++
					}
				case "LB":
					composed["elb.alb"]++
				case "WebACL":
					composed["waf.web-acl"]++
				case "HealthCheck":
					composed["route53.health-check"]++
				case "Zone":
					composed["route53.zone"]++
				case "Trail":
					composed["cloudtrail.management-events.first-copy"]++
				case "Cluster":
					if strings.HasPrefix(fmt.Sprint(o["apiVersion"]), "eks.") {
						composed["eks.cluster"]++
					}
				case "NodeGroup":
					// The desired size is set at creation only (initProvider): the autoscaler owns it after.
					n := num(mapAt(o, "spec", "initProvider", "scalingConfig")["desiredSize"])
					composed["ec2."+strs(fp["instanceTypes"])[0]] += n
				case "LaunchTemplate":
					bdm := fp["blockDeviceMappings"].([]any)[0].(map[string]any)
					composed["ebs.gp3 per node"] += num(bdm["ebs"].(map[string]any)["volumeSize"])
				case "Instance":
					copies := 1.0
					if truthy(fp["multiAz"]) {
						copies = 2
					}
					composed["rds.postgres."+fmt.Sprint(fp["instanceClass"])] += copies
					composed["rds.gp3"] += copies * num(fp["allocatedStorage"])
				case "ReplicationGroup":
					composed["elasticache."+fmt.Sprint(fp["engine"])+"."+fmt.Sprint(fp["nodeType"])] += num(fp["numCacheClusters"])
				}
			}
			e, status := estimateOf(t, xrm, observed, "")
			counted := map[string]float64{}
			for _, l := range e.Lines {
				key := l.Key
				switch {
				case key == "vpc.public-ipv4" && l.Component == "network":
					key = "vpc.public-ipv4 (network)"
				case key == "vpc.public-ipv4", key == "waf.rule", key == "waf.managed-rule-group", key == "route53.health-check.feature",
					key == "rds.performance-insights.7d":
					continue // not a resource of its own
				case strings.HasPrefix(key, "eks.cluster."):
					key = "eks.cluster"
				case key == "ebs.gp3":
					counted["ebs.gp3 per node"] = l.Count / float64(status.Resolved.Cluster.NodeGroup.DesiredSize)
					continue
				}
				counted[key] += l.Count
			}
			var diffs []string
			for _, k := range union(composed, counted) {
				if composed[k] != counted[k] {
					diffs = append(diffs, fmt.Sprintf("%s: composed %g, estimated %g", k, composed[k], counted[k]))
				}
			}
			if len(diffs) > 0 {
				t.Errorf("the estimate does not count what %s composes:\n  %s", ex, strings.Join(diffs, "\n  "))
			}
		})
	}
}

func union(a, b map[string]float64) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// coverageRegions are the regions the price table is meant to cover.
var coverageRegions = []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}

// TestCostCoverage prints, per region, how many of the fixed-cost dimensions the three examples compose
// the price table prices there, and fails unless us-east-1 prices all of them.
func TestCostCoverage(t *testing.T) {
	for _, region := range coverageRegions {
		dims := map[string]bool{}
		for _, ex := range []string{"seed-production", "dev", "prod"} {
			xrm := readXR(t, ex)
			// The examples name zones of their own region: estimate them as filed, priced in region.
			e, _ := estimateOf(t, xrm, nil, region)
			for _, l := range e.Lines {
				r := l.Region
				if r == xrSpecRegion(xrm) {
					r = region
				}
				_, ok := cost.Default.Lookup(l.Key, r)
				dims[l.Key+" "+r] = dims[l.Key+" "+r] || ok
				if !ok {
					dims[l.Key+" "+r] = false
				}
			}
		}
		priced := 0
		var missing []string
		for k, ok := range dims {
			if ok {
				priced++
			} else {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		pct := 100 * float64(priced) / float64(len(dims))
		t.Logf("coverage %-14s %2d/%2d fixed-cost dimensions priced (%3.0f %%)%s", region, priced, len(dims), pct, missingList(missing))
		if region == "us-east-1" && priced != len(dims) {
			t.Errorf("us-east-1 must price every fixed-cost dimension the examples compose; missing: %v", missing)
		}
	}
}

func xrSpecRegion(xrm map[string]any) string { return xrm["spec"].(map[string]any)["region"].(string) }

func missingList(m []string) string {
	if len(m) == 0 {
		return ""
	}
	return "; not priced: " + strings.Join(m, ", ")
}

// TestProfileCosts: each profile's estimate for the prod example moved to us-east-1, complete, printed,
// and ordered as the profiles are meant to be (dev < staging < prod).
func TestProfileCosts(t *testing.T) {
	var prev float64
	for _, profile := range []string{"dev", "staging", "prod"} {
		xrm := readXR(t, "prod")
		spec := xrm["spec"].(map[string]any)
		spec["region"], spec["profile"] = "us-east-1", profile
		e, _ := estimateOf(t, xrm, nil, "")
		total, complete := e.Total()
		if !complete {
			t.Errorf("%s: incomplete estimate: %v", profile, e.Outputs().NotPriced)
		}
		var parts []string
		for _, c := range e.ByComponent() {
			parts = append(parts, fmt.Sprintf("%s %.2f", c.Name, c.MonthlyUSD))
		}
		t.Logf("profile %-7s $%8.2f a month (%s)", profile, total, strings.Join(parts, ", "))
		if total <= prev {
			t.Errorf("%s costs $%.2f, not more than the smaller profile's $%.2f", profile, total, prev)
		}
		prev = total
	}
}

// TestCostOutputs: status.outputs.cost of each example as rendered. The seed's figure is the one the
// README states; prod (eu-central-1) and dev (us-west-2) are lower bounds that say so (the table prices
// part of those regions). A region without prices is TestNoPricesForRegion's (cost package).
func TestCostOutputs(t *testing.T) {
	for ex, want := range map[string]struct{ usd, message string }{
		"seed-production": {"479.41", "fixed costs only"},
		"prod":            {"lower bound", "lower bound"},
		"dev":             {"lower bound", "lower bound"},
	} {
		rsp := run(t, readXR(t, ex), nil)
		if msg := fatal(rsp); msg != "" {
			t.Fatalf("%s: %s", ex, msg)
		}
		st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
		c := mapAt(st, "outputs", "cost")
		v, has := c["monthlyUSD"]
		switch want.usd {
		case "":
			if has {
				t.Errorf("%s: monthlyUSD %v for a region without prices", ex, v)
			}
		case "lower bound":
			if !has || c["complete"] != false {
				t.Errorf("%s: want a partial estimate, got monthlyUSD %v complete %v", ex, v, c["complete"])
			}
		default:
			if got := fmt.Sprintf("%.2f", v); got != want.usd || c["complete"] != true {
				t.Errorf("%s: monthlyUSD %s complete %v, want %s complete", ex, got, c["complete"], want.usd)
			}
		}
		if !strings.Contains(fmt.Sprint(c["message"]), want.message) {
			t.Errorf("%s: message %q does not say %q", ex, c["message"], want.message)
		}
		t.Logf("%s: monthlyUSD %v complete %v notPriced %v", ex, v, c["complete"], c["notPriced"])
		if b := mapAt(st, "budget"); b["acceptedGeneration"] == nil {
			t.Errorf("%s: no status.budget.acceptedGeneration: %v", ex, st["budget"])
		}
	}
}

// withBudget returns the seed with a budget, a generation and the budget status of an earlier accept.
func withBudget(t *testing.T, limit float64, generation, acceptedGen int64, acceptedUSD float64) map[string]any {
	xrm := readXR(t, "seed-production")
	xrm["metadata"].(map[string]any)["generation"] = float64(generation)
	xrm["spec"].(map[string]any)["budget"] = map[string]any{"monthlyLimitUSD": limit}
	xrm["status"] = map[string]any{"budget": map[string]any{"acceptedGeneration": float64(acceptedGen), "acceptedMonthlyUSD": acceptedUSD}}
	return xrm
}

func condition(rsp *fnv1.RunFunctionResponse, typ string) *fnv1.Condition {
	for _, c := range rsp.GetConditions() {
		if c.GetType() == typ {
			return c
		}
	}
	return nil
}

// TestBudgetRunFunction: the guardrail through RunFunction on the fully observed seed ($479.41).
func TestBudgetRunFunction(t *testing.T) {
	_, observed := renderReady(t, readXR(t, "seed-production"))
	grow := func(xrm map[string]any, desired int) map[string]any {
		ng := xrm["spec"].(map[string]any)["cluster"].(map[string]any)["nodeGroup"].(map[string]any)
		ng["desiredSize"] = float64(desired)
		return xrm
	}

	t.Run("an edit over the limit is refused and applies nothing", func(t *testing.T) {
		rsp := run(t, grow(withBudget(t, 500, 2, 1, 479.41), 6), observed)
		msg := fatal(rsp)
		for _, part := range []string{"spec.budget.monthlyLimitUSD", "$500.00", "$582.52", "nodes $206.21"} {
			if !strings.Contains(msg, part) {
				t.Errorf("Fatal %q does not name %q", msg, part)
			}
		}
		if n := len(rsp.GetDesired().GetResources()); n != 0 {
			t.Errorf("a refused edit carries %d desired resources", n)
		}
	})
	t.Run("a rise at an unchanged generation sets BudgetExceeded", func(t *testing.T) {
		// As if the price table had risen under an accepted spec: accepted at generation 2 for less.
		rsp := run(t, withBudget(t, 450, 2, 2, 400), observed)
		if msg := fatal(rsp); msg != "" {
			t.Fatalf("fatal: %s", msg)
		}
		c := condition(rsp, "BudgetExceeded")
		if c == nil || c.GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE || !strings.Contains(c.GetMessage(), "without an edit") {
			t.Errorf("BudgetExceeded %v", c)
		}
	})
	t.Run("within the limit", func(t *testing.T) {
		rsp := run(t, withBudget(t, 600, 3, 2, 479.41), observed)
		c := condition(rsp, "BudgetExceeded")
		if fatal(rsp) != "" || c == nil || c.GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE {
			t.Errorf("fatal %q, BudgetExceeded %v", fatal(rsp), c)
		}
		b := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)["budget"].(map[string]any)
		if b["acceptedGeneration"] != float64(3) || b["acceptedMonthlyUSD"] != 479.41 {
			t.Errorf("status.budget %v, want generation 3 accepted at 479.41", b)
		}
	})
	t.Run("an edit during a node group replacement is judged on the spec", func(t *testing.T) {
		// The old node group is still observed (kept until its successor is Ready): it is not in the
		// estimate, which is of the spec.
		withOld := map[string]map[string]any{}
		for k, v := range observed {
			withOld[k] = v
		}
		for k, v := range observed {
			if v["kind"] == "NodeGroup" {
				withOld[k+"-previous"] = v
			}
		}
		e1, _ := estimateOf(t, readXR(t, "seed-production"), observed, "")
		e2, _ := estimateOf(t, readXR(t, "seed-production"), withOld, "")
		if a, _ := e1.Total(); a != func() float64 { b, _ := e2.Total(); return b }() {
			t.Errorf("an observed old node group changed the estimate")
		}
		if msg := fatal(run(t, grow(withBudget(t, 500, 7, 6, 479.41), 6), withOld)); !strings.Contains(msg, "$479.41 accepted at generation 6") {
			t.Errorf("a raising edit during the replacement: %q", msg)
		}
		if msg := fatal(run(t, grow(withBudget(t, 400, 7, 6, 582.52), 3), withOld)); msg != "" {
			t.Errorf("a lowering edit during the replacement was refused: %s", msg)
		}
	})
}
