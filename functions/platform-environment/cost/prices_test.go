package cost

import (
	"strings"
	"testing"
)

// TestPriceTable: the embedded table loads, every source is used and every price names one, and a table
// whose price names an unknown source or has no unit is refused.
func TestPriceTable(t *testing.T) {
	used := map[string]bool{Default.EKSVersionsSource: true, Default.MultiAZSource: true}
	for k, p := range Default.Prices {
		used[p.Source] = true
		for _, id := range p.RegionSources {
			used[id] = true
		}
		for r, v := range p.USD {
			if v < 0 {
				t.Errorf("%s in %s: negative price %g", k, r, v)
			}
		}
	}
	for id := range Default.Sources {
		if !used[id] {
			t.Errorf("source %s is listed but no price names it", id)
		}
	}
	for v, d := range Default.EKSVersions {
		if len(d) != len("2006-01-02") {
			t.Errorf("EKS %s: end of standard support %q is not a date", v, d)
		}
	}
	bad := map[string]string{
		"unknown source":      "date: x\nhoursPerMonth: 730\nsources: {}\nprices:\n  a: {unit: hour, source: nowhere, usd: {us-east-1: 1}}\n",
		"no unit":             "date: x\nhoursPerMonth: 730\nsources: {s: here}\nprices:\n  a: {source: s, usd: {us-east-1: 1}}\n",
		"no date":             "hoursPerMonth: 730\n",
		"unknown rule source": "date: x\nhoursPerMonth: 730\neksVersionsSource: nowhere\n",
		"unknown field":       "date: x\nhoursPerMonth: 730\nprice: {}\n",
	}
	for name, y := range bad {
		if _, err := Load([]byte(y)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

// TestEKSSupport: the control plane is priced at extended support once the table's date reaches the
// version's end of standard support, at standard before it, and at standard for a version newer than
// the table.
func TestEKSSupport(t *testing.T) {
	for _, tc := range []struct {
		version, date, key string
	}{
		{"1.35", "2026-12-01", "eks.cluster.standard"},
		{"1.34", "2026-12-01", "eks.cluster.standard"}, // ends 2026-12-02
		{"1.34", "2026-12-02", "eks.cluster.extended"}, // billed from the start of that day
		{"1.32", "2026-12-01", "eks.cluster.extended"},
		{"1.36", "2026-12-01", "eks.cluster.standard"}, // released after the table: no date, standard
	} {
		tab := *Default
		tab.Date = tc.date
		in := seedInput()
		in.Resolved.Cluster.Version = tc.version
		e := New(&tab, in)
		var got string
		for _, l := range e.Lines {
			if strings.HasPrefix(l.Key, "eks.cluster.") {
				got = l.Key
			}
		}
		if got != tc.key {
			t.Errorf("%s on %s: priced as %s, want %s", tc.version, tc.date, got, tc.key)
		}
	}
}

// TestNoPricesForRegion: a region the table has no prices for gives a message, no figures and no
// failure; the usage-based and not-estimated lists are still there.
func TestNoPricesForRegion(t *testing.T) {
	in := seedInput()
	in.Region = "af-south-1"
	o := New(Default, in).Outputs()
	if o.MonthlyUSD != nil || len(o.Components) != 0 || o.Complete {
		t.Errorf("figures for a region without prices: %+v", o)
	}
	if !strings.Contains(o.Message, "no prices for af-south-1") {
		t.Errorf("message %q does not say the region has no prices", o.Message)
	}
	if len(o.NotPriced) == 0 || len(o.NotEstimated) == 0 || len(o.UsageBased) == 0 {
		t.Errorf("lists missing: %+v", o)
	}
}

// TestPartialEstimate: a dimension without a price in a region the table knows (here a cache node type
// the table does not list) gives a lower bound that says so and lists what is missing.
func TestPartialEstimate(t *testing.T) {
	in := seedInput()
	in.Resolved.Cache.NodeType = "cache.x2gd.large"
	o := New(Default, in).Outputs()
	if o.MonthlyUSD == nil || o.Complete {
		t.Fatalf("want a partial estimate: %+v", o)
	}
	if !strings.Contains(o.Message, "lower bound") || !contains(o.NotPriced, "elasticache.redis.cache.x2gd.large (us-east-1)") {
		t.Errorf("a partial estimate must say it is a lower bound and list what is missing: %q %v", o.Message, o.NotPriced)
	}
	if *o.MonthlyUSD != 479.41-12.41 {
		t.Errorf("partial estimate $%.2f, want the seed's without its cache node", *o.MonthlyUSD)
	}
}

// TestValkey: a valkey cache is priced at Valkey's node rate, below Redis OSS's for the same node type,
// and the estimate stays complete.
func TestValkey(t *testing.T) {
	in := seedInput()
	in.Resolved.Cache.Engine = "valkey"
	e := New(Default, in)
	l := line(e, "cache", "elasticache.")
	if l.Key != "elasticache.valkey.cache.t3.micro" || !l.Priced || l.MonthlyUSD != cents(730*0.0136) {
		t.Errorf("cache line %+v, want valkey cache.t3.micro at $0.0136/h", l)
	}
	redis := line(New(Default, seedInput()), "cache", "elasticache.")
	if l.MonthlyUSD >= redis.MonthlyUSD {
		t.Errorf("valkey node $%.2f, not below redis $%.2f", l.MonthlyUSD, redis.MonthlyUSD)
	}
	if _, complete := e.Total(); !complete {
		t.Errorf("valkey seed estimate incomplete: %v", e.Outputs().NotPriced)
	}
}

// TestFamilies: every size the table lists of the common families (t3/t4g/m6i/m7i/m7g/c7i) is priced in
// us-east-1, and a Valkey node costs less than the Redis OSS node of the same type wherever both are listed.
func TestFamilies(t *testing.T) {
	for _, fam := range []string{"t3", "t4g", "m6i", "m7i", "m7g", "c7i"} {
		n := 0
		for k := range Default.Prices {
			if strings.HasPrefix(k, "ec2."+fam+".") {
				if _, ok := Default.Lookup(k, "us-east-1"); !ok {
					t.Errorf("%s has no us-east-1 price", k)
				}
				n++
			}
		}
		if n < 4 {
			t.Errorf("family %s: %d sizes priced, want at least 4", fam, n)
		}
	}
	both := 0
	for k := range Default.Prices {
		if !strings.HasPrefix(k, "elasticache.valkey.") {
			continue
		}
		for r := range Default.Prices[k].USD {
			v, _ := Default.Lookup(k, r)
			if rd, ok := Default.Lookup("elasticache.redis."+strings.TrimPrefix(k, "elasticache.valkey."), r); ok {
				both++
				if v >= rd {
					t.Errorf("%s in %s: valkey $%g not below redis $%g", k, r, v, rd)
				}
			}
		}
	}
	if both == 0 {
		t.Error("no node type priced for both engines")
	}
}

// TestInstanceTypes: several instance types are priced at the first, and an unknown first type is not
// priced (not replaced by another).
func TestInstanceTypes(t *testing.T) {
	in := seedInput()
	in.Resolved.Cluster.NodeGroup.InstanceTypes = []string{"m5.large", "t3.medium"}
	e := New(Default, in)
	if l := line(e, "nodes", "ec2."); l.Key != "ec2.m5.large" || l.MonthlyUSD != cents(3*730*0.096) {
		t.Errorf("nodes line %+v, want m5.large × 3", l)
	}
	in.Resolved.Cluster.NodeGroup.InstanceTypes = []string{"x2idn.16xlarge", "t3.medium"}
	if l := line(New(Default, in), "nodes", "ec2."); l.Priced {
		t.Errorf("an unpriced first instance type was priced: %+v", l)
	}
}

func line(e *Estimate, component, prefix string) Line {
	for _, l := range e.Lines {
		if l.Component == component && strings.HasPrefix(l.Key, prefix) {
			return l
		}
	}
	return Line{}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
