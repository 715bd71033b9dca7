package compose

import (
	"sort"
	"strings"
)

// ValidationRecord is one DNS record ACM asks for to validate a certificate's domain names.
type ValidationRecord struct {
	// Name is the record's fully qualified name without the trailing dot, e.g.
	// _1f0c….example.com.
	Name string
	// Type is the record type ACM asks for (CNAME).
	Type string
	// Value is the record's value, e.g. _a79….acm-validations.aws. (as ACM gives it).
	Value string
	// Domains are the certificate's names this record validates, sorted: an apex and its wildcard share
	// one record.
	Domains []string
}

// CertificateValidationRecords reads the validation records of an observed ACM certificate from its
// status.atProvider.domainValidationOptions, de-duplicated (the apex and *.apex share one record) and
// sorted by name. It returns ok=false until the certificate is observed with complete options for every
// name its spec asks for (domainName and subjectAlternativeNames): records rendered from half an answer
// would drop — and delete — the others' records until the rest arrives.
func (o Observed) CertificateValidationRecords(name string) ([]ValidationRecord, bool) {
	v, ok := o.Value(name, "status.atProvider.domainValidationOptions")
	if !ok {
		return nil, false
	}
	opts, ok := v.([]any)
	if !ok || len(opts) == 0 {
		return nil, false
	}
	byName := map[string]*ValidationRecord{}
	for _, x := range opts {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, false
		}
		domain, _ := m["domainName"].(string)
		rn, _ := m["resourceRecordName"].(string)
		rt, _ := m["resourceRecordType"].(string)
		rv, _ := m["resourceRecordValue"].(string)
		if domain == "" || rn == "" || rt == "" || rv == "" {
			return nil, false
		}
		rn = strings.TrimSuffix(strings.ToLower(rn), ".")
		r, seen := byName[rn]
		if !seen {
			r = &ValidationRecord{Name: rn, Type: rt, Value: rv}
			byName[rn] = r
		} else if r.Type != rt || r.Value != rv {
			// Two answers for one name: ACM never does this; do not guess which one is right.
			return nil, false
		}
		r.Domains = append(r.Domains, domain)
	}
	covered := map[string]bool{}
	for _, r := range byName {
		for _, d := range r.Domains {
			covered[strings.ToLower(d)] = true
		}
	}
	// DNS names are case-insensitive, and ACM may list them in another case than the spec's.
	for _, want := range certificateNames(o[name]) {
		if !covered[strings.ToLower(want)] {
			return nil, false
		}
	}
	out := make([]ValidationRecord, 0, len(byName))
	for _, n := range sortedKeys(byName) {
		r := byName[n]
		sort.Strings(r.Domains)
		out = append(out, *r)
	}
	return out, true
}

// certificateNames returns the names an observed certificate's spec asks for.
func certificateNames(obj map[string]any) []string {
	spec, _ := obj["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	var out []string
	if d, ok := fp["domainName"].(string); ok && d != "" {
		out = append(out, d)
	}
	if sans, ok := fp["subjectAlternativeNames"].([]any); ok {
		for _, x := range sans {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
