package cost

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// seedInput is the seed environment (examples/seed-production.yaml) as the function resolves it: the
// values of its status.resolved in test/golden/seed-production/ready.yaml.
func seedInput() Input {
	return Input{
		Region: "us-east-1",
		Spec: v1alpha1.PlatformEnvironmentSpec{
			Profile: "prod", Region: "us-east-1", Domain: "cloudpartner.pro",
			DNS:   v1alpha1.DNSSpec{HealthCheck: v1alpha1.HealthCheckSpec{Path: "/health", FailureThreshold: ct.Ptr(int32(3))}},
			Email: v1alpha1.EmailSpec{Sender: "info@cloudpartner.pro", FallbackRegion: "us-west-2"},
			Applications: []v1alpha1.ApplicationSpec{
				{Name: "backend", EnvFromSecrets: map[string]string{"DATABASE_URL": "database-url", "REDIS_URL": "redis-url", "JWT_SECRET": "jwt-secret"}, Route: &v1alpha1.RouteSpec{PathPatterns: []string{"/api/*"}}},
				{Name: "frontend", Route: &v1alpha1.RouteSpec{Default: true}},
			},
		},
		Resolved: v1alpha1.ResolvedSpec{
			DeletionProtection: true,
			Network:            &v1alpha1.ResolvedNetwork{AvailabilityZones: []string{"us-east-1a", "us-east-1b", "us-east-1c"}, NATGateways: "PerZone"},
			Cluster: &v1alpha1.ResolvedCluster{Version: "1.35", NodeGroup: v1alpha1.ResolvedNodeGroup{
				InstanceTypes: []string{"t3.medium"}, MinSize: 2, DesiredSize: 3, MaxSize: 10, DiskSizeGiB: 50,
			}},
			Database: &v1alpha1.ResolvedDatabase{Engine: "postgres", EngineVersion: "17", InstanceClass: "db.t3.medium",
				AllocatedStorageGiB: 100, MaxAllocatedStorageGiB: 500, MultiAZ: true, PerformanceInsightsRetentionDays: 7},
			Cache:         &v1alpha1.ResolvedCache{Engine: "redis", NodeType: "cache.t3.micro", NumCacheClusters: 1, SnapshotRetentionDays: 7},
			Edge:          &v1alpha1.ResolvedEdge{WAF: true, WAFRateLimit: 2000},
			Observability: &v1alpha1.ResolvedObservability{CloudTrail: true, Compliance: true},
		},
	}
}

// TestSeedEstimate checks the seed's estimate line by line against a table computed by hand: count ×
// unit price (× 730 for hourly prices), the unit prices read from the same price table.
func TestSeedEstimate(t *testing.T) {
	price := func(key, region string) float64 {
		v, ok := Default.Lookup(key, region)
		if !ok {
			t.Fatalf("the price table has no %s in %s", key, region)
		}
		return v
	}
	const h = 730
	want := []struct {
		component, key, region string
		count, hours           float64
	}{
		{"network", "vpc.nat-gateway", "us-east-1", 3, h},                // PerZone: one per zone
		{"network", "vpc.public-ipv4", "us-east-1", 3, h},                // the NAT gateways' Elastic IPs
		{"network", "vpc.gateway-endpoint", "us-east-1", 1, 1},           // S3 gateway endpoint, free
		{"network", "kms.key", "us-east-1", 1, 1},                        // flow-log group encryption
		{"cluster", "eks.cluster.standard", "us-east-1", 1, h},           // 1.35 in standard support until 2027-03-27
		{"cluster", "kms.key", "us-east-1", 1, 1},                        // secrets encryption
		{"nodes", "ec2.t3.medium", "us-east-1", 3, h},                    // desired size 3
		{"nodes", "ebs.gp3", "us-east-1", 3 * 50, 1},                     // 50 GiB per node
		{"database", "rds.postgres.db.t3.medium", "us-east-1", 2, h},     // Multi-AZ: primary and standby
		{"database", "rds.gp3", "us-east-1", 2 * 100, 1},                 // 100 GiB, twice
		{"database", "rds.performance-insights.7d", "us-east-1", 1, 1},   // 7 days: free
		{"database", "kms.key", "us-east-1", 1, 1},                       //
		{"cache", "elasticache.redis.cache.t3.micro", "us-east-1", 1, h}, // one node, as the seed asks
		{"cache", "kms.key", "us-east-1", 1, 1},                          //
		{"edge", "elb.alb", "us-east-1", 1, h},                           //
		{"edge", "vpc.public-ipv4", "us-east-1", 3, h},                   // one per zone
		{"edge", "waf.web-acl", "us-east-1", 1, 1},                       //
		{"edge", "waf.rule", "us-east-1", 1, 1},                          // rate limit
		{"edge", "waf.managed-rule-group", "us-east-1", 3, 1},            // IP reputation, common, known bad inputs
		{"edge", "kms.key", "us-east-1", 1, 1},                           // WAF log group encryption
		{"dns", "route53.zone", "global", 1, 1},                          //
		{"dns", "route53.health-check", "global", 1, 1},                  //
		{"dns", "route53.health-check.feature", "global", 1, 1},          // HTTPS
		{"dns", "cloudwatch.alarm", "us-east-1", 1, 1},                   // the health check's alarm
		{"email", "kms.key", "us-east-1", 1, 1},                          // SES events topic, primary
		{"email", "kms.key", "us-west-2", 1, 1},                          // and fallback region
		{"observability", "cloudwatch.alarm", "us-east-1", 14, 1},        // LB 3 + 2 target groups + DB 4 + cache 3 + SES 2
		{"observability", "cloudwatch.alarm", "us-west-2", 2, 1},         // SES's reputation in the fallback region
		{"observability", "kms.key", "us-west-2", 1, 1},                  // its alarm topic's key
		{"observability", "cloudwatch.dashboard", "us-east-1", 1, 1},     //
		{"observability", "kms.key", "us-east-1", 1, 1},                  //
		{"observability", "cloudtrail.management-events.first-copy", "us-east-1", 1, 1},
		{"apps", "secretsmanager.secret", "us-east-1", 3, 1}, // jwt, database password, cache AUTH token
	}
	e := New(Default, seedInput())
	if len(e.Lines) != len(want) {
		for _, l := range e.Lines {
			t.Logf("%s %s %s %g", l.Component, l.Key, l.Region, l.Count)
		}
		t.Fatalf("%d lines, want %d", len(e.Lines), len(want))
	}
	var total float64
	var table strings.Builder
	for i, w := range want {
		l := e.Lines[i]
		monthly := cents(w.count * w.hours * price(w.key, w.region))
		total += monthly
		per := ""
		if w.hours != 1 {
			per = fmt.Sprintf(" × %g h", w.hours)
		}
		fmt.Fprintf(&table, "%-14s %-40s %-10s %5g%-8s × $%-7g = $%8.2f\n", w.component, w.key, w.region, w.count, per, price(w.key, w.region), monthly)
		if l.Component != w.component || l.Key != w.key || l.Region != w.region || l.Count != w.count || !l.Priced || l.MonthlyUSD != monthly {
			t.Errorf("line %d: got %s %s %s count %g priced %v $%.2f, want %s %s %s count %g $%.2f",
				i, l.Component, l.Key, l.Region, l.Count, l.Priced, l.MonthlyUSD, w.component, w.key, w.region, w.count, monthly)
		}
	}
	got, complete := e.Total()
	if !complete || got != cents(total) {
		t.Errorf("total $%.2f (complete %v), want $%.2f", got, complete, cents(total))
	}
	t.Logf("seed, us-east-1, price table of %s:\n%s%-97s $%8.2f", Default.Date, table.String(), "total", got)
}
