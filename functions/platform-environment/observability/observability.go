// Package observability renders what watches the environment: a KMS key, the encrypted SNS topic every
// alarm notifies (with optional e-mail subscriptions), the seed's two alarms and AWS's recommended alarms
// for the load balancer, its target groups, the database and the cache, a CloudWatch dashboard, the
// applications' log group, and — when asked — a CloudTrail trail and AWS Config rules.
//
// Alarms and the dashboard follow what the other domains render: their dimensions are values only AWS
// knows (ARN suffixes, member cluster ids), read from observed state. An alarm whose dimension is not
// observed yet is not rendered — the component waits and says which alarm — never rendered with a
// placeholder.
package observability

import (
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// component is the status component of everything here.
const component = "observability"

// API versions of the kinds rendered here.
const (
	apiKMS        = "kms.aws.m.upbound.io/v1beta1"
	apiSNS        = "sns.aws.m.upbound.io/v1beta1"
	apiCloudWatch = "cloudwatch.aws.m.upbound.io/v1beta1"
	apiLogs       = "cloudwatchlogs.aws.m.upbound.io/v1beta1"
	apiCloudTrail = "cloudtrail.aws.m.upbound.io/v1beta1"
	apiS3         = "s3.aws.m.upbound.io/v1beta1"
	apiIAM        = "iam.aws.m.upbound.io/v1beta1"
	apiConfig     = "configservice.aws.m.upbound.io/v1beta1"
)

// Composition resource names.
const (
	key       = "observability-key"
	keyAlias  = "observability-key-alias"
	dashboard = "observability-dashboard"
	// alarmPrefix starts every alarm's name. The topic's name (compose.AlarmTopic) starts with it too, so
	// alarms are told apart by kind, never by prefix alone.
	alarmPrefix        = "observability-alarm-"
	subscriptionPrefix = "observability-alarm-email-"
	configRulePrefix   = "observability-config-"
)

// Output is the observability domain's desired resources and status.
type Output struct {
	compose.Result
	Outputs *v1alpha1.ObservabilityOutputs
}

// Build renders observability. rendered holds the composition resource names (and kinds) the other
// domains rendered in this pass, composes those they render or want (compose.Composes); together with
// observed state they say which resources the alarms and the dashboard cover.
func Build(env *compose.Env, r v1alpha1.ResolvedObservability, spec v1alpha1.ObservabilitySpec, rendered map[string]string, composes map[string]bool) Output {
	out := Output{Outputs: &v1alpha1.ObservabilityOutputs{
		DashboardName:       dashboardName(env),
		DashboardURL:        dashboardURL(env),
		ApplicationLogGroup: env.ApplicationLogGroupName(),
	}}
	t := findTargets(env, rendered, composes)

	account, hasAccount := env.Observed.AccountID()
	wafAlert := hasWAFChangeRule(env, rendered)
	if hasAccount {
		out.Merge(keys(env, r, account, wafAlert))
		out.Merge(logGroup(env, r))
	} else {
		out.Wait(component, "the KMS key, topic and log groups wait for the AWS account id (read from the first ARN AWS reports)")
	}
	if keyARN, ok := env.Observed.ARN(key); ok && hasAccount {
		out.Merge(topic(env, account, keyARN, spec.AlarmEmails, wafAlert))
		out.Outputs.KeyARN = keyARN
	} else if hasAccount {
		out.Wait(component, "the alarm topic waits for the KMS key's ARN")
	}
	topicARN, _ := env.Observed.ARN(compose.AlarmTopic)
	out.Outputs.AlarmTopicARN = topicARN

	alarms := alarmSet(env, t)
	out.Merge(renderAlarms(env, alarms, topicARN))
	var live []alarmDef
	if topicARN != "" {
		live = alarms.ready
	}
	for _, a := range live {
		out.Outputs.Alarms = append(out.Outputs.Alarms, alarmName(env, a.part))
	}
	out.Outputs.PendingAlarms = alarms.pending

	fallback, fallbackAlarms := sesFallbackAlarms(env, account, hasAccount, fallbackEmailRegions(env, rendered), spec.AlarmEmails)
	out.Merge(fallback)
	out.Outputs.Alarms = append(out.Outputs.Alarms, fallbackAlarms...)

	out.Merge(dashboardResource(env, t, live, account))

	if r.CloudTrail {
		tr := trail(env, r, account, hasAccount)
		out.Merge(tr.Result)
		out.Outputs.TrailARN, out.Outputs.TrailBucket = tr.arn, tr.bucket
	} else {
		out.Retire(trailResource, trailResource+"-")
	}
	if r.Compliance {
		cr := configRules(env)
		out.Merge(cr)
		for _, res := range cr.Resources {
			out.Outputs.ConfigRules = append(out.Outputs.ConfigRules, compose.ExternalName(res.Object))
		}
	} else {
		out.Retire(configRulePrefix)
	}
	return out
}

// hasWAFChangeRule reports whether the edge's WAF change rule, which publishes to the alarm topic, is
// rendered in this pass or still exists: the key and topic policies admit it exactly then.
func hasWAFChangeRule(env *compose.Env, rendered map[string]string) bool {
	return rendered[compose.WAFChangeRule] != "" || env.Observed.Exists(compose.WAFChangeRule)
}

// targets are the other domains' resources that alarms and the dashboard cover.
type targets struct {
	// loadBalancer, database and cache report whether the environment has them (composed by the spec —
	// rendered in this pass or wanted — or observed). Composed, not only rendered: a database the spec
	// composes but cannot render this pass (its key is not observed, say) still has its alarms, which
	// would otherwise be retired with the spec unchanged (a FuzzObserved find).
	loadBalancer, database, cache bool
	// targetGroups are the applications whose target group exists, sorted.
	targetGroups []string
	// email reports whether SES sends from the primary region.
	email bool
}

// findTargets reads which covered resources exist, from this pass's rendered and composed names and
// observed state.
func findTargets(env *compose.Env, rendered map[string]string, composes map[string]bool) targets {
	present := func(name string) bool {
		_, ok := rendered[name]
		return ok || composes[name] || env.Observed.Exists(name)
	}
	t := targets{
		loadBalancer: present(compose.LoadBalancer),
		database:     present(compose.Database),
		cache:        present(compose.CacheReplicationGroup),
		email:        present(compose.EmailIdentity(env.Region)),
	}
	tgPrefix := compose.TargetGroup("")
	apps := map[string]bool{}
	isTG := func(name, kind string) {
		if strings.HasPrefix(name, tgPrefix) && kind == "LBTargetGroup" {
			apps[strings.TrimPrefix(name, tgPrefix)] = true
		}
	}
	for name, kind := range rendered {
		isTG(name, kind)
	}
	for name, obj := range env.Observed {
		k, _ := obj["kind"].(string)
		isTG(name, k)
	}
	for a := range apps {
		t.targetGroups = append(t.targetGroups, a)
	}
	sort.Strings(t.targetGroups)
	return t
}
