package observe

import (
	"strings"
)

// Observed fields of the edge and DNS kinds, shaped like AWS's answers: the load balancer's DNS name,
// canonical hosted zone and ARN suffix (alias records, alarm dimensions), target groups' ARN suffixes,
// the certificate's validation options and status, the hosted zone's ID and name servers.
func init() {
	Register("elbv2.aws.m.upbound.io", "LB", func(obj map[string]any, f Facts) {
		name := forProvider(obj, "name", f.Name)
		suffix := "app/" + name + "/" + hexOf(f.Name, 16)
		arn := "arn:aws:elasticloadbalancing:" + f.Region + ":" + Account + ":loadbalancer/" + suffix
		setARNIdentity(obj, arn)
		Set(obj, suffix, "status", "atProvider", "arnSuffix")
		Set(obj, strings.ToLower(name)+"-"+digitsOf(f.Name, 10)+"."+f.Region+".elb.amazonaws.com", "status", "atProvider", "dnsName")
		Set(obj, albZoneID(f.Region), "status", "atProvider", "zoneId")
	})
	Register("elbv2.aws.m.upbound.io", "LBTargetGroup", func(obj map[string]any, f Facts) {
		suffix := "targetgroup/" + forProvider(obj, "name", f.Name) + "/" + hexOf(f.Name, 16)
		setARNIdentity(obj, "arn:aws:elasticloadbalancing:"+f.Region+":"+Account+":"+suffix)
		Set(obj, suffix, "status", "atProvider", "arnSuffix")
	})
	Register("elbv2.aws.m.upbound.io", "LBListener", func(obj map[string]any, f Facts) {
		setARNIdentity(obj, "arn:aws:elasticloadbalancing:"+f.Region+":"+Account+":listener/app/lb/"+hexOf("lb", 16)+"/"+hexOf(f.Name, 16))
	})
	Register("elbv2.aws.m.upbound.io", "LBListenerRule", func(obj map[string]any, f Facts) {
		setARNIdentity(obj, "arn:aws:elasticloadbalancing:"+f.Region+":"+Account+":listener-rule/app/lb/"+hexOf("lb", 16)+"/"+hexOf("listener", 16)+"/"+hexOf(f.Name, 16))
	})

	// A certificate publishes its validation options right after creation and stays PENDING_VALIDATION
	// until the records resolve; observed Ready stands for issued. The apex and its wildcard share one
	// record, as ACM does it.
	Register("acm.aws.m.upbound.io", "Certificate", func(obj map[string]any, f Facts) {
		setARNIdentity(obj, "arn:aws:acm:"+f.Region+":"+Account+":certificate/"+uuidOf("uuid", f.Name))
		status := "PENDING_VALIDATION"
		if isReady(obj) {
			status = "ISSUED"
		}
		Set(obj, status, "status", "atProvider", "status")
		names := []string{forProvider(obj, "domainName", "")}
		if sans, ok := forProviderValue(obj, "subjectAlternativeNames").([]any); ok {
			for _, s := range sans {
				if str, ok := s.(string); ok {
					names = append(names, str)
				}
			}
		}
		var dvos []any
		for _, n := range names {
			if n == "" {
				continue
			}
			base := strings.TrimPrefix(n, "*.")
			dvos = append(dvos, map[string]any{
				"domainName":          n,
				"resourceRecordName":  "_" + hexOf("name/"+base, 32) + "." + base + ".",
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": "_" + hexOf("value/"+base, 32) + "." + hexOf("zone/"+base, 10) + ".acm-validations.aws.",
			})
		}
		Set(obj, dvos, "status", "atProvider", "domainValidationOptions")
	})

	// A zone's external name is its ID; an existing zone (observe-only) comes with it.
	Register("route53.aws.m.upbound.io", "Zone", func(obj map[string]any, f Facts) {
		id := f.ID
		if !strings.HasPrefix(id, "Z") {
			id = "Z" + strings.ToUpper(hexOf(f.Name, 20))
			setExternalName(obj, id)
		}
		Set(obj, id, "status", "atProvider", "id")
		Set(obj, id, "status", "atProvider", "zoneId")
		Set(obj, "arn:aws:route53:::hostedzone/"+id, "status", "atProvider", "arn")
		n := int(digitsOf(f.Name, 3)[0]-'0') * 100
		Set(obj, []any{
			"ns-" + itoa(n+12) + ".awsdns-" + itoa(n%64) + ".com",
			"ns-" + itoa(n+600) + ".awsdns-" + itoa(n%64+11) + ".net",
			"ns-" + itoa(n+1100) + ".awsdns-" + itoa(n%64+22) + ".org",
			"ns-" + itoa(n+1700) + ".awsdns-" + itoa(n%64+33) + ".co.uk",
		}, "status", "atProvider", "nameServers")
	})
	Register("route53.aws.m.upbound.io", "HealthCheck", func(obj map[string]any, f Facts) {
		id := uuidOf("uuid", f.Name)
		setExternalName(obj, id)
		Set(obj, id, "status", "atProvider", "id")
		Set(obj, "arn:aws:route53:::healthcheck/"+id, "status", "atProvider", "arn")
	})
	Register("wafv2.aws.m.upbound.io", "WebACL", func(obj map[string]any, f Facts) {
		id := uuidOf("uuid", f.Name)
		setExternalName(obj, id)
		Set(obj, id, "status", "atProvider", "id")
		Set(obj, "arn:aws:wafv2:"+f.Region+":"+Account+":regional/webacl/"+forProvider(obj, "name", f.Name)+"/"+id, "status", "atProvider", "arn")
	})
}

// albZoneID is the canonical hosted zone of Application Load Balancers in a region (alias targets).
func albZoneID(region string) string {
	zones := map[string]string{
		"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0",
		"us-west-2": "Z1H1FL5HABSF5", "eu-west-1": "Z32O12XQLNTSW2", "eu-central-1": "Z215JYRZR1TBD5",
	}
	if z, ok := zones[region]; ok {
		return z
	}
	return "Z" + strings.ToUpper(hexOf(region, 13))
}

// setARNIdentity makes the ARN the resource's identity, as for the kinds whose external name is their
// ARN (load balancers, target groups, listeners, rules, certificates).
func setARNIdentity(obj map[string]any, arn string) {
	setExternalName(obj, arn)
	Set(obj, arn, "status", "atProvider", "id")
	Set(obj, arn, "status", "atProvider", "arn")
}
