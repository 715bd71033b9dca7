package dns

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	healthCheckName = "dns-healthcheck"
	healthAlarm     = "dns-healthcheck-alarm"
	// The dns domain's own alarm topic in us-east-1 and its key, when the environment's topic is elsewhere.
	alarmKey         = "dns-alarm-key"
	alarmTopic       = "dns-alarm-topic"
	alarmEmailPrefix = "dns-alarm-email-"
)

// healthCheck renders the HTTPS health check of https://api.<domain><path> and an alarm on it. The check
// starts once the HTTPS listener is Ready — before that the endpoint cannot answer and the alarm would
// fire during every bring-up. Route 53 publishes health-check metrics only in us-east-1, so the alarm is
// there, and so is the topic it notifies: the environment's own topic when the environment is in
// us-east-1, otherwise a KMS-encrypted topic of its own. Turning the check off retires all of it.
func healthCheck(env *compose.Env, in Input) compose.Result {
	var res compose.Result
	if !in.Spec.HealthCheck {
		res.Retire(healthCheckName, healthAlarm, alarmKey, alarmTopic, alarmEmailPrefix)
		return res
	}
	if !env.Observed.Ready(compose.LoadBalancerHTTPS) && !env.Observed.Exists(healthCheckName) {
		res.Wait(component, "the health check of api."+in.Domain+" starts once "+compose.LoadBalancerHTTPS+" is Ready")
		return res
	}
	res.Add(env.NewAWS(healthCheckName, route53, "HealthCheck").ForProvider(map[string]any{
		"type":             "HTTPS",
		"fqdn":             "api." + in.Domain,
		"port":             443,
		"resourcePath":     in.Spec.HealthPath,
		"enableSni":        true,
		"failureThreshold": in.Spec.FailureThreshold,
		"requestInterval":  in.Spec.RequestInterval,
	}).AddTags(map[string]string{"Name": "api." + in.Domain + in.Spec.HealthPath}))

	topic := in.AlarmTopic
	if topic == "" {
		topic = alarmTopic
		res.Merge(ownTopic(env, in.AlarmEmails))
	} else {
		res.Retire(alarmKey, alarmTopic, alarmEmailPrefix)
	}

	id, okID := env.Observed.ID(healthCheckName)
	topicARN, okTopic := env.Observed.ARN(topic)
	switch {
	case env.Observed.Exists(healthAlarm) && (!okID || !okTopic):
		// Kept as observed until both values are back.
		return res
	case !okID:
		res.Wait(component, "waiting for the ID of "+healthCheckName+" for its alarm")
		return res
	case !okTopic:
		res.Wait(component, "waiting for the ARN of "+topic+" for the health check's alarm")
		return res
	}
	res.Add(env.NewAWS(healthAlarm, cloudwatch, "MetricAlarm").
		ExternalName(env.AWSName(compose.RuleGeneric, "api-health")).
		ForProvider(map[string]any{
			"region":             metricsRegion,
			"alarmDescription":   "https://api." + in.Domain + in.Spec.HealthPath + " fails Route 53's health check (" + env.Namespace + "/" + env.Name + ")",
			"namespace":          "AWS/Route53",
			"metricName":         "HealthCheckStatus",
			"dimensions":         map[string]any{"HealthCheckId": id},
			"statistic":          "Minimum",
			"period":             60,
			"evaluationPeriods":  1,
			"threshold":          1,
			"comparisonOperator": "LessThanThreshold",
			// No data means no checker reached the endpoint's status: treat it as down.
			"treatMissingData": "breaching",
			"actionsEnabled":   true,
			"alarmActions":     []any{topicARN},
			"okActions":        []any{topicARN},
		}))
	return res
}

// ownTopic renders the dns domain's alarm topic in us-east-1, encrypted with its own key (CloudWatch
// cannot publish to a topic encrypted with the AWS managed SNS key), and its e-mail subscriptions. Both
// policies name the account, so they wait for it; the topic waits for the key's ARN.
func ownTopic(env *compose.Env, emails []string) compose.Result {
	var res compose.Result
	account, ok := env.Observed.AccountID()
	if !ok {
		if !env.Observed.Exists(alarmKey) {
			res.Wait(component, "waiting for the AWS account ID (from any observed ARN) for the us-east-1 alarm topic's key policy")
		}
		return res
	}
	partition := compose.Partition(metricsRegion)
	// Not Stateful: the key encrypts SNS messages in flight only, nothing at rest, so turning the health
	// check off may delete it (AWS still waits the deletion window before it is gone).
	res.Add(env.NewAWS(alarmKey, kms, "Key").ForProvider(map[string]any{
		"region":               metricsRegion,
		"description":          "Route 53 health-check alarm topic (us-east-1) of " + env.Namespace + "/" + env.Name,
		"enableKeyRotation":    true,
		"deletionWindowInDays": env.KeyDeletionWindow(),
		"policy":               compose.MustJSON(AlarmKeyPolicy(partition, account)),
	}))
	keyARN, ok := env.Observed.ARN(alarmKey)
	if !ok {
		if !env.Observed.Exists(alarmTopic) {
			res.Wait(component, "waiting for the ARN of "+alarmKey+" to encrypt the us-east-1 alarm topic")
		}
		return res
	}
	name := env.AWSName(compose.RuleGeneric, "route53-alarms")
	topicARN := compose.ARN(partition, "sns", metricsRegion, account, name)
	res.Add(env.NewAWS(alarmTopic, sns, "Topic").ExternalName(name).ForProvider(map[string]any{
		"region":         metricsRegion,
		"displayName":    "Route 53 health-check alarms of " + env.Namespace + "/" + env.Name,
		"kmsMasterKeyId": keyARN,
		"policy":         compose.MustJSON(AlarmTopicPolicy(partition, account, topicARN)),
	}))
	sorted := append([]string(nil), emails...)
	sort.Strings(sorted)
	for _, e := range sorted {
		res.Add(env.NewAWS(AlarmEmail(e), sns, "TopicSubscription").Untagged().ForProvider(map[string]any{
			"region":      metricsRegion,
			"topicArnRef": env.Ref(alarmTopic),
			"protocol":    "email",
			"endpoint":    e,
		}))
	}
	res.Retire(alarmEmailPrefix)
	return res
}

// AlarmEmail returns the composition resource name of an address's subscription (a hash of the
// lower-cased address, so adding or removing one leaves the others alone).
func AlarmEmail(address string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(address)))
	return alarmEmailPrefix + hex.EncodeToString(sum[:])[:8]
}

// alarmSource is the SourceArn pattern of this account's CloudWatch alarms in us-east-1.
func alarmSource(partition, account string) string {
	return compose.ARN(partition, "cloudwatch", metricsRegion, account, "alarm:*")
}

// AlarmKeyPolicy lets the account administer the key and use it through SNS in us-east-1 only, and lets
// CloudWatch alarms of this account in us-east-1 get data keys to publish to the encrypted topic.
func AlarmKeyPolicy(partition, account string) compose.PolicyDocument {
	p := compose.ServiceKeyPolicy(partition, metricsRegion, account, "sns")
	p.Statement = append(p.Statement, compose.ServicePublishesEncrypted("CloudWatchAlarmsPublishToEncryptedTopic",
		"cloudwatch.amazonaws.com", account, alarmSource(partition, account)))
	return p
}

// AlarmTopicPolicy lets the account manage and use the topic, lets this account's CloudWatch alarms in
// us-east-1 publish, and refuses publishing without TLS.
func AlarmTopicPolicy(partition, account, topicARN string) compose.PolicyDocument {
	return compose.TopicPolicy(partition, account, topicARN, compose.ServicePublishes("CloudWatchAlarmsPublish",
		"cloudwatch.amazonaws.com", account, alarmSource(partition, account), topicARN))
}
