package observability

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// parsedDashboard is the dashboard body as CloudWatch reads it: metrics as plain arrays.
type parsedDashboard struct {
	Widgets []struct {
		Type       string `json:"type"`
		X          int    `json:"x"`
		Y          int    `json:"y"`
		Width      int    `json:"width"`
		Height     int    `json:"height"`
		Properties struct {
			Title   string   `json:"title"`
			Region  string   `json:"region"`
			Period  int      `json:"period"`
			Stat    string   `json:"stat"`
			Metrics [][]any  `json:"metrics"`
			Alarms  []string `json:"alarms"`
		} `json:"properties"`
	} `json:"widgets"`
}

func renderDashboard(t *testing.T, env *compose.Env, domains map[string]string, alarms []alarmDef, acct string) parsedDashboard {
	t.Helper()
	res := dashboardResource(env, findTargets(env, domains, nil), alarms, acct)
	ct.Validate(t, res.Resources)
	d := ct.ByName(res.Resources)[dashboard]
	if compose.ExternalName(d.Object) != dashboardName(env) {
		t.Errorf("external name = %q, want %q", compose.ExternalName(d.Object), dashboardName(env))
	}
	var p parsedDashboard
	if err := json.Unmarshal([]byte(ct.ForProvider(d)["dashboardBody"].(string)), &p); err != nil {
		t.Fatalf("dashboardBody is not JSON: %v", err)
	}
	return p
}

func TestDashboardSeedWidget(t *testing.T) {
	env := testEnv(otherObserved())
	p := renderDashboard(t, env, otherDomains, nil, "")
	seed := p.Widgets[0]
	if seed.Properties.Title != "Application Performance" || seed.Width != 24 || seed.Properties.Period != 300 ||
		seed.Properties.Stat != "Average" || seed.Properties.Region != "us-east-1" {
		t.Errorf("seed widget = %+v", seed)
	}
	lb := "app/team-prod-lb/50dc6c495c0c9188"
	want := [][]any{
		{"AWS/ApplicationELB", "RequestCount", "LoadBalancer", lb, map[string]any{"stat": "Sum"}},
		{"AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb},
		{"AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "team-prod-db-1a2b3c4d"},
		{"AWS/ElastiCache", "CPUUtilization", "CacheClusterId", "team-prod-cache-001"},
		{"AWS/ElastiCache", "CPUUtilization", "CacheClusterId", "team-prod-cache-002"},
		// The seed's AWS/EKS cluster_failed_request_count does not exist; EKS's vended metric does.
		{"AWS/EKS", "apiserver_request_total_5XX", "ClusterName", env.ClusterName(), map[string]any{"stat": "Sum"}},
	}
	if diff := cmp.Diff(want, seed.Properties.Metrics); diff != "" {
		t.Errorf("seed widget metrics (-want +got):\n%s", diff)
	}
}

func TestDashboardGrowsWithObservedDimensions(t *testing.T) {
	cases := map[string]struct {
		reason   string
		observed compose.Observed
		domains  map[string]string
		alarms   []alarmDef
		account  string
		// drop removes observed resources, as a component removed from the environment would be.
		drop       []string
		wantTitles []string
	}{
		"NothingObserved": {
			reason:   "Before anything is observed only metrics without AWS-assigned dimensions show.",
			observed: compose.Observed{}, domains: otherDomains,
			wantTitles: []string{"Application Performance", "EKS control plane: API server requests", "Email (SES, this region)"},
		},
		"Everything": {
			reason:   "Everything observed, alarms rendered: every widget, the alarm status widget last.",
			observed: otherObserved(), domains: otherDomains, account: account,
			alarms: []alarmDef{{part: "high-error-rate"}},
			wantTitles: []string{
				"Application Performance", "Load balancer: requests and errors", "Load balancer: target response time", "Target health",
				"Database: CPU and connections", "Database: free memory and storage (bytes)", "Cache: Redis engine CPU", "Cache: memory and evictions",
				"EKS control plane: API server requests", "Email (SES, this region)", "Alarms",
			},
		},
		"ObservedButNotInEnvironment": {
			reason:   "Without database and cache (neither rendered nor observed) they are not charted; the observed load balancer still is.",
			observed: otherObserved(), domains: map[string]string{}, drop: []string{compose.Database, compose.CacheReplicationGroup},
			wantTitles: []string{"Application Performance", "Load balancer: requests and errors", "Load balancer: target response time", "Target health", "EKS control plane: API server requests"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, n := range tc.drop {
				delete(tc.observed, n)
			}
			env := testEnv(tc.observed)
			p := renderDashboard(t, env, tc.domains, tc.alarms, tc.account)
			var titles []string
			for i, w := range p.Widgets {
				titles = append(titles, w.Properties.Title)
				if i > 0 && (w.Width != 12 || w.Height != 6 || w.X != (i-1)%2*12 || w.Y != 6+(i-1)/2*6) {
					t.Errorf("widget %q at (%d,%d) %dx%d breaks the two-column grid", w.Properties.Title, w.X, w.Y, w.Width, w.Height)
				}
			}
			if diff := cmp.Diff(tc.wantTitles, titles); diff != "" {
				t.Errorf("%s\nwidgets (-want +got):\n%s", tc.reason, diff)
			}
			if tc.account != "" {
				last := p.Widgets[len(p.Widgets)-1]
				want := []string{"arn:aws:cloudwatch:us-east-1:" + account + ":alarm:" + alarmName(env, "high-error-rate")}
				if diff := cmp.Diff(want, last.Properties.Alarms); diff != "" {
					t.Errorf("alarm widget (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestDashboardURL(t *testing.T) {
	env := testEnv(nil)
	want := "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/" + dashboardName(env)
	if got := dashboardURL(env); got != want {
		t.Errorf("dashboardURL = %q, want %q", got, want)
	}
}
