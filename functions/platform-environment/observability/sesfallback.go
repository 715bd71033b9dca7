package observability

import (
	"regexp"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Parts of the composition resource names of a fallback region's reputation alarms, after
// regionalPrefix(region): its KMS key, its alarm topic, the topic's e-mail subscriptions and the alarms.
const (
	partKey          = "key"
	partTopic        = "topic"
	partSubscription = "email-"
)

// regionalPrefix starts the names of the resources observability renders in another region than the
// environment's: observability-<region>-.
func regionalPrefix(region string) string { return "observability-" + region + "-" }

// regionalRE matches those names and captures the region; no other observability name has a region
// (two letters, optional partition part, a word, a number) after "observability-".
var regionalRE = regexp.MustCompile(`^observability-([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9]+)-`)

// fallbackEmailRegions are the regions other than the environment's where SES sends: the email domain
// renders its identity there in this pass (it always does while the spec names the region), sorted. Not
// from observed state: when the spec drops the region, its alarms go in the same pass as the identity.
func fallbackEmailRegions(env *compose.Env, rendered map[string]string) []string {
	seen := map[string]bool{}
	check := func(name string) {
		if !strings.HasPrefix(name, "email-") || !strings.HasSuffix(name, "-identity") {
			return
		}
		region := strings.TrimSuffix(strings.TrimPrefix(name, "email-"), "-identity")
		if region != env.Region && compose.EmailIdentity(region) == name {
			seen[region] = true
		}
	}
	for name := range rendered {
		check(name)
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// sesFallbackAlarms renders, in each fallback region SES sends from, the account's reputation alarms of
// that region (SES keeps a bounce and a complaint rate per region, and may pause sending in one region
// only). A CloudWatch alarm notifies topics of its own region only, so each region gets its own alarm
// topic, encrypted with its own key that CloudWatch alarms of that region may use, subscribed by the same
// spec.observability.alarmEmails: each address gets (and must confirm) one more subscription e-mail per
// fallback region. Resources of a region SES no longer sends from are retired.
func sesFallbackAlarms(env *compose.Env, account string, hasAccount bool, regions []string, emails []string) (compose.Result, []string) {
	var res compose.Result
	var names []string
	active := map[string]bool{}
	for _, region := range regions {
		active[region] = true
		if !hasAccount {
			res.Wait(component, "the SES reputation alarms of "+region+" wait for the AWS account id")
			continue
		}
		r, n := sesRegion(env, account, region, emails)
		res.Merge(r)
		names = append(names, n...)
	}
	for name := range env.Observed {
		if m := regionalRE.FindStringSubmatch(name); m != nil && !active[m[1]] {
			res.Retire(name)
		}
	}
	sort.Strings(res.Retired)
	return res, names
}

func sesRegion(env *compose.Env, account, region string, emails []string) (compose.Result, []string) {
	var res compose.Result
	p := regionalPrefix(region)
	alarms := env.ARN("cloudwatch", region, account, "alarm:*")
	res.Add(env.NewAWS(p+partKey, apiKMS, "Key").Stateful().ForProvider(map[string]any{
		"region":               region,
		"description":          "SES reputation alarm topic of " + env.Namespace + "/" + env.Name + " in " + region,
		"enableKeyRotation":    true,
		"deletionWindowInDays": env.KeyDeletionWindow(),
		"policy": compose.MustJSON(compose.Policy(
			compose.AccountAdministersKey(env.Partition(), account),
			compose.ServicePublishesEncrypted("CloudWatchAlarmsPublishToEncryptedTopic", "cloudwatch.amazonaws.com", account, alarms),
		)),
	}))
	keyARN, ok := env.Observed.ARN(p + partKey)
	if !ok {
		res.Wait(component, "the SES reputation alarm topic of "+region+" waits for its KMS key's ARN")
		return res, nil
	}
	name := topicName(env)
	topicARN := env.ARN("sns", region, account, name)
	res.Add(env.NewAWS(p+partTopic, apiSNS, "Topic").ExternalName(name).ForProvider(map[string]any{
		"region":         region,
		"displayName":    "SES reputation alarms of " + env.Namespace + "/" + env.Name + " in " + region,
		"kmsMasterKeyId": keyARN,
		"policy": compose.MustJSON(compose.TopicPolicy(env.Partition(), account, topicARN,
			compose.ServicePublishes("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", account, alarms, topicARN))),
	}))
	want := map[string]bool{}
	sorted := append([]string(nil), emails...)
	sort.Strings(sorted)
	for _, e := range sorted {
		n := p + partSubscription + strings.TrimPrefix(subscriptionName(e), subscriptionPrefix)
		want[n] = true
		res.Add(env.NewAWS(n, apiSNS, "TopicSubscription").Untagged().ForProvider(map[string]any{
			"region":      region,
			"topicArnRef": env.Ref(p + partTopic),
			"protocol":    "email",
			"endpoint":    e,
		}))
	}
	for _, n := range observedNames(env, p+partSubscription, "TopicSubscription") {
		if !want[n] {
			res.Retire(n)
		}
	}
	// The topic's ARN is known (name and account), but the alarms wait for the topic to exist: an alarm
	// action naming a topic that is not there yet is accepted and never delivered.
	if !env.Observed.Exists(p + partTopic) {
		res.Wait(component, "the SES reputation alarms of "+region+" wait for their topic")
		return res, nil
	}
	var names []string
	for _, a := range sesAlarms() {
		aws := alarmName(env, a.part+"-"+region)
		a.description = strings.Replace(a.description, "SES ", "SES "+region+" ", 1)
		res.Add(alarmMR(env, p+a.part, aws, a, topicARN).ForProvider(map[string]any{"region": region}))
		names = append(names, aws)
	}
	return res, names
}
