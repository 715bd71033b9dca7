package cost

import (
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestGuard: the budget's cases. The seed costs $479.41 a month at the table's prices.
func TestGuard(t *testing.T) {
	seed := New(Default, seedInput())
	seedUSD, _ := seed.Total()
	bigger := seedInput()
	bigger.Resolved.Cluster.NodeGroup.DesiredSize = 6 // + 3 nodes: + $91.10 + $12.00
	big := New(Default, bigger)
	bigUSD, _ := big.Total()
	smaller := bigger
	smaller.Resolved.Cluster.NodeGroup.DesiredSize = 5
	small := New(Default, smaller)
	smallUSD, _ := small.Total()

	// A price rise without an edit: a new table where t3.medium costs more.
	dear := *Default
	dear.Prices = map[string]Price{}
	for k, v := range Default.Prices {
		dear.Prices[k] = v
	}
	dear.Prices["ec2.t3.medium"] = Price{Unit: "hour", Source: "infracost-eks-node-group", USD: map[string]float64{"us-east-1": 0.1}}
	repriced := New(&dear, seedInput())
	repricedUSD, _ := repriced.Total()

	accepted := func(gen int64, usd float64) *v1alpha1.BudgetStatus {
		return &v1alpha1.BudgetStatus{AcceptedGeneration: gen, AcceptedMonthlyUSD: &usd}
	}
	cases := map[string]struct {
		limit     *float64
		gen       int64
		prev      *v1alpha1.BudgetStatus
		e         *Estimate
		refused   []string // parts of the Fatal
		exceeded  bool
		acceptGen int64
	}{
		"no limit: anything goes": {gen: 2, prev: accepted(1, seedUSD), e: big, acceptGen: 2},
		"under the limit":         {limit: ct.Ptr(600.0), gen: 2, prev: accepted(1, seedUSD), e: big, acceptGen: 2},
		"over: an edit that raises the cost": {limit: ct.Ptr(500.0), gen: 2, prev: accepted(1, seedUSD), e: big,
			refused: []string{"spec.budget.monthlyLimitUSD", "$582.52", "$500.00", "$479.41 accepted at generation 1", "nodes $206.21, database $129.12, network $110.50"}},
		"over on creation: nothing accepted yet": {limit: ct.Ptr(400.0), gen: 1, e: seed,
			refused: []string{"$479.41", "$400.00", "nothing accepted yet"}},
		"lowering above the limit is accepted":                        {limit: ct.Ptr(500.0), gen: 3, prev: accepted(2, bigUSD), e: small, exceeded: true, acceptGen: 3},
		"unchanged generation after a price-table change never fails": {limit: ct.Ptr(480.0), gen: 4, prev: accepted(4, seedUSD), e: repriced, exceeded: true, acceptGen: 4},
		// During a node group replacement both groups run until the new one is Ready, but the estimate is
		// of the spec: an edit then is judged against the accepted spec's estimate, not the overlap.
		"an edit during a replacement raising the cost":                                         {limit: ct.Ptr(500.0), gen: 6, prev: accepted(5, seedUSD), e: big, refused: []string{"generation 6", "$479.41 accepted at generation 5"}},
		"an edit during a replacement keeping the cost":                                         {limit: ct.Ptr(400.0), gen: 6, prev: accepted(5, seedUSD), e: seed, exceeded: true, acceptGen: 6},
		"an older generation is not an edit":                                                    {limit: ct.Ptr(400.0), gen: 3, prev: accepted(5, seedUSD), e: big, exceeded: true, acceptGen: 5},
		"an existing environment meeting the guardrail for the first time (a function upgrade)": {limit: ct.Ptr(400.0), gen: 7, e: seed, exceeded: true, acceptGen: 7},
		"an incomplete estimate is not enforced":                                                {limit: ct.Ptr(1.0), gen: 2, prev: accepted(1, seedUSD), e: New(Default, Input{Region: "af-south-1", Spec: seedInput().Spec, Resolved: seedInput().Resolved}), acceptGen: 2},
	}
	_ = smallUSD
	_ = repricedUSD
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st, err := Guard(tc.limit, tc.gen, tc.prev, tc.e)
			if len(tc.refused) > 0 {
				if err == nil {
					t.Fatalf("accepted: %+v", st)
				}
				for _, part := range tc.refused {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("the Fatal %q does not name %q", err, part)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if st.Exceeded != tc.exceeded || st.AcceptedGeneration != tc.acceptGen {
				t.Errorf("exceeded %v at accepted generation %d (%s), want %v at %d", st.Exceeded, st.AcceptedGeneration, st.Message, tc.exceeded, tc.acceptGen)
			}
		})
	}
}
