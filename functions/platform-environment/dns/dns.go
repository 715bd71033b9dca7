// Package dns renders the Route 53 side of spec.domain: the public hosted zone (created, or an existing
// one observed only), the ACM certificate's validation records, A alias records of the apex and
// api.<domain> to the load balancer, www as a CNAME of the apex, and an HTTPS health check of the API
// with an alarm in us-east-1.
//
// The records carry values only AWS knows, read from the edge's observed resources by their shared names
// (compose.Certificate, compose.LoadBalancer): the validation records wait for the certificate's
// domainValidationOptions, the alias records for the load balancer's DNS name and canonical zone, the
// alarm for the health check's ID. Nothing is rendered with a placeholder.
package dns

import (
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	route53    = "route53.aws.m.upbound.io/v1beta1"
	cloudwatch = "cloudwatch.aws.m.upbound.io/v1beta1"
	sns        = "sns.aws.m.upbound.io/v1beta1"
	kms        = "kms.aws.m.upbound.io/v1beta1"

	component = "dns"

	// metricsRegion is where Route 53 publishes health-check metrics, so where their alarms live.
	metricsRegion = "us-east-1"
)

// Input is what the dns domain renders from.
type Input struct {
	// Domain is spec.domain; DNS exists only when it is set.
	Domain string
	Spec   Resolved
	// AlarmTopic is the composition resource name of an SNS topic in us-east-1 that CloudWatch alarms of
	// the account may publish to (the observability domain's, when the environment is in us-east-1).
	// Empty: the dns domain renders its own KMS-encrypted topic in us-east-1.
	AlarmTopic string
	// AlarmEmails subscribe to the dns domain's own topic (the addresses of spec.observability).
	AlarmEmails []string
}

// Output is the dns domain's desired resources and status.
type Output struct {
	compose.Result
	Outputs *v1alpha1.DNSOutputs
}

// Build renders DNS. Without a domain it renders nothing and retires what an earlier domain made.
func Build(env *compose.Env, in Input) Output {
	var out Output
	if in.Domain == "" {
		out.Retire(component + "-")
		return out
	}
	// DNS names are case-insensitive; AWS reports them in lower case, so they are written that way.
	in.Domain = strings.ToLower(in.Domain)
	out.Merge(zone(env, in))
	out.Merge(validationRecords(env))
	out.Merge(records(env, in.Domain))
	out.Merge(healthCheck(env, in))
	out.Outputs = outputs(env, in)
	return out
}

// outputs reads the zone's identifiers from observed state and, for a created zone, says how to
// delegate it.
func outputs(env *compose.Env, in Input) *v1alpha1.DNSOutputs {
	o := &v1alpha1.DNSOutputs{}
	o.ZoneID, _ = env.Observed.String(compose.HostedZone, "status.atProvider.zoneId")
	o.HealthCheckID, _ = env.Observed.ID(healthCheckName)
	if in.Spec.ZoneID != "" {
		if o.ZoneID == "" {
			o.ZoneID = in.Spec.ZoneID
		}
		return o
	}
	if v, ok := env.Observed.Value(compose.HostedZone, "status.atProvider.nameServers"); ok {
		if list, ok := v.([]any); ok {
			for _, x := range list {
				if s, ok := x.(string); ok && s != "" {
					o.NameServers = append(o.NameServers, s)
				}
			}
		}
	}
	status, _ := env.Observed.String(compose.Certificate, "status.atProvider.status")
	switch {
	case len(o.NameServers) == 0:
	case status == "ISSUED":
		// ACM resolved the validation records through this zone: the parent delegates to it.
		o.Delegation = "Done: " + in.Domain + " is delegated to this hosted zone (ACM validated the certificate through it)."
	default:
		o.Delegation = "Delegate " + in.Domain + " to this hosted zone: at the registrar of " + in.Domain +
			" (or in the parent zone's DNS) set its NS records to " + strings.Join(o.NameServers, ", ") +
			". Until then the records do not resolve and ACM cannot issue the certificate, so the HTTPS listener waits."
	}
	return o
}
