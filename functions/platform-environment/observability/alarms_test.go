package observability

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestSeedAlarms pins the seed's two alarms exactly.
func TestSeedAlarms(t *testing.T) {
	env := testEnv(otherObserved())
	p := alarmSet(env, findTargets(env, otherDomains, nil))
	res := renderAlarms(env, p, testTopicARN)
	got := ct.ByName(res.Resources)
	cases := map[string]struct {
		name string
		want map[string]any
	}{
		"HighCPUUtilization": {
			name: alarmPrefix + "high-cpu-utilization",
			want: map[string]any{
				"namespace": "AWS/RDS", "metricName": "CPUUtilization", "statistic": "Average",
				"period": 300, "evaluationPeriods": 2, "datapointsToAlarm": 2, "threshold": 80.0, "comparisonOperator": "GreaterThanThreshold",
				"dimensions": map[string]any{"DBInstanceIdentifier": "team-prod-db-1a2b3c4d"},
			},
		},
		"HighErrorRate": {
			name: alarmPrefix + "high-error-rate",
			want: map[string]any{
				"namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count", "statistic": "Sum",
				"period": 300, "evaluationPeriods": 2, "datapointsToAlarm": 2, "threshold": 10.0, "comparisonOperator": "GreaterThanThreshold",
				"dimensions": map[string]any{"LoadBalancer": "app/team-prod-lb/50dc6c495c0c9188"},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := got[tc.name]
			if a == nil {
				t.Fatalf("%s not rendered", tc.name)
			}
			fp := ct.ForProvider(a)
			for k, v := range tc.want {
				if diff := cmp.Diff(v, fp[k]); diff != "" {
					t.Errorf("%s (-want +got):\n%s", k, diff)
				}
			}
			// ARNs, not references: alarmActionsRefs resolves autoscaling policies, not topics.
			topic := []any{testTopicARN}
			if diff := cmp.Diff(topic, fp["alarmActions"]); diff != "" {
				t.Errorf("alarm actions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(topic, fp["okActions"]); diff != "" {
				t.Errorf("OK actions (-want +got):\n%s", diff)
			}
			if fp["alarmActionsRefs"] != nil || fp["okActionsRefs"] != nil {
				t.Errorf("actions by reference: %v / %v", fp["alarmActionsRefs"], fp["okActionsRefs"])
			}
		})
	}
	ct.Validate(t, res.Resources)
}

// TestAlarmGating checks which alarms wait for which observed dimension.
func TestAlarmGating(t *testing.T) {
	without := func(name, path string) compose.Observed {
		o := otherObserved()
		ap := o[name]["status"].(map[string]any)["atProvider"].(map[string]any)
		delete(ap, path)
		return o
	}
	with := func(name, path string, v any) compose.Observed {
		o := otherObserved()
		o[name]["status"].(map[string]any)["atProvider"].(map[string]any)[path] = v
		return o
	}
	cases := map[string]struct {
		reason      string
		observed    compose.Observed
		domains     map[string]string
		wantPending []string
		wantReady   []string // a subset that must be ready
		wantAbsent  []string // parts that must be neither ready nor pending
	}{
		"AllObserved": {
			reason: "Every dimension observed: nothing waits.", observed: otherObserved(), domains: otherDomains,
			wantReady: []string{"high-cpu-utilization", "high-error-rate", "cache-evictions-001", "tg-unhealthy-hosts-frontend"},
		},
		"NoLoadBalancerSuffix": {
			reason:   "The load balancer's and the target groups' alarms wait for the LB's ARN suffix.",
			observed: without(compose.LoadBalancer, "arnSuffix"), domains: otherDomains,
			wantPending: []string{"high-error-rate", "lb-5xx", "lb-p99-response-time", "tg-unhealthy-hosts-backend", "tg-unhealthy-hosts-frontend"},
			wantReady:   []string{"high-cpu-utilization"},
		},
		"NoDatabaseIdentifier": {
			reason: "The database's alarms wait for its identifier.", observed: without(compose.Database, "identifier"), domains: otherDomains,
			wantPending: []string{"db-connections", "db-free-storage", "db-freeable-memory", "high-cpu-utilization"},
		},
		"NoCacheMembers": {
			reason: "The cache's alarms wait for its member cluster ids.", observed: without(compose.CacheReplicationGroup, "memberClusters"), domains: otherDomains,
			wantPending: []string{"cache-engine-cpu", "cache-evictions", "cache-memory"},
		},
		"MembersNotOfTheGroup": {
			reason:   "Member ids that are not <group id>-NNN (a broken status) are not read: the cache's alarms wait, never renamed.",
			observed: with(compose.CacheReplicationGroup, "memberClusters", []any{"a"}), domains: otherDomains,
			wantPending: []string{"cache-engine-cpu", "cache-evictions", "cache-memory"},
		},
		"NoCacheGroupID": {
			reason:   "Without the group's id the member ids cannot be checked: the cache's alarms wait.",
			observed: without(compose.CacheReplicationGroup, "id"), domains: otherDomains,
			wantPending: []string{"cache-engine-cpu", "cache-evictions", "cache-memory"},
		},
		"NothingElse": {
			reason:   "An environment without edge, database or cache has no alarms for them, and none waits.",
			observed: compose.Observed{compose.VPC: vpc()}, domains: map[string]string{},
			wantAbsent: []string{"high-cpu-utilization", "high-error-rate", "ses-bounce-rate"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := testEnv(tc.observed)
			p := alarmSet(env, findTargets(env, tc.domains, nil))
			var pending []string
			for _, s := range p.pending {
				pending = append(pending, s[:strings.IndexByte(s, ':')])
			}
			if diff := cmp.Diff(tc.wantPending, pending); diff != "" {
				t.Errorf("%s\npending (-want +got):\n%s", tc.reason, diff)
			}
			ready := map[string]bool{}
			for _, a := range p.ready {
				ready[a.part] = true
				for k, v := range a.dimensions {
					if v == "" {
						t.Errorf("%s has an empty %s dimension", a.part, k)
					}
				}
			}
			for _, r := range tc.wantReady {
				if !ready[r] {
					t.Errorf("%s\n%s is not ready", tc.reason, r)
				}
			}
			for _, r := range tc.wantAbsent {
				if ready[r] {
					t.Errorf("%s\n%s is rendered", tc.reason, r)
				}
			}
			res := renderAlarms(env, p, testTopicARN)
			if len(tc.wantPending) > 0 && !strings.Contains(res.Waiting[component], "wait") {
				t.Errorf("%s\nthe component does not wait: %v", tc.reason, res.Waiting)
			}
			if len(tc.wantPending) == 0 && len(res.Waiting) != 0 {
				t.Errorf("%s\nthe component waits: %v", tc.reason, res.Waiting)
			}
		})
	}
}

// TestAlarmsWaitForTopic: until the topic's ARN is observed no alarm renders (its actions would point
// nowhere), and alarms that exist are not retired: the assembly keeps them as observed.
func TestAlarmsWaitForTopic(t *testing.T) {
	o := otherObserved()
	existing := alarmPrefix + "high-cpu-utilization"
	o[existing] = observed(existing, apiCloudWatch, "MetricAlarm", true, nil)
	env := testEnv(o)
	res := renderAlarms(env, alarmSet(env, findTargets(env, otherDomains, nil)), "")
	if len(res.Resources) != 0 || !strings.Contains(res.Waiting[component], "alarm topic's ARN") {
		t.Errorf("rendered %d alarms without the topic's ARN; waiting %v", len(res.Resources), res.Waiting)
	}
	if len(res.Retired) != 0 {
		t.Errorf("retired %v while waiting for the topic's ARN", res.Retired)
	}
}

// TestConnectionsAlarmKeptWithUnknownClass: the connections threshold needs the instance class. When the
// observed class cannot be read the alarm is not rendered, but one that exists stays (it is not retired)
// and nothing waits for it.
func TestConnectionsAlarmKeptWithUnknownClass(t *testing.T) {
	cases := map[string]struct {
		reason string
		class  any
	}{
		"Unreadable": {reason: "A broken status and spec: no class to read.", class: 3.0},
		"Unlisted":   {reason: "A class the function's table does not know.", class: "db.x2iedn.xlarge"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := otherObserved()
			o[compose.Database]["status"].(map[string]any)["atProvider"].(map[string]any)["instanceClass"] = tc.class
			existing := alarmPrefix + "db-connections"
			o[existing] = observed(existing, apiCloudWatch, "MetricAlarm", true, nil)
			env := testEnv(o)
			res := renderAlarms(env, alarmSet(env, findTargets(env, otherDomains, nil)), testTopicARN)
			if ct.ByName(res.Resources)[existing] != nil {
				t.Errorf("%s\n%s rendered without a known class", tc.reason, existing)
			}
			for _, r := range res.Retired {
				if r == existing {
					t.Errorf("%s\n%s retired: Crossplane would delete it", tc.reason, existing)
				}
			}
			if len(res.Waiting) != 0 {
				t.Errorf("%s\nwaits: %v", tc.reason, res.Waiting)
			}
		})
	}
}

const testTopicARN = "arn:aws:sns:us-east-1:123456789012:team-prod-alarms-1a2b3c4d"

func TestDatabaseThresholds(t *testing.T) {
	cases := map[string]struct {
		reason          string
		class           string
		storage, maxGiB float64
		wantMemory      float64
		wantConns       float64 // 0: no connections alarm
		wantStorage     float64
	}{
		"T3Medium": {
			reason: "db.t3.medium has 4 GiB: 10 % free memory, 80 % of the 337 max_connections the parameter group sets. " +
				"Storage autoscaling up to 500 GiB: the 5 GiB floor, not 10 % (RDS grows the volume there).",
			class: "db.t3.medium", storage: 100, maxGiB: 500,
			wantMemory: 4 * gib / 10, wantConns: 269, wantStorage: 5 * gib,
		},
		"R6gXlarge": {
			reason: "db.r6g.xlarge has 32 GiB: 80 % of 2703. A 20 GiB volume that may grow: 5 % of it (1 GiB), under the 5 GiB cap.",
			class:  "db.r6g.xlarge", storage: 20, maxGiB: 100,
			wantMemory: 32 * gib / 10, wantConns: 2162, wantStorage: 1 * gib,
		},
		"M7g16xlarge": {
			reason: "256 GiB would allow more than 5000 connections; PostgreSQL's cap holds. No autoscaling: 10 % of the volume.",
			class:  "db.m7g.16xlarge", storage: 1000,
			wantMemory: 256 * gib / 10, wantConns: 4000, wantStorage: 100 * gib,
		},
		"AutoscalingAtCeiling": {
			reason: "The volume has grown to its ceiling: autoscaling can no longer help, so 10 % of what is allocated.",
			class:  "db.t3.medium", storage: 500, maxGiB: 500,
			wantMemory: 4 * gib / 10, wantConns: 269, wantStorage: 50 * gib,
		},
		"UnknownClass": {
			reason: "An unknown class: a fixed 256 MiB memory floor and no connections alarm rather than a guess.", class: "db.x2iedn.xlarge", storage: 50,
			wantMemory: 256 << 20, wantStorage: 5 * gib,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := otherObserved()
			ap := o[compose.Database]["status"].(map[string]any)["atProvider"].(map[string]any)
			ap["instanceClass"], ap["allocatedStorage"], ap["maxAllocatedStorage"] = tc.class, tc.storage, tc.maxGiB
			env := testEnv(o)
			var p alarmPlan
			databaseAlarms(env, &p)
			th := map[string]float64{}
			for _, a := range p.ready {
				th[a.part] = a.threshold
			}
			want := map[string]float64{"high-cpu-utilization": 80, "db-free-storage": tc.wantStorage, "db-freeable-memory": tc.wantMemory}
			if tc.wantConns > 0 {
				want["db-connections"] = tc.wantConns
			}
			if diff := cmp.Diff(want, th); diff != "" {
				t.Errorf("%s\nthresholds (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestFreeStorageDoesNotFireAtAutoscale: with autoscaling headroom the alarm's threshold is below the 10 %
// free at which RDS grows the volume, for every volume size the API admits, so a routine autoscale never
// alarms; at the ceiling it is at 10 %.
func TestFreeStorageDoesNotFireAtAutoscale(t *testing.T) {
	for _, gb := range []float64{20, 21, 50, 100, 999, 1000, 5000, 65536} {
		th, _ := freeStorageThreshold(gb, gb*2)
		if autoscaleAt := gb * gib / 10; th >= autoscaleAt || th <= 0 {
			t.Errorf("%g GiB with headroom: threshold %g bytes, want above 0 and below the autoscale point %g", gb, th, autoscaleAt)
		}
		if th, why := freeStorageThreshold(gb, gb); th != gb*gib/10 || !strings.Contains(why, "ceiling") {
			t.Errorf("%g GiB at its ceiling: threshold %g (%s), want 10 %% and the reason", gb, th, why)
		}
	}
}

func TestCacheAlarmNames(t *testing.T) {
	env := testEnv(otherObserved())
	var p alarmPlan
	cacheAlarms(env, &p)
	var got []string
	for _, a := range p.ready {
		got = append(got, a.part+"="+a.dimensions["CacheClusterId"])
	}
	want := []string{
		"cache-engine-cpu-001=team-prod-cache-001", "cache-memory-001=team-prod-cache-001", "cache-evictions-001=team-prod-cache-001",
		"cache-engine-cpu-002=team-prod-cache-002", "cache-memory-002=team-prod-cache-002", "cache-evictions-002=team-prod-cache-002",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cache alarms, named by member suffix, in member order (-want +got):\n%s", diff)
	}
}

// TestAlarmsOfComposedTargetsKept: a covered resource the spec composes but no domain could render this
// pass, and that is not observed either (its MR deleted out of band, its key with it), keeps its alarms:
// they wait, and are not retired with the spec unchanged (FuzzObserved found the cache's per-member
// alarms retired so).
func TestAlarmsOfComposedTargetsKept(t *testing.T) {
	cases := map[string]struct {
		target string
		alarm  string
	}{
		"Cache":        {target: compose.CacheReplicationGroup, alarm: alarmPrefix + "cache-memory-001"},
		"Database":     {target: compose.Database, alarm: alarmPrefix + "high-cpu-utilization"},
		"LoadBalancer": {target: compose.LoadBalancer, alarm: alarmPrefix + "lb-5xx"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := otherObserved()
			delete(o, tc.target)
			o[tc.alarm] = observed(tc.alarm, apiCloudWatch, "MetricAlarm", true, nil)
			domains := map[string]string{}
			for n, k := range otherDomains {
				if n != tc.target {
					domains[n] = k
				}
			}
			env := testEnv(o)
			res := renderAlarms(env, alarmSet(env, findTargets(env, domains, map[string]bool{tc.target: true})), testTopicARN)
			for _, r := range res.Retired {
				if r == tc.alarm {
					t.Fatalf("%s retired while the spec still composes %s", tc.alarm, tc.target)
				}
			}
			if res.Waiting[component] == "" {
				t.Errorf("nothing waits while %s is neither rendered nor observed", tc.target)
			}
		})
	}
}
