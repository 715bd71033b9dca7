package dns

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	// validationPrefix + a hash of the record name is a certificate validation record.
	validationPrefix = "dns-validation-"
	aliasApex        = "dns-alias-apex"
	aliasAPI         = "dns-alias-api"
	www              = "dns-www"
)

// ValidationRecord returns the composition resource name of the validation record with the given name:
// stable for as long as the certificate's names stay, whatever order ACM lists its options in.
func ValidationRecord(recordName string) string {
	sum := sha256.Sum256([]byte(recordName))
	return validationPrefix + hex.EncodeToString(sum[:])[:8]
}

// validationRecords renders one CNAME per distinct validation record of the observed certificate (the
// apex and its wildcard share one). They may overwrite a record of the same name, which in an existing
// zone is a previous validation of the same names. Records of a replaced certificate are retired, but
// only once the new certificate's options are known.
func validationRecords(env *compose.Env) compose.Result {
	var res compose.Result
	recs, ok := env.Observed.CertificateValidationRecords(compose.Certificate)
	if !ok {
		res.Wait(component, "waiting for the validation options of "+compose.Certificate+" to write its validation records")
		return res
	}
	for _, r := range recs {
		res.Add(env.NewAWS(ValidationRecord(r.Name), route53, "Record").Untagged().ForProvider(map[string]any{
			"zoneIdRef":      env.Ref(compose.HostedZone),
			"name":           r.Name,
			"type":           r.Type,
			"ttl":            60,
			"records":        []any{r.Value},
			"allowOverwrite": true,
		}))
	}
	res.Retire(validationPrefix)
	return res
}

// records renders the apex and api.<domain> as A aliases of the load balancer (once its DNS name and
// canonical hosted zone are observed) and www as a CNAME of the apex.
func records(env *compose.Env, domain string) compose.Result {
	var res compose.Result
	res.Add(env.NewAWS(www, route53, "Record").Untagged().ForProvider(map[string]any{
		"zoneIdRef": env.Ref(compose.HostedZone),
		"name":      "www." + domain,
		"type":      "CNAME",
		"ttl":       300,
		"records":   []any{domain},
	}))

	lbName, okName := env.Observed.String(compose.LoadBalancer, "status.atProvider.dnsName")
	lbZone, okZone := env.Observed.String(compose.LoadBalancer, "status.atProvider.zoneId")
	if !okName || !okZone {
		res.Wait(component, "waiting for the DNS name and hosted zone of "+compose.LoadBalancer+" for the alias records")
		return res
	}
	for _, a := range []struct{ name, fqdn string }{{aliasApex, domain}, {aliasAPI, "api." + domain}} {
		res.Add(env.NewAWS(a.name, route53, "Record").Untagged().ForProvider(map[string]any{
			"zoneIdRef": env.Ref(compose.HostedZone),
			"name":      a.fqdn,
			"type":      "A",
			"alias": map[string]any{
				"name":                 lbName,
				"zoneId":               lbZone,
				"evaluateTargetHealth": true,
			},
		}))
	}
	return res
}
