package edge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestCertificate(t *testing.T) {
	first := certificate(ct.Env("prod", compose.Observed{}), testDomain)
	ct.Validate(t, first.Resources)
	fp := ct.ForProvider(ct.Find(t, first.Resources, compose.Certificate))
	delete(fp, "tags")
	if diff := cmp.Diff(map[string]any{
		"domainName":              "cloudpartner.pro",
		"subjectAlternativeNames": []any{"*.cloudpartner.pro", "api.cloudpartner.pro"},
		"validationMethod":        "DNS",
		"keyAlgorithm":            "RSA_2048",
		"options":                 map[string]any{"certificateTransparencyLoggingPreference": "ENABLED"},
		"region":                  "us-east-1",
	}, fp); diff != "" {
		t.Errorf("the seed's certificate: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff([]string{compose.Certificate}, ct.Names(first.Resources)); diff != "" {
		t.Errorf("before ACM answers only the certificate is rendered: -want +got:\n%s", diff)
	}
	if first.Waiting[component] == "" {
		t.Errorf("the validation must say it waits for ACM's options")
	}

	// Observed (pending validation, not Ready): ACM's options are there; the validation appears with
	// one FQDN per distinct record — the apex and the wildcard share one.
	obs := ct.ObserveAll(nil, first.Resources, ct.Options(noneReady))
	second := certificate(ct.Env("prod", obs), testDomain)
	ct.Validate(t, second.Resources)
	records, _ := obs.CertificateValidationRecords(compose.Certificate)
	if len(records) != 2 {
		t.Fatalf("apex + wildcard share a record, api has its own: want 2 records, got %d", len(records))
	}
	v := ct.ForProvider(ct.Find(t, second.Resources, certificateValidation))
	if diff := cmp.Diff(map[string]any{
		"certificateArnRef":     map[string]any{"name": "prod-edge-certificate"},
		"validationRecordFqdns": []any{records[0].Name, records[1].Name},
		"region":                "us-east-1",
	}, v); diff != "" {
		t.Errorf("validation: -want +got:\n%s", diff)
	}
	if len(second.Waiting) != 0 {
		t.Errorf("nothing waits once the options are observed, got %v", second.Waiting)
	}
}
