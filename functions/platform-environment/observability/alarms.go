package observability

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Alarm periods and thresholds. The seed's two alarms are kept exactly (RDS CPUUtilization average > 80 %
// and ALB HTTPCode_Target_5XX_Count sum > 10, both 300 s × 2); the others follow AWS's recommended alarms
// for each service.
const (
	seedPeriod  = 300
	seedPeriods = 2
	gib         = 1 << 30
	// storageFloorGiB caps the free-storage threshold while storage autoscaling can still grow the volume.
	storageFloorGiB = 5
)

// alarmDef is one CloudWatch metric alarm.
type alarmDef struct {
	// part names the alarm: composition resource alarmPrefix+part, AWS name <ns>-<xr>-<part>-<hash>.
	part        string
	description string
	namespace   string
	metric      string
	// statistic (Average, Sum, Maximum, ...) or extended (a percentile such as p99): exactly one is set.
	statistic  string
	extended   string
	period     int
	periods    int
	threshold  float64
	comparison string
	// missing is treatMissingData: notBreaching for counts that are absent when nothing happens.
	missing    string
	dimensions map[string]string
}

// alarmPlan is what the alarms of this pass are: those whose dimensions are observed, those that wait,
// with the reason, and those that cannot be computed now but stay if they exist.
type alarmPlan struct {
	ready   []alarmDef
	pending []string
	// kept are parts whose observed alarm stays as it is: an alarm the function renders only when it can
	// compute the threshold (connections need a known instance class), so an unreadable observed class
	// must not delete one that exists. Nothing waits for them.
	kept []string
}

func (p *alarmPlan) wait(reason string, parts ...string) {
	for _, part := range parts {
		p.pending = append(p.pending, part+": "+reason)
	}
}

// alarmName is an alarm's AWS name.
func alarmName(env *compose.Env, part string) string { return env.AWSName(compose.RuleGeneric, part) }

// alarmSet decides the alarms of the resources the environment has, with dimensions read from observed
// state: the load balancer's and target groups' ARN suffixes, the DB instance identifier, the cache's
// member cluster ids.
func alarmSet(env *compose.Env, t targets) alarmPlan {
	var p alarmPlan
	lbSuffix, lbOK := env.Observed.String(compose.LoadBalancer, "status.atProvider.arnSuffix")
	if t.loadBalancer {
		if lbOK {
			p.ready = append(p.ready, loadBalancerAlarms(lbSuffix)...)
		} else {
			p.wait("waits for the load balancer's ARN suffix", "high-error-rate", "lb-5xx", "lb-p99-response-time")
		}
	}
	for _, app := range t.targetGroups {
		part := "tg-unhealthy-hosts-" + app
		tgSuffix, ok := env.Observed.String(compose.TargetGroup(app), "status.atProvider.arnSuffix")
		switch {
		case !ok:
			p.wait("waits for the target group's ARN suffix", part)
		case !lbOK:
			p.wait("waits for the load balancer's ARN suffix", part)
		default:
			p.ready = append(p.ready, alarmDef{
				part:        part,
				description: "Target group of " + app + " has unhealthy targets",
				namespace:   "AWS/ApplicationELB", metric: "UnHealthyHostCount", statistic: "Maximum",
				period: 60, periods: 5, threshold: 0, comparison: "GreaterThanThreshold", missing: "notBreaching",
				dimensions: map[string]string{"TargetGroup": tgSuffix, "LoadBalancer": lbSuffix},
			})
		}
	}
	if t.database {
		databaseAlarms(env, &p)
	}
	if t.cache {
		cacheAlarms(env, &p)
	}
	if t.email {
		p.ready = append(p.ready, sesAlarms()...)
	}
	sort.Slice(p.ready, func(i, j int) bool { return p.ready[i].part < p.ready[j].part })
	sort.Strings(p.pending)
	return p
}

// loadBalancerAlarms: the seed's error-rate alarm, 5xx answered by the load balancer itself (no healthy
// target, for one) and the 99th percentile of the targets' response time.
func loadBalancerAlarms(lb string) []alarmDef {
	dims := map[string]string{"LoadBalancer": lb}
	return []alarmDef{
		{
			part: "high-error-rate", description: "Seed HighErrorRate: more than 10 target 5xx responses in 5 minutes, twice in a row",
			namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count", statistic: "Sum",
			period: seedPeriod, periods: seedPeriods, threshold: 10, comparison: "GreaterThanThreshold", missing: "notBreaching", dimensions: dims,
		},
		{
			part: "lb-5xx", description: "The load balancer itself answers 5xx (no healthy target, target connection errors)",
			namespace: "AWS/ApplicationELB", metric: "HTTPCode_ELB_5XX_Count", statistic: "Sum",
			period: seedPeriod, periods: seedPeriods, threshold: 10, comparison: "GreaterThanThreshold", missing: "notBreaching", dimensions: dims,
		},
		{
			part: "lb-p99-response-time", description: "99th percentile of the targets' response time above 2 s",
			namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", extended: "p99",
			period: seedPeriod, periods: seedPeriods, threshold: 2, comparison: "GreaterThanThreshold", missing: "notBreaching", dimensions: dims,
		},
	}
}

// databaseAlarms: the seed's CPU alarm, free storage (see freeStorageAlarm), freeable memory below 10 % of
// the instance class's memory and connections above 80 % of the max_connections the parameter group sets
// for the class (compose.PostgresMaxConnections).
func databaseAlarms(env *compose.Env, p *alarmPlan) {
	id, ok := env.Observed.String(compose.Database, "status.atProvider.identifier")
	if !ok {
		p.wait("waits for the DB instance identifier", "high-cpu-utilization", "db-free-storage", "db-freeable-memory", "db-connections")
		return
	}
	dims := map[string]string{"DBInstanceIdentifier": id}
	p.ready = append(p.ready, alarmDef{
		part: "high-cpu-utilization", description: "Seed HighCPUUtilization: database CPU above 80 % on average for 5 minutes, twice in a row",
		namespace: "AWS/RDS", metric: "CPUUtilization", statistic: "Average",
		period: seedPeriod, periods: seedPeriods, threshold: 80, comparison: "GreaterThanThreshold", missing: "missing", dimensions: dims,
	})
	if gb, ok := observedNumber(env, compose.Database, "status.atProvider.allocatedStorage", "spec.forProvider.allocatedStorage"); ok && gb > 0 {
		maxGB, _ := observedNumber(env, compose.Database, "status.atProvider.maxAllocatedStorage", "spec.forProvider.maxAllocatedStorage")
		threshold, why := freeStorageThreshold(gb, maxGB)
		p.ready = append(p.ready, alarmDef{
			part: "db-free-storage", description: why,
			namespace: "AWS/RDS", metric: "FreeStorageSpace", statistic: "Minimum",
			period: seedPeriod, periods: seedPeriods, threshold: threshold, comparison: "LessThanThreshold", missing: "missing", dimensions: dims,
		})
	} else {
		p.wait("waits for the database's allocated storage", "db-free-storage")
	}
	class, _ := observedString(env, compose.Database, "status.atProvider.instanceClass", "spec.forProvider.instanceClass")
	memGiB, known := compose.InstanceMemoryGiB(class)
	memThreshold, memWhy := 256.0*(1<<20), "Freeable memory below 256 MiB (instance class "+class+" not in the function's table)"
	if known {
		memThreshold, memWhy = math.Floor(memGiB*gib/10), fmt.Sprintf("Freeable memory below 10 %% of the %g GiB of %s", memGiB, class)
	}
	p.ready = append(p.ready, alarmDef{
		part: "db-freeable-memory", description: memWhy,
		namespace: "AWS/RDS", metric: "FreeableMemory", statistic: "Average",
		period: seedPeriod, periods: seedPeriods, threshold: memThreshold, comparison: "LessThanThreshold", missing: "missing", dimensions: dims,
	})
	if maxConn, ok := compose.PostgresMaxConnections(class); !ok {
		p.kept = append(p.kept, "db-connections")
	} else {
		p.ready = append(p.ready, alarmDef{
			part: "db-connections", description: fmt.Sprintf("Connections above 80 %% of the max_connections (%d) the parameter group sets for %s", maxConn, class),
			namespace: "AWS/RDS", metric: "DatabaseConnections", statistic: "Maximum",
			period: seedPeriod, periods: seedPeriods, threshold: math.Floor(float64(maxConn) * 0.8), comparison: "GreaterThanThreshold", missing: "missing", dimensions: dims,
		})
	}
}

// freeStorageThreshold returns the free-storage alarm's threshold in bytes and its description, for the
// allocated storage and the autoscaling ceiling (0: no autoscaling), both in GiB. RDS grows the volume
// when free space stays below 10 % of it (at most every 6 hours), so an alarm at 10 % would fire at
// every autoscale. While autoscaling can still grow the volume, the alarm sits at a low floor (5 % of
// the volume, at most 5 GiB) that only a fill faster than autoscaling reaches; once the volume is at
// its ceiling (or without autoscaling), nothing will grow it, and the alarm is at 10 %.
func freeStorageThreshold(allocatedGB, maxGB float64) (float64, string) {
	if maxGB <= allocatedGB {
		why := fmt.Sprintf("Free storage below 10 %% of the %g GiB allocated (storage autoscaling off)", allocatedGB)
		if maxGB > 0 {
			why = fmt.Sprintf("Free storage below 10 %% of the %g GiB allocated: storage autoscaling is at its %g GiB ceiling", allocatedGB, maxGB)
		}
		return allocatedGB * gib / 10, why
	}
	floor := math.Min(allocatedGB*gib/20, storageFloorGiB*gib)
	return floor, fmt.Sprintf("Free storage below %g GiB while autoscaling can grow the %g GiB volume up to %g GiB (it grows at 10 %% free; this fires only when storage fills faster)",
		floor/gib, allocatedGB, maxGB)
}

// cacheAlarms: per member cluster of the replication group, Redis engine CPU above 90 %, memory use above
// 80 % and any eviction (the cache holds sessions: an evicted key logs a user out).
func cacheAlarms(env *compose.Env, p *alarmPlan) {
	v, ok := env.Observed.Value(compose.CacheReplicationGroup, "status.atProvider.memberClusters")
	list, _ := v.([]any)
	if !ok || len(list) == 0 {
		p.wait("waits for the cache's member cluster ids", "cache-engine-cpu", "cache-memory", "cache-evictions")
		return
	}
	// Member ids are <replication group id>-001, -002, ...: the suffix names the alarm. Anything else is a
	// status that cannot be read right now; the alarms then wait (and the existing ones stay) rather than
	// be renamed after whatever the status holds.
	rg, _ := env.Observed.ID(compose.CacheReplicationGroup)
	members := make([]string, 0, len(list))
	for _, m := range list {
		s, _ := m.(string)
		if rg == "" || !memberSuffixRE.MatchString(strings.TrimPrefix(s, rg+"-")) || !strings.HasPrefix(s, rg+"-") {
			p.wait("waits for the cache's member cluster ids", "cache-engine-cpu", "cache-memory", "cache-evictions")
			return
		}
		members = append(members, s)
	}
	sort.Strings(members)
	for _, m := range members {
		suffix := strings.TrimPrefix(m, rg+"-")
		dims := map[string]string{"CacheClusterId": m}
		p.ready = append(p.ready,
			alarmDef{
				part: "cache-engine-cpu-" + suffix, description: "Redis engine CPU of " + m + " above 90 %",
				namespace: "AWS/ElastiCache", metric: "EngineCPUUtilization", statistic: "Average",
				period: seedPeriod, periods: seedPeriods, threshold: 90, comparison: "GreaterThanThreshold", missing: "missing", dimensions: dims,
			},
			alarmDef{
				part: "cache-memory-" + suffix, description: "Redis memory use of " + m + " above 80 %",
				namespace: "AWS/ElastiCache", metric: "DatabaseMemoryUsagePercentage", statistic: "Average",
				period: seedPeriod, periods: seedPeriods, threshold: 80, comparison: "GreaterThanThreshold", missing: "missing", dimensions: dims,
			},
			alarmDef{
				part: "cache-evictions-" + suffix, description: "Redis of " + m + " evicts keys (sessions are lost)",
				namespace: "AWS/ElastiCache", metric: "Evictions", statistic: "Sum",
				period: seedPeriod, periods: seedPeriods, threshold: 0, comparison: "GreaterThanThreshold", missing: "notBreaching", dimensions: dims,
			},
		)
	}
}

// memberSuffixRE is the suffix ElastiCache gives a replication group's member clusters.
var memberSuffixRE = regexp.MustCompile(`^[0-9]{3}$`)

// sesAlarms watch the account's sending reputation in the primary region: SES reviews an account at 5 %
// bounces or 0.1 % complaints and may pause its sending at 10 % and 0.5 %.
func sesAlarms() []alarmDef {
	return []alarmDef{
		{
			part: "ses-bounce-rate", description: "SES bounce rate above 5 % (SES reviews the account; sending may be paused at 10 %)",
			namespace: "AWS/SES", metric: "Reputation.BounceRate", statistic: "Maximum",
			period: 3600, periods: 1, threshold: 0.05, comparison: "GreaterThanOrEqualToThreshold", missing: "notBreaching",
		},
		{
			part: "ses-complaint-rate", description: "SES complaint rate above 0.1 % (SES reviews the account; sending may be paused at 0.5 %)",
			namespace: "AWS/SES", metric: "Reputation.ComplaintRate", statistic: "Maximum",
			period: 3600, periods: 1, threshold: 0.001, comparison: "GreaterThanOrEqualToThreshold", missing: "notBreaching",
		},
	}
}

// renderAlarms renders the ready alarms, each notifying the topic on ALARM and on OK. Alarms wait until
// the topic's ARN is observed: alarmActions takes ARNs only (its reference field resolves autoscaling
// policies, not topics). Observed alarms that are neither ready, pending nor kept (their resource is gone)
// are retired; the others stay as observed.
func renderAlarms(env *compose.Env, p alarmPlan, topicARN string) compose.Result {
	var res compose.Result
	want := map[string]bool{}
	for _, a := range p.ready {
		want[alarmPrefix+a.part] = true
	}
	for _, part := range p.kept {
		want[alarmPrefix+part] = true
	}
	// A pending part also keeps the observed alarms it stands for: per-member cache alarms wait as
	// "cache-memory" while the member ids are unreadable, and "cache-memory-001" must not go meanwhile.
	var pendingPrefixes []string
	for _, s := range p.pending {
		want[alarmPrefix+s[:strings.IndexByte(s, ':')]] = true
		pendingPrefixes = append(pendingPrefixes, alarmPrefix+s[:strings.IndexByte(s, ':')]+"-")
	}
	if len(p.pending) > 0 {
		res.Wait(component, fmt.Sprintf("%d alarm(s) wait: %s", len(p.pending), strings.Join(p.pending, "; ")))
	}
	if topicARN == "" {
		if len(p.ready) > 0 {
			res.Wait(component, "alarms wait for the alarm topic's ARN")
		}
	} else {
		for _, a := range p.ready {
			res.Add(alarmResource(env, a, topicARN))
		}
	}
	for _, n := range observedNames(env, alarmPrefix, "MetricAlarm") {
		if !want[n] && !hasPrefix(n, pendingPrefixes) {
			res.Retire(n)
		}
	}
	return res
}

func alarmResource(env *compose.Env, a alarmDef, topicARN string) *compose.MR {
	return alarmMR(env, alarmPrefix+a.part, alarmName(env, a.part), a, topicARN)
}

// alarmMR is the MetricAlarm of an alarm under a composition resource name and an AWS name.
func alarmMR(env *compose.Env, name, awsName string, a alarmDef, topicARN string) *compose.MR {
	fp := map[string]any{
		"alarmDescription":   a.description,
		"namespace":          a.namespace,
		"metricName":         a.metric,
		"period":             a.period,
		"evaluationPeriods":  a.periods,
		"datapointsToAlarm":  a.periods,
		"threshold":          a.threshold,
		"comparisonOperator": a.comparison,
		"treatMissingData":   a.missing,
		"actionsEnabled":     true,
		"alarmActions":       []any{topicARN},
		"okActions":          []any{topicARN},
	}
	if a.extended != "" {
		fp["extendedStatistic"] = a.extended
	} else {
		fp["statistic"] = a.statistic
	}
	if len(a.dimensions) > 0 {
		d := make(map[string]any, len(a.dimensions))
		for k, v := range a.dimensions {
			d[k] = v
		}
		fp["dimensions"] = d
	}
	return env.NewAWS(name, apiCloudWatch, "MetricAlarm").ExternalName(awsName).ForProvider(fp)
}

// observedNumber returns the first number found at the paths of an observed resource.
func observedNumber(env *compose.Env, name string, paths ...string) (float64, bool) {
	for _, p := range paths {
		if n, ok := env.Observed.Number(name, p); ok {
			return n, true
		}
	}
	return 0, false
}

// observedString returns the first non-empty string found at the paths of an observed resource.
func observedString(env *compose.Env, name string, paths ...string) (string, bool) {
	for _, p := range paths {
		if s, ok := env.Observed.String(name, p); ok {
			return s, true
		}
	}
	return "", false
}

func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
