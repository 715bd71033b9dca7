package dns

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestHealthCheck(t *testing.T) {
	in := seedInput()
	in.AlarmEmails = []string{"ops@cloudpartner.pro", "Oncall@cloudpartner.pro"}
	obs := full(t, in)
	res := healthCheck(ct.Env("prod", obs), in)
	ct.Validate(t, res.Resources)

	hc := ct.ForProvider(ct.Find(t, res.Resources, healthCheckName))
	if diff := cmp.Diff(map[string]any{
		"type": "HTTPS", "fqdn": "api.cloudpartner.pro", "port": 443, "resourcePath": "/health", "enableSni": true,
		"failureThreshold": int32(3), "requestInterval": int32(30),
		"tags": map[string]any{"Name": "api.cloudpartner.pro/health", "component": "dns", "environment": "cloud-consulting/prod", "managed-by": "crossplane"},
	}, hc); diff != "" {
		t.Errorf("the seed's health check (HTTPS, /health, threshold 3) on api.<domain>: -want +got:\n%s", diff)
	}

	id, _ := obs.ID(healthCheckName)
	topicARN, _ := obs.ARN(alarmTopic)
	alarm := ct.ForProvider(ct.Find(t, res.Resources, healthAlarm))
	delete(alarm, "tags")
	if diff := cmp.Diff(map[string]any{
		"region":             "us-east-1",
		"alarmDescription":   "https://api.cloudpartner.pro/health fails Route 53's health check (cloud-consulting/prod)",
		"namespace":          "AWS/Route53",
		"metricName":         "HealthCheckStatus",
		"dimensions":         map[string]any{"HealthCheckId": id},
		"statistic":          "Minimum",
		"period":             60,
		"evaluationPeriods":  1,
		"threshold":          1,
		"comparisonOperator": "LessThanThreshold",
		"treatMissingData":   "breaching",
		"actionsEnabled":     true,
		"alarmActions":       []any{topicARN},
		"okActions":          []any{topicARN},
	}, alarm); diff != "" {
		t.Errorf("alarm in us-east-1 on the observed health check, notifying the us-east-1 topic: -want +got:\n%s", diff)
	}
	if id == "" || topicARN == "" {
		t.Fatalf("health check ID and topic ARN must be observed")
	}

	topic := ct.ForProvider(ct.Find(t, res.Resources, alarmTopic))
	keyARN, _ := obs.ARN(alarmKey)
	if topic["region"] != "us-east-1" || topic["kmsMasterKeyId"] != keyARN {
		t.Errorf("the topic is in us-east-1, encrypted with the dns key: region %v, key %v (want %s)", topic["region"], topic["kmsMasterKeyId"], keyARN)
	}
	var tp compose.PolicyDocument
	if err := json.Unmarshal([]byte(topic["policy"].(string)), &tp); err != nil {
		t.Fatal(err)
	}
	name := ct.Env("prod", nil).AWSName(compose.RuleGeneric, "route53-alarms")
	if diff := cmp.Diff(AlarmTopicPolicy("aws", observe.Account, "arn:aws:sns:us-east-1:"+observe.Account+":"+name), tp); diff != "" {
		t.Errorf("topic policy: -want +got:\n%s", diff)
	}
	key := ct.ForProvider(ct.Find(t, res.Resources, alarmKey))
	var kp compose.PolicyDocument
	if err := json.Unmarshal([]byte(key["policy"].(string)), &kp); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(AlarmKeyPolicy("aws", observe.Account), kp); diff != "" {
		t.Errorf("key policy: -want +got:\n%s", diff)
	}
	if key["region"] != "us-east-1" || key["enableKeyRotation"] != true || key["deletionWindowInDays"] != 30 {
		t.Errorf("key: region %v, rotation %v, window %v", key["region"], key["enableKeyRotation"], key["deletionWindowInDays"])
	}
	if p := ct.Find(t, res.Resources, alarmKey).Object["spec"].(map[string]any)["managementPolicies"]; p != nil {
		t.Errorf("the alarm key holds no data (SNS messages in flight only): it may be deleted when the health check goes, got policies %v", p)
	}
	for _, e := range in.AlarmEmails {
		sub := ct.ForProvider(ct.Find(t, res.Resources, AlarmEmail(e)))
		if sub["endpoint"] != e || sub["protocol"] != "email" || sub["region"] != "us-east-1" {
			t.Errorf("subscription of %s: %v", e, sub)
		}
	}
	if AlarmEmail("Ops@Cloudpartner.pro") != AlarmEmail("ops@cloudpartner.pro") {
		t.Errorf("subscription names ignore the address's case")
	}
}

func TestAlarmKeyPolicy(t *testing.T) {
	p := AlarmKeyPolicy("aws", "111122223333")
	cw := p.Statement[len(p.Statement)-1]
	want := compose.Statement{
		Sid: "CloudWatchAlarmsPublishToEncryptedTopic", Effect: "Allow",
		Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": "111122223333"},
			"ArnLike":      {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:111122223333:alarm:*"},
		},
	}
	if diff := cmp.Diff(want, cw); diff != "" {
		t.Errorf("CloudWatch may use the key only for this account's us-east-1 alarms: -want +got:\n%s", diff)
	}
	for _, s := range p.Statement {
		if s.Effect == "Allow" && len(s.Action) == 1 && s.Action[0] == "kms:*" && s.Condition == nil {
			if _, isService := s.Principal["Service"]; isService {
				t.Errorf("no service gets kms:* unconditioned: %+v", s)
			}
		}
	}
	if diff := cmp.Diff(compose.ServiceKeyPolicy("aws", "us-east-1", "111122223333", "sns").Statement, p.Statement[:len(p.Statement)-1]); diff != "" {
		t.Errorf("the account uses the key through SNS in us-east-1 only: -want +got:\n%s", diff)
	}
}

func TestHealthCheckVariants(t *testing.T) {
	topicObserved := func() compose.Observed {
		obs := full(t, seedInput())
		obs[compose.AlarmTopic] = observe.Resource(compose.AlarmTopic, map[string]any{
			"apiVersion": "sns.aws.m.upbound.io/v1beta1", "kind": "Topic", "metadata": map[string]any{"name": "prod-observability-alarm-topic"},
		}, ct.Options(allReady))
		return obs
	}
	cases := map[string]struct {
		reason   string
		in       Input
		observed compose.Observed
		names    []string
		retired  []string
		topic    string
	}{
		"EnvironmentTopic": {
			reason:   "In us-east-1 the alarm notifies the environment's own topic; the dns topic and key are retired.",
			in:       Input{Domain: testDomain, Spec: Resolve(v1alpha1.DNSSpec{}), AlarmTopic: compose.AlarmTopic},
			observed: topicObserved(),
			names:    []string{healthCheckName, healthAlarm},
			retired:  []string{alarmKey, alarmTopic, alarmEmailPrefix},
			topic:    compose.AlarmTopic,
		},
		"Off": {
			reason:   "Turning the health check off retires it, its alarm and the dns topic.",
			in:       Input{Domain: testDomain, Spec: Resolved{}},
			observed: full(t, seedInput()),
			retired:  []string{healthCheckName, healthAlarm, alarmKey, alarmTopic, alarmEmailPrefix},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := healthCheck(ct.Env("prod", tc.observed), tc.in)
			ct.Validate(t, res.Resources)
			if diff := cmp.Diff(tc.names, ct.Names(res.Resources)); diff != "" {
				t.Errorf("%s\nnames: -want +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.retired, res.Retired); diff != "" {
				t.Errorf("%s\nretired: -want +got:\n%s", tc.reason, diff)
			}
			if tc.topic != "" {
				arn, _ := tc.observed.ARN(tc.topic)
				if got := ct.ForProvider(ct.Find(t, res.Resources, healthAlarm))["alarmActions"]; !cmp.Equal(got, []any{arn}) {
					t.Errorf("%s\nalarmActions = %v, want [%s]", tc.reason, got, arn)
				}
			}
		})
	}
}
