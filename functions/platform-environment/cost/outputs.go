package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// Outputs is the estimate as status.outputs.cost publishes it.
func (e *Estimate) Outputs() *v1alpha1.CostOutputs {
	o := &v1alpha1.CostOutputs{Region: e.Region, PriceDate: e.PriceDate, UsageBased: e.Usage, NotEstimated: e.NotEstimated}
	seen := map[string]bool{}
	for _, l := range e.Lines {
		if !l.Priced {
			k := l.Key + " (" + l.Region + ")"
			if !seen[k] {
				seen[k] = true
				o.NotPriced = append(o.NotPriced, k)
			}
		}
	}
	sort.Strings(o.NotPriced)
	total, complete := e.Total()
	o.Complete = complete
	if !e.Priced() {
		o.Message = fmt.Sprintf("no estimate: the price table of %s has no prices for %s (priced regions: %s); the dimensions without a price are listed under notPriced", e.PriceDate, e.Region, strings.Join(Default.Regions(), ", "))
		return o
	}
	o.MonthlyUSD = &total
	o.Components = e.ByComponent()
	msg := fmt.Sprintf("on-demand list prices of %s, 730 hours a month, fixed costs only", e.PriceDate)
	if !complete {
		msg += fmt.Sprintf("; %d dimension(s) without a price in the table are missing (notPriced): the figure is a lower bound", len(o.NotPriced))
	}
	if len(e.Notes) > 0 {
		msg += "; " + strings.Join(e.Notes, "; ")
	}
	o.Message = msg
	return o
}
