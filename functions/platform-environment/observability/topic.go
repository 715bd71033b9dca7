package observability

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// topicName is the alarm topic's AWS name.
func topicName(env *compose.Env) string { return env.AWSName(compose.RuleGeneric, "alarms") }

// topic renders the SNS topic every alarm notifies, encrypted with the environment's key, and one e-mail
// subscription per address of spec.observability.alarmEmails. Subscriptions are named after a hash of the
// address, so adding or removing one leaves the others alone; removed addresses are retired. wafAlert
// says whether the edge's WAF change rule exists, which publishes here too.
func topic(env *compose.Env, account, keyARN string, emails []string, wafAlert bool) compose.Result {
	var res compose.Result
	name := topicName(env)
	res.Add(env.NewAWS(compose.AlarmTopic, apiSNS, "Topic").ExternalName(name).ForProvider(map[string]any{
		"displayName":    "Alarms of " + env.Namespace + "/" + env.Name,
		"kmsMasterKeyId": keyARN,
		"policy":         compose.MustJSON(topicPolicy(env, account, env.ARN("sns", env.Region, account, name), wafAlert)),
	}))

	want := map[string]bool{}
	sorted := append([]string(nil), emails...)
	sort.Strings(sorted)
	for _, e := range sorted {
		n := subscriptionName(e)
		want[n] = true
		res.Add(env.NewAWS(n, apiSNS, "TopicSubscription").Untagged().ForProvider(map[string]any{
			"topicArnRef": env.Ref(compose.AlarmTopic),
			"protocol":    "email",
			"endpoint":    e,
		}))
	}
	for _, n := range observedNames(env, subscriptionPrefix, "TopicSubscription") {
		if !want[n] {
			res.Retire(n)
		}
	}
	return res
}

// subscriptionName is the composition resource name of an address's subscription. Addresses are
// case-insensitive in practice, so the hash is over the lower-cased address.
func subscriptionName(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return subscriptionPrefix + hex.EncodeToString(sum[:])[:8]
}

// topicPolicy lets the account use the topic, lets CloudWatch alarms of this account publish to it and,
// with the WAF change alert, EventBridge for that one rule (aws:SourceArn), and refuses publishing over
// plain HTTP.
func topicPolicy(env *compose.Env, account, topicARN string, wafAlert bool) compose.PolicyDocument {
	publishers := []compose.Statement{compose.ServicePublishes("CloudWatchAlarmsPublish",
		"cloudwatch.amazonaws.com", account, env.ARN("cloudwatch", env.Region, account, "alarm:*"), topicARN)}
	if wafAlert {
		publishers = append(publishers, compose.ServicePublishes("EventBridgeWAFChangesPublish",
			"events.amazonaws.com", account, env.WAFChangeRuleARN(account), topicARN))
	}
	return compose.TopicPolicy(env.Partition(), account, topicARN, publishers...)
}

// observedNames returns the observed composition resources of one kind whose names start with prefix,
// sorted.
func observedNames(env *compose.Env, prefix, kind string) []string {
	var out []string
	for name, obj := range env.Observed {
		if k, _ := obj["kind"].(string); k == kind && strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
