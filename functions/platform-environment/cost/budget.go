package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Guard is the budget guardrail. An edit is a metadata.generation newer than the one accepted last
// (prev.acceptedGeneration). It refuses only an edit whose estimate exceeds the limit and is higher than
// the accepted estimate: the error is a Fatal naming the limit, the new estimate and its three largest
// components, and since Crossplane applies nothing of a Fatal response, the environment stays as
// accepted. An edit that lowers the estimate is always accepted, even above the limit. A rise without an
// edit (a new function version or price table) is never refused: the status says the budget is exceeded
// (the BudgetExceeded condition). An estimate that is incomplete (a dimension or region without prices)
// is never enforced.
func Guard(limit *float64, generation int64, prev *v1alpha1.BudgetStatus, e *Estimate) (*v1alpha1.BudgetStatus, error) {
	var accepted v1alpha1.BudgetStatus
	// Without a status.budget the function has accepted nothing yet: a new environment (generation 1, or
	// none where rendered offline) is an edit, but an existing one meeting the guardrail for the first
	// time (an upgrade to a function that has it) is not: nothing says its spec changed.
	edit := generation <= 1
	if prev != nil {
		accepted = *prev
		edit = generation > accepted.AcceptedGeneration
	}
	total, complete := e.Total()
	estimated := complete && e.Priced()

	st := &v1alpha1.BudgetStatus{MonthlyLimitUSD: limit, AcceptedGeneration: accepted.AcceptedGeneration}
	if generation > st.AcceptedGeneration {
		st.AcceptedGeneration = generation
	}
	if estimated {
		st.AcceptedMonthlyUSD = &total
	}
	switch {
	case limit == nil:
		st.Message = "no budget: spec.budget.monthlyLimitUSD is not set"
	case !estimated:
		st.Message = fmt.Sprintf("not enforced: the estimate is incomplete for %s (see status.outputs.cost.notPriced)", e.Region)
	case total <= *limit:
		st.Message = fmt.Sprintf("within budget: $%.2f of $%.2f a month", total, *limit)
	case edit && (accepted.AcceptedMonthlyUSD == nil || total > *accepted.AcceptedMonthlyUSD):
		was := "nothing accepted yet"
		if accepted.AcceptedMonthlyUSD != nil {
			was = fmt.Sprintf("$%.2f accepted at generation %d", *accepted.AcceptedMonthlyUSD, accepted.AcceptedGeneration)
		}
		return nil, compose.Invalid("spec.budget.monthlyLimitUSD",
			"lower the cost of the edit (see status.outputs.cost for the estimate per component) or raise spec.budget.monthlyLimitUSD; nothing of this edit is applied until then",
			"the edit (generation %d) raises the estimated monthly cost to $%.2f, above the limit of $%.2f (%s); largest: %s",
			generation, total, *limit, was, largest(e, 3))
	default:
		st.Exceeded = true
		why := "the estimate rose without an edit (a new function version or price table)"
		if edit {
			why = "the edit lowers the estimate, so it is accepted"
		}
		st.Message = fmt.Sprintf("exceeded: $%.2f a month is above the limit of $%.2f; %s; largest: %s", total, *limit, why, largest(e, 3))
	}
	return st, nil
}

// largest names the n components that cost most, e.g. "nodes $91.10, database $117.26, network $109.50".
func largest(e *Estimate, n int) string {
	cs := e.ByComponent()
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].MonthlyUSD > cs[j].MonthlyUSD })
	if len(cs) > n {
		cs = cs[:n]
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s $%.2f", c.Name, c.MonthlyUSD)
	}
	return strings.Join(parts, ", ")
}
