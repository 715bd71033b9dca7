package main

import (
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// budgetCondition reports the budget guardrail's verdict as the XR's BudgetExceeded condition: True while
// the estimate is above spec.budget.monthlyLimitUSD (a rise without an edit, or an accepted edit that
// lowered it), False otherwise. It is always set, so that a condition once True is cleared again.
func budgetCondition(rsp *fnv1.RunFunctionResponse, b *v1alpha1.BudgetStatus) {
	if b == nil {
		return
	}
	switch {
	case b.Exceeded:
		response.ConditionTrue(rsp, "BudgetExceeded", "OverLimit").WithMessage(b.Message).TargetComposite()
	case b.MonthlyLimitUSD == nil:
		response.ConditionFalse(rsp, "BudgetExceeded", "NoLimit").WithMessage(b.Message).TargetComposite()
	default:
		response.ConditionFalse(rsp, "BudgetExceeded", "WithinLimit").WithMessage(b.Message).TargetComposite()
	}
}
