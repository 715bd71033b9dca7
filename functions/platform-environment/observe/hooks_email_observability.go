package observe

import (
	"crypto/sha256"
	"encoding/hex"
)

// Observed fields of the email and observability kinds, shaped like AWS's answers: SES identities'
// DKIM tokens and verification, ARNs of topics, alarms, dashboards, trails and config rules. Resources
// of the email domain may live in the fallback region, so ARNs take the object's own region.
func init() {
	Register("sesv2.aws.m.upbound.io", "EmailIdentity", func(obj map[string]any, f Facts) {
		region := objectRegion(obj, f)
		// Easy DKIM: three 32-character tokens, different in every region.
		tokens := make([]any, 3)
		for i := range tokens {
			tokens[i] = obsHash("dkim", f.Name, region, string(rune('0'+i)))[:32]
		}
		Set(obj, "arn:aws:ses:"+region+":"+Account+":identity/"+f.ID, "status", "atProvider", "arn")
		Set(obj, "DOMAIN", "status", "atProvider", "identityType")
		Set(obj, tokens, "status", "atProvider", "dkimSigningAttributes", "tokens")
		Set(obj, "AWS_SES", "status", "atProvider", "dkimSigningAttributes", "signingAttributesOrigin")
		Set(obj, "RSA_2048_BIT", "status", "atProvider", "dkimSigningAttributes", "currentSigningKeyLength")
		// The records are in the zone by the time the goldens look: SES has verified the domain.
		Set(obj, "SUCCESS", "status", "atProvider", "dkimSigningAttributes", "status")
		Set(obj, "SUCCESS", "status", "atProvider", "verificationStatus")
		Set(obj, true, "status", "atProvider", "verifiedForSendingStatus")
	})
	Register("sesv2.aws.m.upbound.io", "ConfigurationSet", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:ses:"+objectRegion(obj, f)+":"+Account+":configuration-set/"+f.ID, "status", "atProvider", "arn")
	})
	Register("sns.aws.m.upbound.io", "Topic", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:sns:"+objectRegion(obj, f)+":"+Account+":"+f.ID, "status", "atProvider", "arn")
	})
	Register("sns.aws.m.upbound.io", "TopicSubscription", func(obj map[string]any, f Facts) {
		// An e-mail subscription has no ARN until its address confirms it.
		Set(obj, "pending confirmation", "status", "atProvider", "arn")
		Set(obj, true, "status", "atProvider", "pendingConfirmation")
	})
	Register("cloudwatch.aws.m.upbound.io", "MetricAlarm", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:cloudwatch:"+objectRegion(obj, f)+":"+Account+":alarm:"+f.ID, "status", "atProvider", "arn")
	})
	Register("cloudwatch.aws.m.upbound.io", "Dashboard", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:cloudwatch::"+Account+":dashboard/"+f.ID, "status", "atProvider", "dashboardArn")
		Set(obj, "arn:aws:cloudwatch::"+Account+":dashboard/"+f.ID, "status", "atProvider", "arn")
	})
	Register("cloudtrail.aws.m.upbound.io", "Trail", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:cloudtrail:"+objectRegion(obj, f)+":"+Account+":trail/"+f.ID, "status", "atProvider", "arn")
		Set(obj, objectRegion(obj, f), "status", "atProvider", "homeRegion")
	})
	Register("configservice.aws.m.upbound.io", "ConfigRule", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:config:"+objectRegion(obj, f)+":"+Account+":config-rule/config-rule-"+obsHash("config", f.Name)[:6], "status", "atProvider", "arn")
	})
}

func obsHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
