package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/cost"
)

// budget is the seed's spec with a monthly limit (the seed's estimate is about $477).
func budget(limit string) []string {
	return []string{"  region: us-east-1\n", "  region: us-east-1\n  budget:\n    monthlyLimitUSD: " + limit + "\n"}
}

// TestPlanCost: the estimate before and after per component, and the budget's verdict on the edit (cost.Guard):
// only an edit over the limit that raises the estimate is refused (exit 3); lowering, staying under the limit or not
// editing at all is not.
func TestPlanCost(t *testing.T) {
	t3, ok := cost.Default.Lookup("ec2.t3.medium", "us-east-1")
	gp3, ok2 := cost.Default.Lookup("ebs.gp3", "us-east-1")
	if !ok || !ok2 {
		t.Fatal("the price table lacks ec2.t3.medium or ebs.gp3 in us-east-1")
	}
	oneNode := math.Round((t3*cost.Default.HoursPerMonth+gp3*50)*100) / 100 // a t3.medium with its 50 GiB root volume
	cases := []struct {
		name     string
		old, new []string // edits of the seed for --old and --new
		code     int
		refused  bool
		nodes    float64 // the nodes component's difference
	}{{
		name: "no budget: a fourth node adds one node's cost",
		new:  []string{"desiredSize: 3", "desiredSize: 4"},
		code: exitChanges, nodes: oneNode,
	}, {
		name: "under the limit: accepted",
		old:  budget("1000"), new: append(budget("1000"), "desiredSize: 3", "desiredSize: 4"),
		code: exitChanges, nodes: oneNode,
	}, {
		name: "over the limit and higher than accepted: refused",
		old:  budget("480"), new: append(budget("480"), "desiredSize: 3", "desiredSize: 4"),
		code: exitHuman, refused: true, nodes: oneNode,
	}, {
		name: "over the limit but lower than accepted: accepted",
		old:  append(budget("300"), "desiredSize: 3", "desiredSize: 4"), new: budget("300"),
		code: exitChanges, nodes: -oneNode,
	}, {
		name: "over the limit without an edit: nothing refused, nothing changes",
		old:  budget("300"), new: budget("300"),
		code: exitNoChange,
	}, {
		name: "a limit lowered below the estimate is an edit that does not raise the cost: accepted",
		old:  budget("1000"), new: budget("300"),
		code: exitNoChange,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oldXR, newXR := seed, seed
			if c.old != nil {
				oldXR = edited(t, c.old...)
			}
			if c.new != nil {
				newXR = edited(t, c.new...)
			}
			p, code := runJSON(t, "plan", "--new", newXR, "--old", oldXR, "--observed", seedReady)
			if code != c.code {
				t.Errorf("exit %d, want %d (cost %+v, fatal %q)", code, c.code, p.Cost, p.FirstReconcile.Fatal)
			}
			k := p.Cost
			if k == nil || k.BeforeUSD == nil || k.AfterUSD == nil || !k.Complete {
				t.Fatalf("want a complete estimate before and after, got %+v", k)
			}
			if (k.BudgetRefused != "") != c.refused {
				t.Errorf("budget refused %q, want refused %v", k.BudgetRefused, c.refused)
			}
			if c.refused && (!strings.Contains(k.BudgetRefused, "spec.budget.monthlyLimitUSD") || !strings.Contains(p.FirstReconcile.Fatal, "above the limit")) {
				t.Errorf("the refusal must be the guardrail's Fatal: %q / %q", k.BudgetRefused, p.FirstReconcile.Fatal)
			}
			var sum float64
			for _, x := range k.Components {
				want := 0.0
				if x.Name == "nodes" {
					want = c.nodes
				}
				if math.Abs(x.DiffUSD-want) > 0.005 || math.Abs(x.AfterUSD-x.BeforeUSD-x.DiffUSD) > 0.005 {
					t.Errorf("%s: %.2f → %.2f (%+.2f), want a difference of %+.2f", x.Name, x.BeforeUSD, x.AfterUSD, x.DiffUSD, want)
				}
				sum += x.AfterUSD
			}
			if math.Abs(sum-*k.AfterUSD) > 0.005 || math.Abs(*k.AfterUSD-*k.BeforeUSD-k.DiffUSD) > 0.005 {
				t.Errorf("the components (%.2f) do not add up to the total %.2f, or the difference %.2f is not after − before", sum, *k.AfterUSD, k.DiffUSD)
			}
		})
	}
}

// TestPlanCostEnds: a new environment costs nothing before, a destroyed one nothing after; a new environment over
// its limit is refused (its first generation is an edit).
func TestPlanCostEnds(t *testing.T) {
	p, code := runJSON(t, "plan", "--new", seed)
	if code != exitChanges || p.Cost == nil || *p.Cost.BeforeUSD != 0 || *p.Cost.AfterUSD <= 0 || p.Cost.DiffUSD != *p.Cost.AfterUSD {
		t.Errorf("new environment: exit %d, cost %+v", code, p.Cost)
	}
	p, code = runJSON(t, "plan", "--new", edited(t, budget("100")...))
	if code != exitHuman || p.Cost == nil || p.Cost.BudgetRefused == "" {
		t.Errorf("new environment over its limit: exit %d, cost %+v", code, p.Cost)
	}
	p, _ = runJSON(t, "plan", "--destroy", "--old", seed, "--observed", seedReady)
	if p.Cost == nil || *p.Cost.AfterUSD != 0 || p.Cost.DiffUSD != -*p.Cost.BeforeUSD || p.Cost.DiffUSD >= 0 {
		t.Errorf("destroy: cost %+v", p.Cost)
	}
	if !strings.Contains(p.Cost.Note, "orphans stay in AWS and keep billing") {
		t.Errorf("destroy: the note does not say the orphans keep billing: %q", p.Cost.Note)
	}
}

// TestPlanCostFormats: the text plan shows every component that costs something before or after, the Markdown the
// components that change and the total; a refusal by the budget is said in both.
func TestPlanCostFormats(t *testing.T) {
	oldXR := edited(t, budget("480")...)
	newXR := edited(t, append(budget("480"), "desiredSize: 3", "desiredSize: 4")...)
	out := func(format string) string {
		var o, e bytes.Buffer
		if code := run([]string{"plan", "--new", newXR, "--old", oldXR, "--observed", seedReady, "-o", format}, &o, &e); code != exitHuman {
			t.Fatalf("-o %s: exit %d: %s", format, code, e.String())
		}
		return o.String()
	}
	text, md := out("text"), out("markdown")
	for _, w := range []string{"Monthly cost (USD, estimated", "component", "before", "after", "diff", "  database ", "  nodes ", "  total ", "Budget: limit $480.00 a month; the edit is refused"} {
		if !strings.Contains(text, w) {
			t.Errorf("the text plan lacks %q:\n%s", w, text)
		}
	}
	for _, w := range []string{"**Refused by the budget**", "| Component | Before | After | Diff |", "| **total** |", "Budget: limit $480.00"} {
		if !strings.Contains(md, w) {
			t.Errorf("the Markdown lacks %q:\n%s", w, md)
		}
	}
	if strings.Contains(md, "| database |") {
		t.Errorf("the Markdown lists a component that does not change:\n%s", md)
	}
	if !regexp.MustCompile(`(?m)^  nodes +[0-9.]+ +[0-9.]+ +\+[0-9.]+$`).MatchString(text) {
		t.Errorf("the text plan lacks the nodes line with its rise:\n%s", text)
	}
	if !regexp.MustCompile(`(?m)^\| nodes \| [0-9.]+ \| [0-9.]+ \| \+[0-9.]+ \|$`).MatchString(md) {
		t.Errorf("the Markdown lacks the nodes row with its rise:\n%s", md)
	}
}

// TestPlanCostLiveRefused: the live spec is an edit the budget refused (generation 4 over the limit, generation 3
// accepted at the seed's estimate): a PR that brings the cost back under the limit plans as usual, one that raises
// it further is refused again; neither errors on the live spec that does not render.
func TestPlanCostLiveRefused(t *testing.T) {
	accepted := budget("480")
	var plain struct{ total float64 }
	p, _ := runJSON(t, "plan", "--new", edited(t, accepted...))
	plain.total = *p.Cost.AfterUSD
	status := fmt.Sprintf("status:\n  budget:\n    monthlyLimitUSD: 480\n    acceptedGeneration: 3\n    acceptedMonthlyUSD: %.2f\n    exceeded: false\n", plain.total)
	live := edited(t, append(accepted, "desiredSize: 3", "desiredSize: 4", "  name: prod\n", "  name: prod\n  generation: 4\n")...)
	b, _ := os.ReadFile(live)
	if err := os.WriteFile(live, append(b, status...), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		new  []string
		code int
	}{
		{"back under the limit", accepted, exitChanges},
		{"higher still", append(budget("480"), "desiredSize: 3", "desiredSize: 5"), exitHuman},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, code := runJSON(t, "plan", "--new", edited(t, c.new...), "--old", live, "--observed", seedReady)
			if code != c.code || p.Cost == nil || !strings.Contains(p.Cost.Note, "the live spec (generation 4) is itself refused by the budget") {
				t.Errorf("exit %d, want %d; cost %+v", code, c.code, p.Cost)
			}
		})
	}
}
