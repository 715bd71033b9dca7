package edge

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// certificateValidation is the ACM CertificateValidation: it becomes Ready once ACM has issued the
// certificate, which needs the validation records (dns domain) to resolve.
const certificateValidation = "edge-certificate-validation"

// CertificateNames are the certificate's domain name and subject alternative names: the apex, every
// first-level subdomain (www among them) and, as the seed lists it, api.
func CertificateNames(domain string) (string, []string) {
	return domain, []string{"*." + domain, "api." + domain}
}

// certificate renders the ACM certificate with DNS validation and, once ACM publishes the validation
// options, the CertificateValidation that waits for issuance. The validation records themselves are
// Route 53 records of the dns domain, written from the same observed options.
func certificate(env *compose.Env, domain string) compose.Result {
	var res compose.Result
	name, sans := CertificateNames(domain)
	res.Add(env.NewAWS(compose.Certificate, acm, "Certificate").ForProvider(map[string]any{
		"domainName":              name,
		"subjectAlternativeNames": toAny(sans),
		"validationMethod":        "DNS",
		"keyAlgorithm":            "RSA_2048",
		"options":                 map[string]any{"certificateTransparencyLoggingPreference": "ENABLED"},
	}))

	records, ok := env.Observed.CertificateValidationRecords(compose.Certificate)
	if !ok {
		if !env.Observed.Exists(certificateValidation) {
			res.Wait(component, "waiting for ACM's validation options of "+compose.Certificate)
		}
		return res
	}
	fqdns := make([]any, len(records))
	for i, r := range records {
		fqdns[i] = r.Name
	}
	res.Add(env.NewAWS(certificateValidation, acm, "CertificateValidation").Untagged().ForProvider(map[string]any{
		"certificateArnRef":     env.Ref(compose.Certificate),
		"validationRecordFqdns": fqdns,
	}))
	return res
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
