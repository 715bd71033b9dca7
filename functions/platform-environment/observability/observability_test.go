package observability

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// otherDomains is what the other domains render in the seed: load balancer, two target groups,
// database, cache and SES in the primary region.
var otherDomains = map[string]string{
	compose.LoadBalancer:                "LB",
	compose.TargetGroup("frontend"):     "LBTargetGroup",
	compose.TargetGroup("backend"):      "LBTargetGroup",
	"edge-listener-http":                "LBListener",
	compose.Database:                    "Instance",
	compose.CacheReplicationGroup:       "ReplicationGroup",
	compose.EmailIdentity("us-east-1"):  "EmailIdentity",
	compose.EmailIdentity("us-west-2"):  "EmailIdentity",
	"email-us-east-1-configuration-set": "ConfigurationSet",
}

// otherObserved is the other domains' resources as AWS reports them, with the dimensions alarms need.
func otherObserved() compose.Observed {
	return compose.Observed{
		compose.VPC: vpc(),
		compose.LoadBalancer: observed(compose.LoadBalancer, "elbv2.aws.m.upbound.io/v1beta1", "LB", true,
			map[string]any{"status.atProvider.arnSuffix": "app/team-prod-lb/50dc6c495c0c9188"}),
		compose.TargetGroup("frontend"): observed(compose.TargetGroup("frontend"), "elbv2.aws.m.upbound.io/v1beta1", "LBTargetGroup", true,
			map[string]any{"status.atProvider.arnSuffix": "targetgroup/team-prod-frontend/943f017f100becff"}),
		compose.TargetGroup("backend"): observed(compose.TargetGroup("backend"), "elbv2.aws.m.upbound.io/v1beta1", "LBTargetGroup", true,
			map[string]any{"status.atProvider.arnSuffix": "targetgroup/team-prod-backend/73e2d6bc24d8a067"}),
		compose.Database: observed(compose.Database, "rds.aws.m.upbound.io/v1beta1", "Instance", true, map[string]any{
			"status.atProvider.identifier":       "team-prod-db-1a2b3c4d",
			"status.atProvider.allocatedStorage": float64(100),
			"status.atProvider.instanceClass":    "db.t3.medium",
		}),
		compose.CacheReplicationGroup: observed(compose.CacheReplicationGroup, "elasticache.aws.m.upbound.io/v1beta1", "ReplicationGroup", true, map[string]any{
			"status.atProvider.id":             "team-prod-cache",
			"status.atProvider.memberClusters": []any{"team-prod-cache-002", "team-prod-cache-001"},
		}),
	}
}

// TestBuildPasses walks the seed through the passes in which observed values arrive and checks what each
// pass renders and what it waits for.
func TestBuildPasses(t *testing.T) {
	spec := v1alpha1.ObservabilitySpec{AlarmEmails: []string{"ops@cloudpartner.pro"}}
	r := prodResolved(t)
	obs := compose.Observed{}

	// Pass 1: nothing observed. Only the dashboard (whose EKS line needs no observed value) renders.
	out := Build(testEnv(obs), r, spec, otherDomains, nil)
	if diff := cmp.Diff([]string{dashboard}, ct.Names(out.Resources)); diff != "" {
		t.Errorf("pass 1: resources (-want +got):\n%s", diff)
	}
	if !strings.Contains(out.Waiting[component], "account id") {
		t.Errorf("pass 1: waiting = %q, want the account id", out.Waiting[component])
	}
	if len(out.Outputs.PendingAlarms) == 0 {
		t.Error("pass 1: no pending alarms although no dimension is observed")
	}

	// Pass 2: the other domains' resources are observed (the account id with them). The key, its alias,
	// the log groups and the trail's bucket render; the topic waits for the key's ARN, so alarms wait.
	for k, v := range otherObserved() {
		obs[k] = v
	}
	out = Build(testEnv(obs), r, spec, otherDomains, nil)
	got := ct.ByName(out.Resources)
	for _, n := range []string{key, keyAlias, compose.ApplicationLogGroup, trailBucket, trailBucketPolicy, trailLogGroup, dashboard} {
		if got[n] == nil {
			t.Errorf("pass 2: %s not rendered", n)
		}
	}
	for _, n := range []string{compose.AlarmTopic, trailResource, alarmPrefix + "high-cpu-utilization"} {
		if got[n] != nil {
			t.Errorf("pass 2: %s rendered before what it needs is observed", n)
		}
	}
	if !strings.Contains(out.Waiting[component], "key's ARN") {
		t.Errorf("pass 2: waiting = %q, want the key's ARN", out.Waiting[component])
	}

	// Pass 3: the key and the rest are observed: the topic, subscription and trail render; the alarms
	// wait for the topic's ARN.
	ct.ObserveAll(obs, out.Resources, observeOpts)
	out = Build(testEnv(obs), r, spec, otherDomains, nil)
	if got := ct.ByName(out.Resources); got[compose.AlarmTopic] == nil || got[alarmPrefix+"high-cpu-utilization"] != nil {
		t.Errorf("pass 3: topic rendered %v, an alarm rendered %v; want the topic and no alarm yet",
			got[compose.AlarmTopic] != nil, got[alarmPrefix+"high-cpu-utilization"] != nil)
	}
	if !strings.Contains(out.Waiting[component], "alarm topic's ARN") {
		t.Errorf("pass 3: waiting = %q, want the alarm topic's ARN", out.Waiting[component])
	}
	ct.ObserveAll(obs, out.Resources, observeOpts)
	// Pass 4: everything observed; a fixed point.
	out = Build(testEnv(obs), r, spec, otherDomains, nil)
	got = ct.ByName(out.Resources)
	wantAlarms := []string{
		"cache-engine-cpu-001", "cache-engine-cpu-002", "cache-evictions-001", "cache-evictions-002", "cache-memory-001", "cache-memory-002",
		"db-connections", "db-free-storage", "db-freeable-memory", "high-cpu-utilization", "high-error-rate", "lb-5xx", "lb-p99-response-time",
		"observability-us-west-2-ses-bounce-rate", "observability-us-west-2-ses-complaint-rate", // SES's fallback region
		"ses-bounce-rate", "ses-complaint-rate", "tg-unhealthy-hosts-backend", "tg-unhealthy-hosts-frontend",
	}
	var gotAlarms []string
	for _, res := range out.Resources {
		if res.Object["kind"] == "MetricAlarm" {
			gotAlarms = append(gotAlarms, strings.TrimPrefix(res.Name, alarmPrefix))
		}
	}
	sort.Strings(gotAlarms)
	if diff := cmp.Diff(wantAlarms, gotAlarms); diff != "" {
		t.Errorf("pass 4: alarms (-want +got):\n%s", diff)
	}
	for _, n := range []string{compose.AlarmTopic, subscriptionName("ops@cloudpartner.pro"), trailResource} {
		if got[n] == nil {
			t.Errorf("pass 4: %s not rendered", n)
		}
	}
	if len(out.Waiting) != 0 {
		t.Errorf("pass 4: still waiting: %v", out.Waiting)
	}
	if out.Outputs.AlarmTopicARN == "" || out.Outputs.KeyARN == "" || out.Outputs.TrailARN == "" {
		t.Errorf("pass 4: outputs miss observed ARNs: %+v", out.Outputs)
	}
	if len(out.Outputs.Alarms) != len(wantAlarms) || len(out.Outputs.PendingAlarms) != 0 {
		t.Errorf("pass 4: outputs list %d alarms, %d pending; want %d, 0", len(out.Outputs.Alarms), len(out.Outputs.PendingAlarms), len(wantAlarms))
	}
	ct.Validate(t, out.Resources)
	ct.ObserveAll(obs, out.Resources, observeOpts)

	// Keep-observed: the load balancer's status is momentarily empty (a provider restart). Its alarms wait
	// again, are not rendered, and are kept as observed by the assembly — never deleted.
	lb := otherObserved()[compose.LoadBalancer]
	delete(lb["status"].(map[string]any)["atProvider"].(map[string]any), "arnSuffix")
	obs[compose.LoadBalancer] = lb
	env := testEnv(obs)
	out = Build(env, r, spec, otherDomains, nil)
	if ct.ByName(out.Resources)[alarmPrefix+"high-error-rate"] != nil {
		t.Error("high-error-rate rendered without the load balancer's ARN suffix")
	}
	a, err := compose.Assemble(env, out.Result)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, d := range a.Resources {
		if d.Kept {
			kept[d.Name] = true
		}
	}
	for _, n := range []string{"high-error-rate", "lb-5xx", "lb-p99-response-time", "tg-unhealthy-hosts-frontend"} {
		if !kept[alarmPrefix+n] {
			t.Errorf("%s was dropped instead of kept as observed", alarmPrefix+n)
		}
	}
}

// TestBuildRetires checks that what the spec or the environment no longer has is retired, and only that.
func TestBuildRetires(t *testing.T) {
	r := prodResolved(t)
	obs := otherObserved()
	spec := v1alpha1.ObservabilitySpec{AlarmEmails: []string{"a@example.com", "b@example.com"}}
	for i := 0; i < 3; i++ {
		out := Build(testEnv(obs), r, spec, otherDomains, nil)
		ct.ObserveAll(obs, out.Resources, observeOpts)
	}

	cases := map[string]struct {
		reason  string
		spec    v1alpha1.ObservabilitySpec
		r       func(v1alpha1.ResolvedObservability) v1alpha1.ResolvedObservability
		domains func(map[string]string) map[string]string
		want    []string
	}{
		"RemovedEmail": {
			reason: "A removed address retires its subscriptions only: to the alarm topic and to the SES fallback region's.",
			spec:   v1alpha1.ObservabilitySpec{AlarmEmails: []string{"a@example.com"}},
			want:   []string{subscriptionName("b@example.com"), "observability-us-west-2-email-" + strings.TrimPrefix(subscriptionName("b@example.com"), subscriptionPrefix)},
		},
		"TrailOff": {
			reason: "Turning CloudTrail off retires the trail and everything of it.",
			spec:   spec,
			r:      func(r v1alpha1.ResolvedObservability) v1alpha1.ResolvedObservability { r.CloudTrail = false; return r },
			want:   []string{trailResource, trailResource + "-"},
		},
		"TargetGroupGone": {
			reason: "A target group that is neither rendered nor observed any more takes its alarm with it.",
			spec:   spec,
			domains: func(m map[string]string) map[string]string {
				c := map[string]string{}
				for k, v := range m {
					if k != compose.TargetGroup("backend") {
						c[k] = v
					}
				}
				return c
			},
			want: []string{alarmPrefix + "tg-unhealthy-hosts-backend"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := compose.Observed{}
			for k, v := range obs {
				o[k] = v
			}
			rr, domains := r, otherDomains
			if tc.r != nil {
				rr = tc.r(r)
			}
			if tc.domains != nil {
				domains = tc.domains(otherDomains)
				delete(o, compose.TargetGroup("backend"))
			}
			out := Build(testEnv(o), rr, tc.spec, domains, nil)
			got := append([]string(nil), out.Retired...)
			// Compliance is off: its prefix is always retired.
			want := append([]string{configRulePrefix}, tc.want...)
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s\nretired (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestSESFallbackAlarms: SES's fallback region gets its own reputation alarms, notifying a topic in that
// region (alarms notify topics of their own region only) encrypted with a key of that region that
// CloudWatch alarms of that region may use, subscribed by the alarm e-mails; a region SES no longer sends
// from is retired.
func TestSESFallbackAlarms(t *testing.T) {
	r := prodResolved(t)
	obs := otherObserved()
	spec := v1alpha1.ObservabilitySpec{AlarmEmails: []string{"ops@cloudpartner.pro"}}
	var out Output
	for i := 0; i < 4; i++ {
		out = Build(testEnv(obs), r, spec, otherDomains, nil)
		ct.ObserveAll(obs, out.Resources, observeOpts)
	}
	ct.Validate(t, out.Resources)
	got := ct.ByName(out.Resources)
	const p = "observability-us-west-2-"
	for _, n := range []string{p + "key", p + "topic", p + "email-" + strings.TrimPrefix(subscriptionName("ops@cloudpartner.pro"), subscriptionPrefix), p + "ses-bounce-rate", p + "ses-complaint-rate"} {
		res := got[n]
		if res == nil {
			t.Errorf("%s not rendered", n)
			continue
		}
		if region := res.Object["spec"].(map[string]any)["forProvider"].(map[string]any)["region"]; region != "us-west-2" {
			t.Errorf("%s in %v, want the fallback region us-west-2", n, region)
		}
	}
	if t.Failed() {
		return
	}
	fp := got[p+"ses-bounce-rate"].Object["spec"].(map[string]any)["forProvider"].(map[string]any)
	topicARN := "arn:aws:sns:us-west-2:123456789012:" + topicName(testEnv(nil))
	if diff := cmp.Diff([]any{topicARN}, fp["alarmActions"]); diff != "" {
		t.Errorf("the fallback alarm notifies the fallback region's topic (-want +got):\n%s", diff)
	}
	if fp["metricName"] != "Reputation.BounceRate" || fp["namespace"] != "AWS/SES" {
		t.Errorf("fallback alarm watches %v %v", fp["namespace"], fp["metricName"])
	}
	key := got[p+"key"].Object["spec"].(map[string]any)["forProvider"].(map[string]any)["policy"].(string)
	if !strings.Contains(key, `"aws:SourceArn":"arn:aws:cloudwatch:us-west-2:123456789012:alarm:*"`) {
		t.Errorf("the fallback key admits CloudWatch alarms of us-west-2 only:\n%s", key)
	}
	tkey := got[p+"topic"].Object["spec"].(map[string]any)["forProvider"].(map[string]any)["kmsMasterKeyId"].(string)
	if !strings.HasPrefix(tkey, "arn:aws:kms:us-west-2:") {
		t.Errorf("the fallback topic's key %s is not in us-west-2", tkey)
	}

	// SES no longer sends from us-west-2: everything of that region is retired.
	noFallback := map[string]string{}
	for k, v := range otherDomains {
		if !strings.HasPrefix(k, "email-us-west-2-") {
			noFallback[k] = v
		}
	}
	for k := range obs {
		if strings.HasPrefix(k, "email-us-west-2-") {
			delete(obs, k)
		}
	}
	out = Build(testEnv(obs), r, spec, noFallback, nil)
	var retired []string
	for _, n := range out.Retired {
		if strings.HasPrefix(n, p) {
			retired = append(retired, n)
		}
	}
	want := []string{p + "email-" + strings.TrimPrefix(subscriptionName("ops@cloudpartner.pro"), subscriptionPrefix), p + "key", p + "ses-bounce-rate", p + "ses-complaint-rate", p + "topic"}
	if diff := cmp.Diff(want, retired); diff != "" {
		t.Errorf("retired when the fallback region goes (-want +got):\n%s", diff)
	}
}
