package email

import (
	"strconv"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// ruleSES: configuration set names are 64 letters, digits, hyphens or underscores at most.
var ruleSES = compose.NameRule{Max: 64, Lower: true, Allowed: func(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-'
}}

// dkimTokens is the number of CNAME records Easy DKIM asks for.
const dkimTokens = 3

// Composition resource names in a region, after compose.EmailRegionPrefix(region).
const (
	partConfigurationSet = "configuration-set"
	partKey              = "key"
	partTopic            = "events-topic"
	partEvents           = "events"
	partDKIM             = "dkim-"
)

// configurationSetName is the same in every region: the applications pass one name whichever region
// they send through.
func configurationSetName(env *compose.Env) string { return env.AWSName(ruleSES, "email") }

// buildRegion renders SES in one region. The identity and its configuration set come first (verification
// starts at once); the key, topic and event destination follow once the account id is known; the DKIM
// records once SES reports the identity's tokens.
func buildRegion(env *compose.Env, r Resolved, region, account string, hasAccount, zone bool) (compose.Result, v1alpha1.EmailRegionOutputs) {
	var res compose.Result
	p := compose.EmailRegionPrefix(region)
	identity := compose.EmailIdentity(region)
	cs := configurationSetName(env)
	ro := v1alpha1.EmailRegionOutputs{Region: region, ConfigurationSet: cs}

	res.Add(env.NewAWS(p+partConfigurationSet, apiSES, "ConfigurationSet").ExternalName(cs).ForProvider(map[string]any{
		"region":             region,
		"reputationOptions":  map[string]any{"reputationMetricsEnabled": true},
		"sendingOptions":     map[string]any{"sendingEnabled": true},
		"suppressionOptions": map[string]any{"suppressedReasons": []any{"BOUNCE", "COMPLAINT"}},
	}))
	res.Add(env.NewAWS(identity, apiSES, "EmailIdentity").ExternalName(r.Domain).ForProvider(map[string]any{
		"region":                  region,
		"configurationSetNameRef": env.Ref(p + partConfigurationSet),
		"dkimSigningAttributes":   map[string]any{"nextSigningKeyLength": "RSA_2048_BIT"},
	}))

	if hasAccount {
		res.Merge(eventsDestination(env, r, region, account))
	} else {
		res.Wait(component, "the events key and topic wait for the AWS account id (read from the first ARN AWS reports)")
	}

	// Status from the observed identity.
	ro.IdentityARN, _ = env.Observed.ARN(identity)
	ro.VerificationStatus, _ = env.Observed.String(identity, "status.atProvider.verificationStatus")
	if v, ok := env.Observed.Value(identity, "status.atProvider.verifiedForSendingStatus"); ok {
		ro.VerifiedForSending, _ = v.(bool)
	}
	ro.DKIMStatus, _ = env.Observed.String(identity, "status.atProvider.dkimSigningAttributes.status")
	ro.EventsTopicARN, _ = env.Observed.ARN(p + partTopic)

	tokens := observedTokens(env, identity)
	if len(tokens) == 0 {
		res.Wait(component, "the DKIM records wait for SES to report the identity's DKIM tokens")
		return res, ro
	}
	for i, t := range tokens {
		rec := dkimRecord(r.Domain, t)
		ro.DKIMRecords = append(ro.DKIMRecords, rec)
		if !zone {
			continue // no hosted zone here: status lists the records for whoever runs the domain's DNS
		}
		res.Add(env.NewAWS(p+partDKIM+strconv.Itoa(i+1), apiRoute53, "Record").Untagged().ForProvider(map[string]any{
			"zoneIdRef": env.Ref(compose.HostedZone),
			"name":      rec.Name,
			"type":      rec.Type,
			"ttl":       1800,
			"records":   []any{rec.Value},
		}))
	}
	return res, ro
}

// observedTokens returns the identity's Easy DKIM tokens as SES reported them, or nothing until it has
// reported all of them.
func observedTokens(env *compose.Env, identity string) []string {
	v, ok := env.Observed.Value(identity, "status.atProvider.dkimSigningAttributes.tokens")
	list, _ := v.([]any)
	if !ok || len(list) != dkimTokens {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, t := range list {
		s, ok := t.(string)
		if !ok || s == "" {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// dkimRecord is the CNAME SES's Easy DKIM looks up for a token.
func dkimRecord(domain, token string) v1alpha1.DNSRecordOutput {
	return v1alpha1.DNSRecordOutput{Name: token + "._domainkey." + domain, Type: "CNAME", Value: token + ".dkim.amazonses.com"}
}

// eventsDestination renders, in one region, the KMS key and SNS topic the email events go to and the
// configuration set's event destination that publishes them.
func eventsDestination(env *compose.Env, r Resolved, region, account string) compose.Result {
	var res compose.Result
	p := compose.EmailRegionPrefix(region)
	res.Add(env.NewAWS(p+partKey, apiKMS, "Key").Stateful().ForProvider(map[string]any{
		"region":               region,
		"description":          "Email events topic of " + env.Namespace + "/" + env.Name + " in " + region,
		"enableKeyRotation":    true,
		"deletionWindowInDays": env.KeyDeletionWindow(),
		"policy":               compose.MustJSON(keyPolicy(env, account)),
	}))
	keyARN, ok := env.Observed.ARN(p + partKey)
	if !ok {
		res.Wait(component, "the email events topic waits for its KMS key's ARN")
		return res
	}
	topic := env.AWSName(compose.RuleGeneric, "email-events")
	topicARN := env.ARN("sns", region, account, topic)
	res.Add(env.NewAWS(p+partTopic, apiSNS, "Topic").ExternalName(topic).ForProvider(map[string]any{
		"region":         region,
		"displayName":    "Email events of " + env.Namespace + "/" + env.Name,
		"kmsMasterKeyId": keyARN,
		"policy":         compose.MustJSON(topicPolicy(env, account, topicARN)),
	}))
	events := make([]any, len(r.Events))
	for i, e := range r.Events {
		events[i] = e
	}
	res.Add(env.NewAWS(p+partEvents, apiSES, "ConfigurationSetEventDestination").Untagged().ForProvider(map[string]any{
		"region":                  region,
		"configurationSetNameRef": env.Ref(p + partConfigurationSet),
		"eventDestinationName":    "sns",
		"eventDestination": map[string]any{
			"enabled":            true,
			"matchingEventTypes": events,
			"snsDestination":     map[string]any{"topicArnRef": env.Ref(p + partTopic)},
		},
	}))
	return res
}

// keyPolicy lets the account administer the key through IAM and SES of this account encrypt the events it
// publishes to the topic.
func keyPolicy(env *compose.Env, account string) compose.PolicyDocument {
	return compose.Policy(
		compose.AccountAdministersKey(env.Partition(), account),
		compose.ServicePublishesEncrypted("SESPublishesToEncryptedTopic", "ses.amazonaws.com", account, ""),
	)
}

// topicPolicy lets the account use the topic and SES of this account publish to it, over TLS only.
func topicPolicy(env *compose.Env, account, topicARN string) compose.PolicyDocument {
	return compose.TopicPolicy(env.Partition(), account, topicARN,
		compose.ServicePublishes("SESPublishesEvents", "ses.amazonaws.com", account, "", topicARN))
}
