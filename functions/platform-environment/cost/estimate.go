package cost

import (
	"fmt"
	"math"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// Components in build order: every estimate lists all of them, so that two estimates compare line by line.
var Components = []string{"network", "cluster", "nodes", "database", "cache", "edge", "dns", "email", "observability", "apps"}

// Input is what the estimate reads: the spec as filed and the values the function resolved for it.
type Input struct {
	Region   string
	Spec     v1alpha1.PlatformEnvironmentSpec
	Resolved v1alpha1.ResolvedSpec
}

// Line is one fixed-cost dimension of the estimate: count × unit price (× hours for hourly prices).
type Line struct {
	Component string
	// Item says what is counted, e.g. "NAT gateway".
	Item string
	// Key is the price table's dimension; Region the region it is priced in.
	Key    string
	Region string
	// Count of the item (instances, GB, keys, ...); Quantity is Count in the price's unit per month
	// (Count × hours for an hourly price).
	Count    float64
	Quantity float64
	Unit     string
	UnitUSD  float64
	// MonthlyUSD is Quantity × UnitUSD rounded to the cent, as a bill shows it.
	MonthlyUSD float64
	Priced     bool
}

// Estimate is an environment's estimated monthly cost.
type Estimate struct {
	Region    string
	PriceDate string
	Lines     []Line
	Usage     []v1alpha1.CostUsage
	// NotEstimated is what AWS bills on the environment's behalf that the estimate leaves out.
	NotEstimated []string
	// Notes are the assumptions the figures rest on.
	Notes []string
	// known: the price table names the region.
	known bool
}

// Total is the sum of the priced lines; complete is false when a fixed-cost line has no price.
func (e *Estimate) Total() (usd float64, complete bool) {
	complete = true
	for _, l := range e.Lines {
		if !l.Priced {
			complete = false
			continue
		}
		usd += l.MonthlyUSD
	}
	return cents(usd), complete
}

// Priced reports whether the price table has prices of the environment's own region: elsewhere only
// the few prices that are the same everywhere would be found, and a figure made of them would mislead.
func (e *Estimate) Priced() bool { return e.known }

// ByComponent is the monthly cost of the priced lines per component, in build order.
func (e *Estimate) ByComponent() []v1alpha1.CostComponent {
	sum := map[string]float64{}
	for _, l := range e.Lines {
		if l.Priced {
			sum[l.Component] += l.MonthlyUSD
		}
	}
	out := make([]v1alpha1.CostComponent, 0, len(Components))
	for _, c := range Components {
		out = append(out, v1alpha1.CostComponent{Name: c, MonthlyUSD: cents(sum[c])})
	}
	return out
}

// cents rounds to the cent, half up as bills do: first to a millionth, so that a product such as
// 730 × 0.0225 = 16.425 (16.42499… in binary) rounds to 16.43.
func cents(v float64) float64 { return math.Round(math.Round(v*1e6)/1e4) / 100 }

// estimator accumulates the lines of one estimate.
type estimator struct {
	t *Table
	e *Estimate
}

// fixed adds a fixed-cost line: count items of the dimension key, priced in region.
func (x *estimator) fixed(component, item, key, region string, count float64) {
	if count <= 0 {
		return
	}
	p, known := x.t.Prices[key]
	unit := "month"
	if known {
		unit = p.Unit
	}
	qty := count
	if unit == "hour" {
		qty = count * x.t.HoursPerMonth
	}
	l := Line{Component: component, Item: item, Key: key, Region: region, Count: count, Quantity: qty, Unit: unit}
	if v, ok := x.t.Lookup(key, region); ok {
		l.Priced, l.UnitUSD, l.MonthlyUSD = true, v, cents(qty*v)
	}
	x.e.Lines = append(x.e.Lines, l)
}

// usage lists a usage-based dimension with its unit price in region (if the table has one).
func (x *estimator) usage(component, name, key, region, assumption string) {
	x.usageIn(component, name, key, region, assumption, "")
}

// usageIn is usage with the unit to show where the table has no price for the dimension.
func (x *estimator) usageIn(component, name, key, region, assumption, unit string) {
	u := v1alpha1.CostUsage{Name: name, Component: component, Assumption: assumption}
	if p, ok := x.t.Prices[key]; ok {
		u.Unit = p.Unit
	}
	if v, ok := x.t.Lookup(key, region); ok {
		v := v
		u.UnitUSD = &v
	}
	if u.Unit == "" {
		u.Unit = unit
	}
	x.e.Usage = append(x.e.Usage, u)
}

// zeroUse is the assumption of every usage-based dimension: the estimate is of fixed costs only.
const zeroUse = "0 (fixed costs only)"

// New estimates the environment's monthly cost from the price table t. It never fails: what the table
// cannot price is listed as not priced.
func New(t *Table, in Input) *Estimate {
	x := &estimator{t: t, e: &Estimate{Region: in.Region, PriceDate: t.Date, known: t.Knows(in.Region)}}
	r := in.Resolved
	region := in.Region
	zones := 0
	if r.Network != nil {
		zones = len(r.Network.AvailabilityZones)
		network(x, region, *r.Network)
	}
	if r.Cluster != nil {
		cluster(x, region, *r.Cluster)
	}
	if r.Database != nil {
		database(x, region, *r.Database)
	}
	nodes := 0
	if r.Cache != nil {
		nodes = int(r.Cache.NumCacheClusters)
		cache(x, region, *r.Cache)
	}
	if r.Edge != nil {
		edge(x, region, *r.Edge, zones)
	}
	dnsOn := dns(x, region, in.Spec)
	emailRegions := email(x, region, in.Spec)
	observability(x, region, in, nodes, emailRegions)
	apps(x, region, in.Spec)
	if dnsOn {
		x.e.Notes = append(x.e.Notes, "Route 53 is global; the health check's alarm is priced in us-east-1, where Route 53 publishes its metrics")
	}
	x.e.NotEstimated = append(x.e.NotEstimated,
		"the RDS-managed master user secret (Secrets Manager, created by RDS)",
		"log groups AWS creates for RDS (PostgreSQL logs, Enhanced Monitoring) and EKS (control-plane logs) and their ingestion",
		"AWS Config rule evaluations and configuration items (the account's recorder)",
		"data transfer between zones and to the internet",
		"KMS key rotation: each yearly rotation adds $1/month per key (the estimate is of the first year)",
		"the autoscaler's nodes above the node group's desired size, and a replaced node group while both run",
		"EBS volumes and load balancers that the applications create through Kubernetes")
	return x.e
}

func network(x *estimator, region string, n v1alpha1.ResolvedNetwork) {
	nat := 1
	if n.NATGateways != "Single" {
		nat = len(n.AvailabilityZones)
	}
	x.fixed("network", "NAT gateway", "vpc.nat-gateway", region, float64(nat))
	x.fixed("network", "public IPv4 address of a NAT gateway (Elastic IP)", "vpc.public-ipv4", region, float64(nat))
	x.fixed("network", "S3 gateway endpoint", "vpc.gateway-endpoint", region, 1)
	x.fixed("network", "KMS key (flow-log group encryption)", "kms.key", region, 1)
	x.usage("network", "NAT gateway data processed", "vpc.nat-gateway.data", region, zeroUse)
	x.usage("network", "VPC flow logs ingested into CloudWatch Logs", "cloudwatch.logs.ingestion", region, zeroUse)
}

func cluster(x *estimator, region string, c v1alpha1.ResolvedCluster) {
	key, item := "eks.cluster.standard", "EKS control plane, Kubernetes "+c.Version+" (standard support)"
	if eoss, ok := x.t.EKSVersions[c.Version]; ok {
		if x.t.Date >= eoss {
			key, item = "eks.cluster.extended", "EKS control plane, Kubernetes "+c.Version+" (extended support since "+eoss+")"
		} else {
			item = "EKS control plane, Kubernetes " + c.Version + " (standard support until " + eoss + ")"
			if p, ok := x.t.Lookup("eks.cluster.extended", region); ok {
				x.e.Notes = append(x.e.Notes, fmt.Sprintf("Kubernetes %s leaves EKS standard support on %s: the control plane then costs $%.2f/hour until upgraded", c.Version, eoss, p))
			}
		}
	}
	x.fixed("cluster", item, key, region, 1)
	x.fixed("cluster", "KMS key (Kubernetes secrets)", "kms.key", region, 1)

	ng := c.NodeGroup
	if len(ng.InstanceTypes) > 0 {
		first := ng.InstanceTypes[0]
		x.fixed("nodes", fmt.Sprintf("EC2 %s node (desired size %d)", first, ng.DesiredSize), "ec2."+first, region, float64(ng.DesiredSize))
		if len(ng.InstanceTypes) > 1 {
			x.e.Notes = append(x.e.Notes, fmt.Sprintf("nodes priced as %s, the first of %s: EKS fills on-demand capacity in list order", first, strings.Join(ng.InstanceTypes, ", ")))
		}
	}
	x.fixed("nodes", fmt.Sprintf("EBS gp3 root volume, %d GiB per node", ng.DiskSizeGiB), "ebs.gp3", region, float64(ng.DesiredSize)*float64(ng.DiskSizeGiB))
	x.e.Notes = append(x.e.Notes, fmt.Sprintf("nodes at the node group's desired size %d (the autoscaler may run up to %d)", ng.DesiredSize, ng.MaxSize))
}

func database(x *estimator, region string, d v1alpha1.ResolvedDatabase) {
	// Multi-AZ bills the standby too: instance-hours and storage for both (aws-rds-multi-az).
	copies, az := 1.0, "Single-AZ"
	if d.MultiAZ {
		copies, az = 2, "Multi-AZ: primary and standby"
	}
	x.fixed("database", fmt.Sprintf("RDS %s %s (%s)", d.Engine, d.InstanceClass, az), "rds."+d.Engine+"."+d.InstanceClass, region, copies)
	x.fixed("database", fmt.Sprintf("RDS gp3 storage, %d GiB allocated (%s)", d.AllocatedStorageGiB, az), "rds.gp3", region, copies*float64(d.AllocatedStorageGiB))
	if d.PerformanceInsightsRetentionDays <= 7 {
		x.fixed("database", "Performance Insights, 7 days of history", "rds.performance-insights.7d", region, 1)
	} else {
		x.fixed("database", fmt.Sprintf("Performance Insights, %d days of history", d.PerformanceInsightsRetentionDays), "rds.performance-insights.long-term", region, 1)
	}
	x.fixed("database", "KMS key (storage encryption)", "kms.key", region, 1)
	x.usage("database", "RDS storage grown by autoscaling", "rds.gp3", region, fmt.Sprintf("0 GiB above the %d allocated (autoscaling may grow it to %d)", d.AllocatedStorageGiB, d.MaxAllocatedStorageGiB))
	x.usage("database", "RDS backup storage beyond the allocated size", "rds.backup-storage", region, zeroUse)
}

func cache(x *estimator, region string, c v1alpha1.ResolvedCache) {
	x.fixed("cache", fmt.Sprintf("ElastiCache %s %s node", c.Engine, c.NodeType), "elasticache."+c.Engine+"."+c.NodeType, region, float64(c.NumCacheClusters))
	x.fixed("cache", "KMS key (encryption at rest)", "kms.key", region, 1)
	if c.SnapshotRetentionDays > 0 {
		x.usage("cache", "ElastiCache backup storage beyond one free snapshot", "elasticache.backup-storage", region, zeroUse)
	}
}

func edge(x *estimator, region string, e v1alpha1.ResolvedEdge, zones int) {
	x.fixed("edge", "Application Load Balancer", "elb.alb", region, 1)
	// An internet-facing ALB has a public IPv4 address in each of its zones, more when it scales out.
	x.fixed("edge", "public IPv4 address of the load balancer, one per zone", "vpc.public-ipv4", region, float64(zones))
	x.usage("edge", "load balancer capacity units", "elb.alb.lcu", region, zeroUse)
	if e.WAF {
		x.fixed("edge", "WAF web ACL", "waf.web-acl", region, 1)
		x.fixed("edge", "WAF rule (per-IP rate limit)", "waf.rule", region, 1)
		x.fixed("edge", "WAF AWS managed rule group", "waf.managed-rule-group", region, float64(wafManagedRuleGroups))
		x.usage("edge", "WAF requests", "waf.requests", region, zeroUse)
		x.fixed("edge", "KMS key (WAF log group encryption)", "kms.key", region, 1)
		x.usage("edge", "WAF logs ingested into CloudWatch Logs", "cloudwatch.logs.ingestion", region, zeroUse)
	}
	x.usage("edge", "load balancer access logs in S3", "s3.standard.storage", region, zeroUse)
}

// wafManagedRuleGroups is the number of AWS managed rule groups in the web ACL (edge's managedRuleGroups).
const wafManagedRuleGroups = 3

// dns counts the hosted zone and the health check (both need spec.domain).
func dns(x *estimator, region string, spec v1alpha1.PlatformEnvironmentSpec) bool {
	if spec.Domain == "" {
		return false
	}
	if spec.DNS.ZoneID == "" {
		x.fixed("dns", "Route 53 hosted zone", "route53.zone", "global", 1)
	}
	x.usageIn("dns", "Route 53 queries", "route53.queries", "global", zeroUse, "1M queries")
	if hc := spec.DNS.HealthCheck; hc.Enabled == nil || *hc.Enabled {
		features := 1.0 // HTTPS
		what := "HTTPS"
		if hc.RequestIntervalSeconds != nil && *hc.RequestIntervalSeconds == 10 {
			features, what = 2, "HTTPS and fast interval"
		}
		x.fixed("dns", "Route 53 health check of an AWS endpoint", "route53.health-check", "global", 1)
		x.fixed("dns", "Route 53 health check optional features ("+what+")", "route53.health-check.feature", "global", features)
		x.fixed("dns", "CloudWatch alarm on the health check (us-east-1)", "cloudwatch.alarm", "us-east-1", 1)
		if region != "us-east-1" {
			// Elsewhere the alarm notifies a topic of its own in us-east-1, encrypted with its own key.
			x.fixed("dns", "KMS key of the health check's alarm topic (us-east-1)", "kms.key", "us-east-1", 1)
		}
	}
	return true
}

// email counts a KMS key per sending region (the events topic's); SES bills per message.
func email(x *estimator, region string, spec v1alpha1.PlatformEnvironmentSpec) []string {
	enabled := spec.Domain != ""
	if spec.Email.Enabled != nil {
		enabled = *spec.Email.Enabled
	}
	if !enabled || spec.Domain == "" {
		return nil
	}
	regions := []string{region}
	if fb := spec.Email.FallbackRegion; fb != "" && fb != region {
		regions = append(regions, fb)
	}
	for _, r := range regions {
		x.fixed("email", "KMS key of the SES events topic ("+r+")", "kms.key", r, 1)
		x.usageIn("email", "SES messages sent from "+r, "ses.messages", r, zeroUse, "1,000 messages")
	}
	return regions
}

func observability(x *estimator, region string, in Input, cacheNodes int, emailRegions []string) {
	email := len(emailRegions) > 0
	// The alarms observability renders when everything is observed: the load balancer's three and one per
	// routed application, the database's four, three per cache node and SES's two.
	alarms := 4 + 3*cacheNodes
	if in.Resolved.Edge != nil {
		alarms += 3
		for _, a := range in.Spec.Applications {
			if a.Route != nil {
				alarms++
			}
		}
	}
	if email {
		alarms += 2
	}
	x.fixed("observability", "CloudWatch metric alarm (standard resolution)", "cloudwatch.alarm", region, float64(alarms))
	// SES's fallback region gets its own two reputation alarms and their topic's key there.
	for _, r := range emailRegions {
		if r != region {
			x.fixed("observability", "CloudWatch metric alarm of SES's reputation in "+r, "cloudwatch.alarm", r, 2)
			x.fixed("observability", "KMS key of the SES reputation alarm topic ("+r+")", "kms.key", r, 1)
		}
	}
	x.fixed("observability", "CloudWatch dashboard", "cloudwatch.dashboard", region, 1)
	x.fixed("observability", "KMS key (alarm topic and log groups)", "kms.key", region, 1)
	x.usage("observability", "CloudWatch Logs ingestion (application, cluster, flow and trail logs)", "cloudwatch.logs.ingestion", region, zeroUse)
	x.usage("observability", "CloudWatch Logs storage", "cloudwatch.logs.storage", region, zeroUse)
	if o := in.Resolved.Observability; o != nil && o.CloudTrail {
		x.fixed("observability", "CloudTrail trail, first copy of management events", "cloudtrail.management-events.first-copy", region, 1)
		x.usage("observability", "CloudTrail log files in S3", "s3.standard.storage", region, zeroUse)
		x.e.Notes = append(x.e.Notes, "CloudTrail is free as the account's first copy of management events in each region; where another trail already records them, this copy costs $2.00 per 100,000 events")
	}
}

// apps counts the Secrets Manager secrets apps creates: the JWT key and the applications' database password
// when an application reads them, the cache AUTH token when an application or the smoke test reads it.
func apps(x *estimator, region string, spec v1alpha1.PlatformEnvironmentSpec) {
	eso := spec.Addons.ExternalSecrets.Enabled == nil || *spec.Addons.ExternalSecrets.Enabled
	if !eso {
		return
	}
	uses := map[string]bool{}
	for _, a := range spec.Applications {
		for _, v := range a.EnvFromSecrets {
			uses[v] = true
		}
	}
	n := 0
	for _, k := range []string{"jwt-secret", "database-url"} {
		if uses[k] {
			n++
		}
	}
	if uses["redis-url"] || spec.Addons.SmokeTest.Enabled == nil || *spec.Addons.SmokeTest.Enabled {
		n++
	}
	x.fixed("apps", "Secrets Manager secret", "secretsmanager.secret", region, float64(n))
	x.usage("apps", "Secrets Manager API requests", "secretsmanager.api", region, zeroUse)
}
