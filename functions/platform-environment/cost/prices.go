// Package cost estimates the monthly AWS cost of an environment from its resolved spec, offline, from the
// price table embedded below (prices.yaml). It counts what the spec will compose — not what this pass
// renders or what is observed — and imports no domain package: the counts follow the domains' rules, and
// a test beside the function checks them against the resources the examples compose when fully observed.
package cost

import (
	_ "embed"
	"fmt"
	"sort"

	"sigs.k8s.io/yaml"
)

//go:embed prices.yaml
var pricesYAML []byte

// Table is the price table: on-demand list prices per dimension and region, each naming its source.
type Table struct {
	// Date the table was compiled (YYYY-MM-DD); it is also "today" for EKS support windows.
	Date          string  `json:"date"`
	HoursPerMonth float64 `json:"hoursPerMonth"`
	// Sources by id: where each price was read.
	Sources map[string]string `json:"sources"`
	// EKSVersions maps a Kubernetes minor version to its end of standard support (YYYY-MM-DD).
	EKSVersions map[string]string `json:"eksVersions"`
	// EKSVersionsSource and MultiAZSource name the sources of the EKS calendar and of the rule that a
	// Multi-AZ instance bills its standby too.
	EKSVersionsSource string           `json:"eksVersionsSource"`
	MultiAZSource     string           `json:"multiAZSource"`
	Prices            map[string]Price `json:"prices"`
}

// Price is one dimension's unit price per region ("*": every region), read from Source unless
// RegionSources names another source for a region.
type Price struct {
	Unit          string             `json:"unit"`
	Source        string             `json:"source"`
	RegionSources map[string]string  `json:"regionSources,omitempty"`
	USD           map[string]float64 `json:"usd"`
}

// Lookup returns a dimension's unit price in a region.
func (t *Table) Lookup(key, region string) (float64, bool) {
	p, ok := t.Prices[key]
	if !ok {
		return 0, false
	}
	if v, ok := p.USD[region]; ok {
		return v, true
	}
	v, ok := p.USD["*"]
	return v, ok
}

// Regions lists the regions the table names, sorted.
func (t *Table) Regions() []string {
	seen := map[string]bool{}
	for _, p := range t.Prices {
		for r := range p.USD {
			if r != "*" {
				seen[r] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// Knows reports whether the table has prices of the region itself (not only prices for every region).
func (t *Table) Knows(region string) bool {
	for _, p := range t.Prices {
		if _, ok := p.USD[region]; ok {
			return true
		}
	}
	return false
}

// Load parses a price table and checks that every price names a known source.
func Load(b []byte) (*Table, error) {
	t := &Table{}
	if err := yaml.UnmarshalStrict(b, t); err != nil {
		return nil, fmt.Errorf("cannot read the price table: %w", err)
	}
	if t.Date == "" || t.HoursPerMonth <= 0 {
		return nil, fmt.Errorf("the price table needs a date and hoursPerMonth")
	}
	for _, id := range []string{t.EKSVersionsSource, t.MultiAZSource} {
		if _, ok := t.Sources[id]; !ok {
			return nil, fmt.Errorf("the price table names source %q, which it does not list", id)
		}
	}
	for k, p := range t.Prices {
		if _, ok := t.Sources[p.Source]; !ok {
			return nil, fmt.Errorf("price %s names source %q, which the table does not list", k, p.Source)
		}
		for r, id := range p.RegionSources {
			if _, ok := t.Sources[id]; !ok {
				return nil, fmt.Errorf("price %s names source %q for %s, which the table does not list", k, id, r)
			}
			if _, ok := p.USD[r]; !ok {
				return nil, fmt.Errorf("price %s names a source for %s but has no price there", k, r)
			}
		}
		if p.Unit == "" || len(p.USD) == 0 {
			return nil, fmt.Errorf("price %s needs a unit and at least one region", k)
		}
	}
	return t, nil
}

// Default is the embedded price table.
var Default = mustLoad(pricesYAML)

func mustLoad(b []byte) *Table {
	t, err := Load(b)
	if err != nil {
		panic(err)
	}
	return t
}
