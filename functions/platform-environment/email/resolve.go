package email

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Resolved is the email setup as the function resolved it.
type Resolved struct {
	Enabled bool
	// Domain is the SES domain identity (spec.domain).
	Domain string
	// Sender is the From address.
	Sender string
	// Regions SES sends from: the environment's region first, then the fallback region if any.
	Regions []string
	// Events are the published event types, in AWS's order.
	Events []string
	// AdoptedZone is true when the hosted zone is an existing one (spec.dns.zoneId): the environment then
	// does not write the domain's DMARC record into it, which may hold the owner's own policy.
	AdoptedZone bool
}

// eventTypes are SES's event types in the order AWS documents them; defaultEvents are those published
// unless the spec says otherwise (OPEN and CLICK rewrite the mail, so they are opt-in).
var (
	eventTypes    = []string{"SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"}
	defaultEvents = []string{"SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "RENDERING_FAILURE", "DELIVERY_DELAY"}
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
)

// Resolve applies the defaults (on when spec.domain is set, sender info@<domain>, the default events) and
// checks what the XRD cannot: the sender is an address of the domain, and the fallback region is another
// region than the environment's.
func Resolve(spec v1alpha1.EmailSpec, domain, region string) (Resolved, error) {
	r := Resolved{Enabled: domain != "", Domain: strings.ToLower(domain)}
	if spec.Enabled != nil {
		r.Enabled = *spec.Enabled
	}
	if !r.Enabled {
		return r, nil
	}
	if domain == "" {
		return r, compose.Invalid("spec.email.enabled", "set spec.domain, or set spec.email.enabled to false", "SES needs a domain to verify and send from")
	}

	r.Sender = spec.Sender
	if r.Sender == "" {
		r.Sender = "info@" + r.Domain
	}
	at := strings.LastIndexByte(r.Sender, '@')
	host := strings.ToLower(r.Sender[at+1:])
	if at < 1 || (host != r.Domain && !strings.HasSuffix(host, "."+r.Domain)) {
		return r, compose.Invalid("spec.email.sender", "use an address of "+r.Domain+" (e.g. info@"+r.Domain+")",
			"%q is not an address of spec.domain: the domain identity verifies %s and its subdomains only", r.Sender, r.Domain)
	}

	r.Regions = []string{region}
	if fb := spec.FallbackRegion; fb != "" {
		if !regionPattern.MatchString(fb) {
			return r, compose.Invalid("spec.email.fallbackRegion", "use an AWS region such as us-west-2", "%q is not a region", fb)
		}
		if fb == region {
			return r, compose.Invalid("spec.email.fallbackRegion", "pick another region than spec.region, or leave it out", "%q is the environment's own region: a fallback there falls with it", fb)
		}
		r.Regions = append(r.Regions, fb)
	}

	if len(spec.Events) == 0 {
		r.Events = defaultEvents
		return r, nil
	}
	want := map[string]bool{}
	for i, e := range spec.Events {
		known := false
		for _, t := range eventTypes {
			known = known || t == e
		}
		if !known {
			return r, compose.Invalid("spec.email.events["+strconv.Itoa(i)+"]", "use one of "+strings.Join(eventTypes, ", "), "%q is not an SES event type", e)
		}
		want[e] = true
	}
	for _, t := range eventTypes {
		if want[t] {
			r.Events = append(r.Events, t)
		}
	}
	return r, nil
}
