package plan

import (
	"errors"
	"math"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/cost"
)

// budgetField is the field the budget guardrail's Fatal names (cost.Guard).
const budgetField = "spec.budget.monthlyLimitUSD"

// Cost is the estimated monthly cost (status.outputs.cost) before and after the edit.
type Cost struct {
	// BeforeUSD is the live spec's estimate: 0 for a new environment, nil where the region has no prices.
	BeforeUSD *float64 `json:"beforeUSD"`
	// AfterUSD is the new spec's estimate: 0 for a destroy plan, nil where the region has no prices.
	AfterUSD *float64 `json:"afterUSD"`
	// DiffUSD is AfterUSD − BeforeUSD (0 when either is missing).
	DiffUSD float64 `json:"diffUSD"`
	// Components are the estimate's components in build order, each before, after and the difference.
	Components []CostComponent `json:"components"`
	// Complete is false when either estimate misses a fixed-cost dimension the price table has no price for
	// (NotPriced lists the new estimate's): the figures are lower bounds, and the budget is not enforced.
	Complete  bool     `json:"complete"`
	NotPriced []string `json:"notPriced,omitempty"`
	// PriceDate is the date of the price table.
	PriceDate string `json:"priceDate,omitempty"`
	// MonthlyLimitUSD is the new spec's spec.budget.monthlyLimitUSD, if set.
	MonthlyLimitUSD *float64 `json:"monthlyLimitUSD,omitempty"`
	// BudgetRefused is the budget guardrail's Fatal: the edit raises the estimate above the limit and above the
	// accepted estimate, and Crossplane applies nothing of it (exit 3).
	BudgetRefused string `json:"budgetRefused,omitempty"`
	// Note qualifies the figures: in a destroy plan, what deletion protection leaves in AWS keeps billing.
	Note string `json:"note,omitempty"`
	// Message is the new estimate's message (what it assumes, or why there are no figures).
	Message string `json:"message,omitempty"`
}

// CostComponent is one component's monthly cost before and after the edit.
type CostComponent struct {
	Name      string  `json:"name"`
	BeforeUSD float64 `json:"beforeUSD"`
	AfterUSD  float64 `json:"afterUSD"`
	DiffUSD   float64 `json:"diffUSD"`
}

// costDiff compares two estimates; a nil estimate is "nothing composed" (a new environment, a destroy plan).
func costDiff(before, after *v1alpha1.CostOutputs) *Cost {
	c := &Cost{Components: []CostComponent{}}
	zero := 0.0
	total := func(o *v1alpha1.CostOutputs) *float64 {
		if o == nil {
			return &zero
		}
		return o.MonthlyUSD
	}
	c.BeforeUSD, c.AfterUSD = total(before), total(after)
	if c.BeforeUSD != nil && c.AfterUSD != nil {
		c.DiffUSD = cents(*c.AfterUSD - *c.BeforeUSD)
	}
	for _, o := range []*v1alpha1.CostOutputs{after, before} {
		if o != nil {
			c.PriceDate, c.Message = o.PriceDate, o.Message
			break
		}
	}
	c.Complete = (before == nil || before.Complete) && (after == nil || after.Complete)
	if after != nil {
		c.NotPriced = after.NotPriced
	} else if before != nil {
		c.NotPriced = before.NotPriced
	}
	by := func(o *v1alpha1.CostOutputs) map[string]float64 {
		m := map[string]float64{}
		if o != nil {
			for _, x := range o.Components {
				m[x.Name] = x.MonthlyUSD
			}
		}
		return m
	}
	b, a := by(before), by(after)
	for _, name := range cost.Components {
		x := CostComponent{Name: name, BeforeUSD: b[name], AfterUSD: a[name]}
		x.DiffUSD = cents(x.AfterUSD - x.BeforeUSD)
		c.Components = append(c.Components, x)
	}
	return c
}

// cents rounds a difference of two cent amounts back to the cent (binary floats leave 0.00000001s).
func cents(v float64) float64 { return math.Round(v*100) / 100 }

// budgetRefusal reports whether a render's error is the budget guardrail's refusal of the edit.
func budgetRefusal(err error) bool {
	var fe *compose.FieldError
	return errors.As(err, &fe) && fe.Field == budgetField
}

// estimateOnly renders xr without its budget limit, for the estimate of an edit the guardrail refuses (the
// refusal ends the render before it returns a status).
func estimateOnly(xr *v1alpha1.PlatformEnvironment, observed compose.Observed) *v1alpha1.CostOutputs {
	x := copyXR(xr)
	x.Spec.Budget.MonthlyLimitUSD = nil
	_, _, st, err := desired(x, observed)
	if err != nil {
		return nil
	}
	return costOf(st)
}

// accepted is the live XR as the guardrail has seen it: a live spec read from a file has no status.budget, and
// is the spec the function accepted (it is live), so its generation is the accepted one. Without this the
// guardrail would take the live spec for a new environment's first edit.
func accepted(x *v1alpha1.PlatformEnvironment) *v1alpha1.PlatformEnvironment {
	if x.Status.Budget != nil {
		return x
	}
	x = copyXR(x)
	x.Status.Budget = &v1alpha1.BudgetStatus{AcceptedGeneration: x.Generation}
	return x
}

func costOf(st v1alpha1.PlatformEnvironmentStatus) *v1alpha1.CostOutputs {
	if st.Outputs == nil {
		return nil
	}
	return st.Outputs.Cost
}
