package observability

import (
	"encoding/json"
	"net/url"
	"sort"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// The dashboard body is built from these types, never concatenated, so that it is valid JSON in the shape
// CloudWatch documents (Dashboard Body Structure and Syntax) and tests can parse and check it.

// dashboardBody is a CloudWatch dashboard.
type dashboardBody struct {
	Widgets []widget `json:"widgets"`
}

// widget is one dashboard widget on CloudWatch's 24-column grid.
type widget struct {
	Type       string           `json:"type"`
	X          int              `json:"x"`
	Y          int              `json:"y"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Properties widgetProperties `json:"properties"`
}

// widgetProperties of metric, alarm and text widgets.
type widgetProperties struct {
	Title   string   `json:"title,omitempty"`
	Region  string   `json:"region,omitempty"`
	View    string   `json:"view,omitempty"`
	Stacked *bool    `json:"stacked,omitempty"`
	Period  int      `json:"period,omitempty"`
	Stat    string   `json:"stat,omitempty"`
	Metrics []metric `json:"metrics,omitempty"`
	// Alarms are alarm ARNs (alarm status widgets).
	Alarms []string `json:"alarms,omitempty"`
	// Markdown of text widgets.
	Markdown string `json:"markdown,omitempty"`
}

// metric is one line of a metric widget. CloudWatch wants it as an array:
// [namespace, metric, dimension name, dimension value, ..., {rendering options}].
type metric struct {
	Namespace  string
	Name       string
	Dimensions [][2]string
	// Options override the widget's stat or label for this line.
	Stat  string
	Label string
}

// MarshalJSON writes the array form.
func (m metric) MarshalJSON() ([]byte, error) {
	a := []any{m.Namespace, m.Name}
	for _, d := range m.Dimensions {
		a = append(a, d[0], d[1])
	}
	opts := map[string]string{}
	if m.Stat != "" {
		opts["stat"] = m.Stat
	}
	if m.Label != "" {
		opts["label"] = m.Label
	}
	if len(opts) > 0 {
		a = append(a, opts)
	}
	return json.Marshal(a)
}

// dashboardName is the dashboard's AWS name (letters, digits, hyphens and underscores, 255 at most).
func dashboardName(env *compose.Env) string { return env.AWSName(compose.RuleGeneric, "dashboard") }

// dashboardURL opens the dashboard in the console of the environment's partition.
func dashboardURL(env *compose.Env) string {
	host := map[string]string{"aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}[env.Partition()]
	if host == "" {
		host = "console.aws.amazon.com"
	}
	return "https://" + env.Region + "." + host + "/cloudwatch/home?region=" + env.Region +
		"#dashboards/dashboard/" + url.PathEscape(dashboardName(env))
}

// eksFailedRequests replaces the seed's AWS/EKS cluster_failed_request_count, which CloudWatch does not
// have. EKS publishes control-plane metrics in AWS/EKS for clusters on Kubernetes 1.28 and later, at no
// charge and without an add-on; apiserver_request_total_5XX (dimension ClusterName) counts the API
// server requests that failed on the server's side.
const eksFailedRequests = "apiserver_request_total_5XX"

// dashboardWidgets lays out the dashboard: first the seed's "Application Performance" widget with its
// metrics (the EKS line replaced, see eksFailedRequests), then one widget per concern, two per row. A
// widget of a resource whose dimension is not observed yet is left out until it is: the dashboard grows
// as the environment comes up, and never shows a made-up dimension.
func dashboardWidgets(env *compose.Env, t targets, alarmARNs []string) []widget {
	cluster := [2]string{"ClusterName", env.ClusterName()}
	lb, lbOK := env.Observed.String(compose.LoadBalancer, "status.atProvider.arnSuffix")
	lbOK = lbOK && t.loadBalancer
	db, dbOK := env.Observed.String(compose.Database, "status.atProvider.identifier")
	dbOK = dbOK && t.database
	var members []string
	if t.cache {
		if v, ok := env.Observed.Value(compose.CacheReplicationGroup, "status.atProvider.memberClusters"); ok {
			list, _ := v.([]any)
			for _, m := range list {
				if s, ok := m.(string); ok && s != "" {
					members = append(members, s)
				}
			}
			sort.Strings(members)
		}
	}

	var seed []metric
	if lbOK {
		seed = append(seed,
			metric{Namespace: "AWS/ApplicationELB", Name: "RequestCount", Dimensions: [][2]string{{"LoadBalancer", lb}}, Stat: "Sum"},
			metric{Namespace: "AWS/ApplicationELB", Name: "TargetResponseTime", Dimensions: [][2]string{{"LoadBalancer", lb}}},
		)
	}
	if dbOK {
		seed = append(seed, metric{Namespace: "AWS/RDS", Name: "CPUUtilization", Dimensions: [][2]string{{"DBInstanceIdentifier", db}}})
	}
	for _, m := range members {
		seed = append(seed, metric{Namespace: "AWS/ElastiCache", Name: "CPUUtilization", Dimensions: [][2]string{{"CacheClusterId", m}}})
	}
	seed = append(seed, metric{Namespace: "AWS/EKS", Name: eksFailedRequests, Dimensions: [][2]string{cluster}, Stat: "Sum"})

	ws := []widget{metricWidget(env, "Application Performance", "Average", seed)}
	ws[0].Width = 24

	var more []widget
	if lbOK {
		d := [][2]string{{"LoadBalancer", lb}}
		more = append(more,
			metricWidget(env, "Load balancer: requests and errors", "Sum", []metric{
				{Namespace: "AWS/ApplicationELB", Name: "RequestCount", Dimensions: d},
				{Namespace: "AWS/ApplicationELB", Name: "HTTPCode_Target_5XX_Count", Dimensions: d},
				{Namespace: "AWS/ApplicationELB", Name: "HTTPCode_Target_4XX_Count", Dimensions: d},
				{Namespace: "AWS/ApplicationELB", Name: "HTTPCode_ELB_5XX_Count", Dimensions: d},
			}),
			metricWidget(env, "Load balancer: target response time", "", []metric{
				{Namespace: "AWS/ApplicationELB", Name: "TargetResponseTime", Dimensions: d, Stat: "p50", Label: "p50"},
				{Namespace: "AWS/ApplicationELB", Name: "TargetResponseTime", Dimensions: d, Stat: "p99", Label: "p99"},
			}),
		)
		var health []metric
		for _, app := range t.targetGroups {
			tg, ok := env.Observed.String(compose.TargetGroup(app), "status.atProvider.arnSuffix")
			if !ok {
				continue
			}
			dims := [][2]string{{"TargetGroup", tg}, {"LoadBalancer", lb}}
			health = append(health,
				metric{Namespace: "AWS/ApplicationELB", Name: "HealthyHostCount", Dimensions: dims, Label: app + " healthy"},
				metric{Namespace: "AWS/ApplicationELB", Name: "UnHealthyHostCount", Dimensions: dims, Label: app + " unhealthy"},
			)
		}
		if len(health) > 0 {
			more = append(more, metricWidget(env, "Target health", "Minimum", health))
		}
	}
	if dbOK {
		d := [][2]string{{"DBInstanceIdentifier", db}}
		more = append(more,
			metricWidget(env, "Database: CPU and connections", "Average", []metric{
				{Namespace: "AWS/RDS", Name: "CPUUtilization", Dimensions: d},
				{Namespace: "AWS/RDS", Name: "DatabaseConnections", Dimensions: d, Stat: "Maximum"},
			}),
			metricWidget(env, "Database: free memory and storage (bytes)", "Minimum", []metric{
				{Namespace: "AWS/RDS", Name: "FreeableMemory", Dimensions: d},
				{Namespace: "AWS/RDS", Name: "FreeStorageSpace", Dimensions: d},
			}),
		)
	}
	if len(members) > 0 {
		var cpu, mem []metric
		for _, m := range members {
			d := [][2]string{{"CacheClusterId", m}}
			cpu = append(cpu, metric{Namespace: "AWS/ElastiCache", Name: "EngineCPUUtilization", Dimensions: d, Label: m})
			mem = append(mem,
				metric{Namespace: "AWS/ElastiCache", Name: "DatabaseMemoryUsagePercentage", Dimensions: d, Label: m + " memory %"},
				metric{Namespace: "AWS/ElastiCache", Name: "Evictions", Dimensions: d, Stat: "Sum", Label: m + " evictions"},
			)
		}
		more = append(more,
			metricWidget(env, "Cache: Redis engine CPU", "Average", cpu),
			metricWidget(env, "Cache: memory and evictions", "Average", mem),
		)
	}
	more = append(more, metricWidget(env, "EKS control plane: API server requests", "Sum", []metric{
		{Namespace: "AWS/EKS", Name: "apiserver_request_total", Dimensions: [][2]string{cluster}},
		{Namespace: "AWS/EKS", Name: "apiserver_request_total_5XX", Dimensions: [][2]string{cluster}},
		{Namespace: "AWS/EKS", Name: "apiserver_request_total_429", Dimensions: [][2]string{cluster}},
	}))
	if t.email {
		more = append(more, metricWidget(env, "Email (SES, this region)", "Sum", []metric{
			{Namespace: "AWS/SES", Name: "Send"},
			{Namespace: "AWS/SES", Name: "Delivery"},
			{Namespace: "AWS/SES", Name: "Bounce"},
			{Namespace: "AWS/SES", Name: "Complaint"},
		}))
	}
	if len(alarmARNs) > 0 {
		more = append(more, widget{Type: "alarm", Properties: widgetProperties{Title: "Alarms", Alarms: alarmARNs}})
	}

	// Two widgets per row under the full-width seed widget.
	for i := range more {
		more[i].X, more[i].Y = (i%2)*12, 6+(i/2)*6
		more[i].Width, more[i].Height = 12, 6
	}
	ws[0].Height = 6
	return append(ws, more...)
}

func metricWidget(env *compose.Env, title, stat string, ms []metric) widget {
	stacked := false
	return widget{Type: "metric", Properties: widgetProperties{
		Title: title, Region: env.Region, View: "timeSeries", Stacked: &stacked, Period: seedPeriod, Stat: stat, Metrics: ms,
	}}
}

// dashboardResource renders the dashboard. The alarm status widget lists the alarms rendered in this pass
// (their ARNs need the account id).
func dashboardResource(env *compose.Env, t targets, alarms []alarmDef, account string) compose.Result {
	var arns []string
	if account != "" {
		for _, a := range alarms {
			arns = append(arns, env.ARN("cloudwatch", env.Region, account, "alarm:"+alarmName(env, a.part)))
		}
	}
	var res compose.Result
	res.Add(env.NewAWS(dashboard, apiCloudWatch, "Dashboard").Untagged().
		ExternalName(dashboardName(env)).
		ForProvider(map[string]any{"dashboardBody": compose.MustJSON(dashboardBody{Widgets: dashboardWidgets(env, t, arns)})}))
	return res
}
