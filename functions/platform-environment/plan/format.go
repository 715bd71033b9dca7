package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// symbols mark each action as terraform plan does; ! marks what needs a human.
var symbols = map[string]string{Create: "+", Update: "~", Replace: "-/+", Delete: "-", Orphan: "!", Blocked: "!"}

// Text writes the plan like `terraform plan`: a line per resource, its fields indented, then the summary line.
func Text(w io.Writer, p *Plan) error {
	var b strings.Builder
	for _, r := range p.Refused {
		fmt.Fprintf(&b, "Refused at admission: %s\n", r)
	}
	if len(p.Refused) > 0 {
		b.WriteString("\nNothing is applied: the API server refuses the new spec.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	if p.Destroy {
		b.WriteString("Destroy plan: the PlatformEnvironment is deleted (Argo CD prunes it).\n\n")
		textView(&b, p.View)
	} else {
		b.WriteString("First reconcile:\n\n")
		textView(&b, p.FirstReconcile)
		if p.FirstReconcile.Fatal == "" {
			fmt.Fprintf(&b, "\nEventual state (after %d reconciles, simulated):\n\n", p.Passes)
			textView(&b, p.View)
		}
	}
	textSkew(&b, p.Skew)
	textCost(&b, p.Cost)
	_, err := io.WriteString(w, b.String())
	return err
}

// textSkew lists the function version skew apart from the changes: the fields Crossplane applied (old) that this
// plan's render of the live spec sets otherwise (new).
func textSkew(b *strings.Builder, skew []Resource) {
	if len(skew) == 0 {
		return
	}
	b.WriteString("\nFunction version skew (not a change of this edit): the function that applied these renders the live spec\notherwise than this plan does; applied → this render:\n\n")
	for _, r := range skew {
		fmt.Fprintf(b, "  ?   %s (%s) %s\n", r.Name, r.Kind, r.AWSName)
		for _, f := range r.Fields {
			nu := value(f.New)
			if f.Unset {
				nu = "(not rendered)"
			}
			fmt.Fprintf(b, "        %s: %s → %s\n", f.Path, value(f.Old), nu)
		}
	}
}

// textCost writes the estimate before and after, per component: the components either side has, and the total.
func textCost(b *strings.Builder, c *Cost) {
	if c == nil {
		return
	}
	fmt.Fprintf(b, "\nMonthly cost (USD, estimated%s):\n\n", priceDate(c))
	fmt.Fprintf(b, "  %-14s %10s %10s %10s\n", "component", "before", "after", "diff")
	for _, x := range c.Components {
		if x.BeforeUSD == 0 && x.AfterUSD == 0 {
			continue
		}
		fmt.Fprintf(b, "  %-14s %10.2f %10.2f %10s\n", x.Name, x.BeforeUSD, x.AfterUSD, signed(x.DiffUSD))
	}
	diff := "n/a"
	if c.BeforeUSD != nil && c.AfterUSD != nil {
		diff = signed(c.DiffUSD)
	}
	fmt.Fprintf(b, "  %-14s %10s %10s %10s\n", "total", usd(c.BeforeUSD), usd(c.AfterUSD), diff)
	if c.BeforeUSD == nil || c.AfterUSD == nil {
		fmt.Fprintf(b, "  # %s\n", c.Message)
	} else if !c.Complete {
		fmt.Fprintf(b, "  # incomplete: no price in the table for %s; the figures are lower bounds and the budget is not enforced\n", strings.Join(c.NotPriced, ", "))
	}
	if c.Note != "" {
		fmt.Fprintf(b, "  # %s\n", c.Note)
	}
	switch {
	case c.BudgetRefused != "":
		fmt.Fprintf(b, "\n  Budget: limit $%.2f a month; the edit is refused (the Fatal above): nothing of it is applied\n", *c.MonthlyLimitUSD)
	case c.MonthlyLimitUSD != nil:
		fmt.Fprintf(b, "\n  Budget: limit $%.2f a month\n", *c.MonthlyLimitUSD)
	}
}

func priceDate(c *Cost) string {
	if c.PriceDate == "" {
		return ""
	}
	return ", list prices of " + c.PriceDate
}

// signed shows a difference with its sign: +12.34, -5.00, 0.00.
func signed(v float64) string {
	if v > 0 {
		return fmt.Sprintf("+%.2f", v)
	}
	if v == 0 {
		return "0.00"
	}
	return fmt.Sprintf("%.2f", v)
}

func usd(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", *v)
}

func textView(b *strings.Builder, v View) {
	if v.Fatal != "" {
		fmt.Fprintf(b, "  Refused by the function (Fatal): %s\n", v.Fatal)
	}
	if len(v.Resources) == 0 && v.Fatal == "" {
		b.WriteString("  No changes.\n")
	}
	for _, r := range v.Resources {
		name := r.Name
		if r.Replaces != "" {
			name = r.Replaces + " → " + r.Name
		}
		data := ""
		if atRisk(r) {
			data = " [DATA]"
		}
		fmt.Fprintf(b, "  %-3s %s %s (%s) %s%s\n", symbols[r.Action], r.Action, name, r.Kind, r.AWSName, data)
		if r.Reason != "" {
			fmt.Fprintf(b, "        # %s\n", r.Reason)
		}
		for _, f := range r.Fields {
			mark := ""
			switch {
			case f.ForcesReplacement && r.Action == Blocked:
				mark = " # cannot be updated in place: the provider refuses it"
			case f.ForcesReplacement:
				mark = " # forces replacement"
			}
			nu := value(f.New)
			if f.Unset {
				nu = Unset
			}
			fmt.Fprintf(b, "        %s: %s → %s%s\n", f.Path, value(f.Old), nu, mark)
		}
	}
	s := v.Summary
	fmt.Fprintf(b, "\n  Plan: %d to create, %d to update, %d to replace, %d to delete, %d to orphan, %d blocked\n",
		s.Create, s.Update, s.Replace, s.Delete, s.Orphan, s.Blocked)
}

// value renders a field value on one line: strings quoted, others as JSON; a long value is shortened.
func value(v any) string {
	if v == nil {
		return "(none)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// JSON writes the plan as the schema documented in docs/plan.md.
func JSON(w io.Writer, p *Plan) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(p)
}

// Markdown writes the plan for a pull-request comment: composition resource names, kinds and actions only — no
// AWS names, ARNs or account IDs (a PR comment may be public).
func Markdown(w io.Writer, p *Plan) error {
	var b strings.Builder
	b.WriteString("### PlatformEnvironment plan\n\n")
	for _, r := range p.Refused {
		fmt.Fprintf(&b, "**Refused at admission:** `%s`\n\n", redact(oneLine(r)))
	}
	if len(p.Refused) > 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	v := p.View
	if p.Destroy {
		b.WriteString("**Destroy plan:** the environment is deleted; a human must approve.\n\n")
	}
	if p.FirstReconcile.Fatal != "" {
		fmt.Fprintf(&b, "**Refused by the function** (Fatal) on the first reconcile: `%s`\n\n", redact(oneLine(p.FirstReconcile.Fatal)))
	} else if v.Fatal != "" {
		fmt.Fprintf(&b, "**Refused by the function** (Fatal) before the eventual state: `%s`\n\n", redact(oneLine(v.Fatal)))
	}
	s := v.Summary
	fmt.Fprintf(&b, "Plan: %d to create, %d to update, %d to replace, %d to delete, %d to orphan, %d blocked\n\n",
		s.Create, s.Update, s.Replace, s.Delete, s.Orphan, s.Blocked)
	if len(v.Resources) > 0 {
		b.WriteString("| Action | Resource | Kind |\n|---|---|---|\n")
		for _, r := range v.Resources {
			name := "`" + r.Name + "`"
			if r.Replaces != "" {
				name = "`" + r.Replaces + "` → `" + r.Name + "`"
			}
			action := r.Action
			if atRisk(r) {
				action += " ⚠ data"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", action, name, r.Kind)
		}
	}
	if len(p.Skew) > 0 {
		names := make([]string, len(p.Skew))
		for i, r := range p.Skew {
			names[i] = "`" + r.Name + "`"
		}
		fmt.Fprintf(&b, "\n**Function version skew** (not a change of this edit: the function that applied them renders the live spec otherwise): %s\n", strings.Join(names, ", "))
	}
	markdownCost(&b, p.Cost)
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownCost writes the estimate before and after for the components that change, and the total. Prices are no
// account data.
func markdownCost(b *strings.Builder, c *Cost) {
	if c == nil {
		return
	}
	if c.BudgetRefused != "" {
		fmt.Fprintf(b, "\n**Refused by the budget** (spec.budget.monthlyLimitUSD): `%s`\n", redact(oneLine(c.BudgetRefused)))
	}
	fmt.Fprintf(b, "\n**Monthly cost** (USD, estimated%s):\n\n| Component | Before | After | Diff |\n|---|---:|---:|---:|\n", priceDate(c))
	for _, x := range c.Components {
		if x.DiffUSD != 0 {
			fmt.Fprintf(b, "| %s | %.2f | %.2f | %s |\n", x.Name, x.BeforeUSD, x.AfterUSD, signed(x.DiffUSD))
		}
	}
	diff := "n/a"
	if c.BeforeUSD != nil && c.AfterUSD != nil {
		diff = signed(c.DiffUSD)
	}
	fmt.Fprintf(b, "| **total** | %s | %s | %s |\n", usd(c.BeforeUSD), usd(c.AfterUSD), diff)
	if c.BeforeUSD != nil && c.AfterUSD != nil && !c.Complete {
		fmt.Fprintf(b, "\nIncomplete: no price in the table for %s; the figures are lower bounds.\n", strings.Join(c.NotPriced, ", "))
	}
	if c.Note != "" {
		fmt.Fprintf(b, "\nNote: %s.\n", c.Note)
	}
	if c.MonthlyLimitUSD != nil {
		fmt.Fprintf(b, "\nBudget: limit $%.2f a month.\n", *c.MonthlyLimitUSD)
	}
}

// accountData are ARNs and 12-digit account IDs, which a message may quote from the spec or status.
var accountData = regexp.MustCompile(`arn:[^\s,;)"'\x60]+|\b\d{12}\b`)

// redact replaces ARNs and account IDs in a message for a PR comment.
func redact(s string) string { return accountData.ReplaceAllString(s, "<redacted>") }

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
