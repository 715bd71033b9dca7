package observability

import (
	"strconv"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Resolve applies the profile's defaults: log retention (365 days prod, 90 staging, 30 dev), CloudTrail
// (on for prod only: many accounts already have an organization trail) and its retention (365 days prod,
// 90 otherwise); compliance rules stay off unless asked for. The XRD checks the alarm e-mails; the
// function checks again because not every path to it validates (crossplane render, an older XRD).
func Resolve(spec v1alpha1.ObservabilitySpec, profile string) (v1alpha1.ResolvedObservability, error) {
	r := v1alpha1.ResolvedObservability{
		LogRetentionDays:   map[string]int32{"dev": 30, "staging": 90}[profile],
		CloudTrail:         profile == "prod",
		TrailRetentionDays: 90,
	}
	if r.LogRetentionDays == 0 {
		r.LogRetentionDays = 365
	}
	if profile == "prod" {
		r.TrailRetentionDays = 365
	}
	if spec.LogRetentionDays != nil {
		r.LogRetentionDays = *spec.LogRetentionDays
	}
	if spec.CloudTrail != nil {
		r.CloudTrail = *spec.CloudTrail
	}
	if spec.TrailRetentionDays != nil {
		r.TrailRetentionDays = *spec.TrailRetentionDays
	}
	if spec.Compliance != nil {
		r.Compliance = *spec.Compliance
	}
	seen := map[string]bool{}
	for i, e := range spec.AlarmEmails {
		field := "spec.observability.alarmEmails[" + strconv.Itoa(i) + "]"
		at := strings.IndexByte(e, '@')
		if at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n") || !strings.Contains(e[at:], ".") {
			return r, compose.Invalid(field, "use an e-mail address such as ops@example.com", "%q is not an e-mail address", e)
		}
		if seen[strings.ToLower(e)] {
			return r, compose.Invalid(field, "list each address once", "%q is listed twice", e)
		}
		seen[strings.ToLower(e)] = true
	}
	return r, nil
}
