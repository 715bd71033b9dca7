package v1alpha1

// BudgetSpec is the environment's monthly budget guardrail.
type BudgetSpec struct {
	// MonthlyLimitUSD is the most the environment's estimated monthly cost (status.outputs.cost.monthlyUSD)
	// may be after an edit of the spec. An edit (a new metadata.generation) whose estimate is above the
	// limit and above the accepted estimate is refused with a Fatal result, and Crossplane then applies
	// nothing of it; an edit that lowers the estimate is always accepted. A rise without an edit (a new
	// function version or price table) only sets the BudgetExceeded condition.
	// +kubebuilder:validation:Minimum=0
	// +optional
	MonthlyLimitUSD *float64 `json:"monthlyLimitUSD,omitempty"`
}

// BudgetStatus is what the guardrail accepted last.
type BudgetStatus struct {
	// MonthlyLimitUSD is the limit in force (spec.budget.monthlyLimitUSD), if any.
	// +optional
	MonthlyLimitUSD *float64 `json:"monthlyLimitUSD,omitempty"`
	// AcceptedGeneration is the metadata.generation of the spec the function accepted last: a newer
	// generation is an edit, which the budget may refuse.
	AcceptedGeneration int64 `json:"acceptedGeneration"`
	// AcceptedMonthlyUSD is the estimate of the accepted spec, as last computed (a new price table
	// updates it without an edit). Absent where the estimate is incomplete.
	// +optional
	AcceptedMonthlyUSD *float64 `json:"acceptedMonthlyUSD,omitempty"`
	// Exceeded is true while the estimate is above the limit (see the BudgetExceeded condition).
	Exceeded bool `json:"exceeded"`
	// Message says how the guardrail judged the last render.
	// +optional
	Message string `json:"message,omitempty"`
}

// CostOutputs is the estimated monthly cost of everything the spec composes (730 hours a month, on-demand
// list prices of the function's price table), whatever is observed so far.
type CostOutputs struct {
	// MonthlyUSD is the estimated fixed monthly cost in USD of the priced dimensions. Absent where the
	// region has no prices.
	// +optional
	MonthlyUSD *float64 `json:"monthlyUSD,omitempty"`
	// Complete is true when every fixed-cost dimension is priced for the region.
	Complete bool `json:"complete"`
	// Region whose prices were used (resources of other regions, e.g. an e-mail fallback region or the
	// Route 53 health-check alarm in us-east-1, are priced in theirs).
	Region string `json:"region"`
	// PriceDate is the date of the price table.
	PriceDate string `json:"priceDate"`
	// Components is the monthly cost per component, in build order.
	// +listType=map
	// +listMapKey=name
	// +optional
	Components []CostComponent `json:"components,omitempty"`
	// NotPriced lists fixed-cost dimensions the price table has no price for in their region: they are
	// missing from monthlyUSD.
	// +optional
	NotPriced []string `json:"notPriced,omitempty"`
	// UsageBased lists what is billed by use, with its unit price; the estimate assumes zero use.
	// +optional
	UsageBased []CostUsage `json:"usageBased,omitempty"`
	// NotEstimated lists what AWS creates on the environment's behalf, or bills outside its resources,
	// that the estimate leaves out.
	// +optional
	NotEstimated []string `json:"notEstimated,omitempty"`
	// Message says what the estimate assumes, or why there are no figures.
	// +optional
	Message string `json:"message,omitempty"`
}

// CostComponent is one component's estimated monthly cost.
type CostComponent struct {
	// Name of the component, e.g. network.
	Name string `json:"name"`
	// MonthlyUSD is its estimated fixed monthly cost in USD.
	MonthlyUSD float64 `json:"monthlyUSD"`
}

// CostUsage is a usage-based dimension: billed by use, estimated at zero.
type CostUsage struct {
	// Name of the dimension, e.g. "NAT gateway data processed".
	Name string `json:"name"`
	// Component it belongs to.
	Component string `json:"component"`
	// UnitUSD is the price per unit in USD; absent where the price table has none for the region.
	// +optional
	UnitUSD *float64 `json:"unitUSD,omitempty"`
	// Unit the price is per, e.g. GB.
	Unit string `json:"unit"`
	// Assumption is the use the estimate assumes.
	Assumption string `json:"assumption"`
}
