package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCertificateValidationRecords(t *testing.T) {
	dvo := func(domain, name, value string) map[string]any {
		return map[string]any{"domainName": domain, "resourceRecordName": name, "resourceRecordType": "CNAME", "resourceRecordValue": value}
	}
	cert := func(opts ...any) Observed {
		return Observed{"edge-certificate": {"status": map[string]any{"atProvider": map[string]any{"domainValidationOptions": opts}}}}
	}
	cases := map[string]struct {
		reason   string
		observed Observed
		want     []ValidationRecord
		wantOK   bool
	}{
		"NotObserved": {reason: "No certificate observed: nothing to write yet.", observed: Observed{}},
		"NoOptionsYet": {
			reason:   "ACM has not published the options yet.",
			observed: Observed{"edge-certificate": {"status": map[string]any{"atProvider": map[string]any{"arn": "x"}}}},
		},
		"Incomplete": {
			reason:   "An option without its record value is half an answer: wait.",
			observed: cert(dvo("example.com", "_a.example.com.", "_v.acm-validations.aws."), dvo("api.example.com", "_b.api.example.com.", "")),
		},
		"ApexAndWildcardShareOneRecord": {
			reason: "The apex and its wildcard share one record; api gets its own; sorted by name, trailing dot dropped.",
			observed: cert(
				dvo("example.com", "_a.example.com.", "_v1.acm-validations.aws."),
				dvo("*.example.com", "_a.example.com.", "_v1.acm-validations.aws."),
				dvo("api.example.com", "_B.api.example.com.", "_v2.acm-validations.aws."),
			),
			want: []ValidationRecord{
				{Name: "_a.example.com", Type: "CNAME", Value: "_v1.acm-validations.aws.", Domains: []string{"*.example.com", "example.com"}},
				{Name: "_b.api.example.com", Type: "CNAME", Value: "_v2.acm-validations.aws.", Domains: []string{"api.example.com"}},
			},
			wantOK: true,
		},
		"NotEveryName": {
			reason: "The spec asks for three names but ACM has listed two so far: wait, or the third name's record would be dropped.",
			observed: Observed{"edge-certificate": {
				"spec": map[string]any{"forProvider": map[string]any{"domainName": "example.com", "subjectAlternativeNames": []any{"*.example.com", "api.example.com"}}},
				"status": map[string]any{"atProvider": map[string]any{"domainValidationOptions": []any{
					dvo("example.com", "_a.example.com.", "_v1.acm-validations.aws."),
					dvo("*.example.com", "_a.example.com.", "_v1.acm-validations.aws."),
				}}},
			}},
		},
		"EveryName": {
			reason: "All names the spec asks for are covered.",
			observed: Observed{"edge-certificate": {
				"spec": map[string]any{"forProvider": map[string]any{"domainName": "example.com", "subjectAlternativeNames": []any{"*.example.com"}}},
				"status": map[string]any{"atProvider": map[string]any{"domainValidationOptions": []any{
					dvo("example.com", "_a.example.com.", "_v1.acm-validations.aws."),
					dvo("*.example.com", "_a.example.com.", "_v1.acm-validations.aws."),
				}}},
			}},
			want:   []ValidationRecord{{Name: "_a.example.com", Type: "CNAME", Value: "_v1.acm-validations.aws.", Domains: []string{"*.example.com", "example.com"}}},
			wantOK: true,
		},
		"CaseInsensitive": {
			reason: "ACM lists the names in lower case while the spec has capitals: the same names.",
			observed: Observed{"edge-certificate": {
				"spec": map[string]any{"forProvider": map[string]any{"domainName": "Example.COM"}},
				"status": map[string]any{"atProvider": map[string]any{"domainValidationOptions": []any{
					dvo("example.com", "_A.Example.com.", "_v1.acm-validations.aws."),
				}}},
			}},
			want:   []ValidationRecord{{Name: "_a.example.com", Type: "CNAME", Value: "_v1.acm-validations.aws.", Domains: []string{"example.com"}}},
			wantOK: true,
		},
		"Conflict": {
			reason:   "Two values for one record name: do not guess.",
			observed: cert(dvo("example.com", "_a.example.com.", "_v1."), dvo("*.example.com", "_a.example.com.", "_v2.")),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := tc.observed.CertificateValidationRecords("edge-certificate")
			if ok != tc.wantOK {
				t.Errorf("%s\nok = %v, want %v", tc.reason, ok, tc.wantOK)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
