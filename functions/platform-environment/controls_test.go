package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Security controls as tests. Each AWS Foundational Security Best Practices (FSBP) control that applies to
// what the function renders is a named subtest over the desired state of a running environment (every
// resource observed Ready), for the prod-profile example, the seed and dev. A control fails when a rendered
// object violates it; where an example asks for less on purpose, the exception is named below with its
// reason, and the test checks that the exception is still needed (a stale exception fails too).
// docs/security.md lists the controls and where each is enforced.

// controlExamples are the examples under control, each walked to its fully observed stage.
var controlExamples = []string{"prod", "seed-production", "dev"}

// controlExceptions are the controls an example breaks on purpose, with the reason.
var controlExceptions = map[string]map[string]string{
	"prod": {
		"EKS.1": "the public endpoint is on, limited to spec.cluster.endpointPublicAccessCidrs: Crossplane deploys the applications through it (the prod profile requires the list); EKS.1's Config rule fails any public endpoint. Private-only: leave the list empty (dev, staging) and run Crossplane where it reaches the VPC",
	},
	"seed-production": {
		"EKS.1":         "the public endpoint is on, limited to spec.cluster.endpointPublicAccessCidrs: Crossplane deploys the applications through it (the prod profile requires the list); EKS.1's Config rule fails any public endpoint. Private-only: leave the list empty (dev, staging) and run Crossplane where it reaches the VPC",
		"ElastiCache.3": "the seed asks for one cache.t3.micro node (numCacheClusters: 1): no replica to fail over to; the prod profile's default is two nodes with automatic failover",
	},
	"dev": {
		"EKS.1":          "the public endpoint is on, limited to spec.cluster.endpointPublicAccessCidrs: Crossplane deploys the applications through it (the prod profile requires the list); EKS.1's Config rule fails any public endpoint. Private-only: leave the list empty (dev, staging) and run Crossplane where it reaches the VPC",
		"ElastiCache.3":  "the dev profile runs one cache node (cost); nothing to fail over to",
		"RDS.5":          "the dev profile runs a single-AZ instance (cost); dev data is disposable",
		"RDS.8":          "the dev profile tears down completely on delete (deletionProtection defaults to false off prod)",
		"RDS.11":         "the dev profile keeps automated backups 1 day (enabled, but below FSBP's 7-day minimum): cost",
		"Logs.Retention": "the dev profile keeps logs 30 days (cost); prod keeps them 365",
	},
}

// controlNotApplicable are the controls with nothing to check in an example, with the reason.
var controlNotApplicable = map[string]map[string]string{
	"dev": {
		"ELB.1":        "no spec.domain: no load balancer (the applications are reached inside the cluster)",
		"ELB.4":        "no spec.domain: no load balancer",
		"ELB.5":        "no spec.domain: no load balancer",
		"ELB.6":        "no spec.domain: no load balancer",
		"ELB.TLS13":    "no spec.domain: no HTTPS listener",
		"WAF.Managed":  "no spec.domain: no load balancer to protect",
		"WAF.11":       "no spec.domain: no web ACL to log",
		"CloudTrail.1": "the dev profile renders no trail (the account's organization trail covers it)",
		"CloudTrail.2": "the dev profile renders no trail",
		"CloudTrail.4": "the dev profile renders no trail",
	},
}

// control is one security control: check returns how many objects it examined and every violation.
type control struct {
	id, title string
	check     func(e *controlEnv) (subjects int, violations []string)
}

// controlEnv is the rendered environment the controls look at.
type controlEnv struct {
	// desired by composition resource name, and observed (the walk's last observed state).
	desired, observed map[string]map[string]any
}

// renderReady walks an example to its fully observed stage and renders once more: the desired state
// Crossplane would apply to a running environment, and the observed state it was rendered from.
func renderReady(t testing.TB, xr map[string]any) (desired, observed map[string]map[string]any) {
	t.Helper()
	observed, _ = walk(t, xr, func(string) bool { return true })
	rsp := run(t, xr, observed)
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	desired = map[string]map[string]any{}
	for name, r := range rsp.GetDesired().GetResources() {
		desired[name] = r.GetResource().AsMap()
	}
	return desired, observed
}

// obj is one desired object with its composition resource name.
type obj struct {
	name string
	m    map[string]any
}

// fp returns spec.forProvider.
func (o obj) fp() map[string]any { return mapAt(o.m, "spec", "forProvider") }

// of returns the desired objects of an API group (without version) and kind, by name.
func (e *controlEnv) of(group, kind string) []obj {
	var out []obj
	for _, n := range sortedNames(e.desired) {
		o := e.desired[n]
		api, _ := o["apiVersion"].(string)
		if strings.SplitN(api, "/", 2)[0] == group && o["kind"] == kind {
			out = append(out, obj{name: n, m: o})
		}
	}
	return out
}

// metadataName returns the metadata.name of a composition resource, for matching refs.
func (e *controlEnv) metadataName(name string) string {
	s, _ := mapAt(e.desired[name], "metadata")["name"].(string)
	return s
}

// sortedNames returns m's keys in order, for deterministic iteration.
func sortedNames[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// mapAt returns the map at a path, or an empty map.
func mapAt(m map[string]any, path ...string) map[string]any {
	cur := m
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return map[string]any{}
		}
		cur = next
	}
	if cur == nil {
		return map[string]any{}
	}
	return cur
}

// truthy reads a boolean that provider-aws types as a bool or, for some fields, a string ("true").
func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}

// num reads a number (JSON numbers decode as float64).
func num(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case int32:
		return float64(n)
	}
	return -1
}

// strs reads a string or a list of strings (IAM's Action, Resource, ...).
func strs(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
	case []any:
		out := make([]string, 0, len(s))
		for _, x := range s {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// each runs a per-object check and collects violations prefixed with the object's name.
func each(objs []obj, check func(o obj) string) (int, []string) {
	var v []string
	for _, o := range objs {
		if msg := check(o); msg != "" {
			v = append(v, o.name+": "+msg)
		}
	}
	return len(objs), v
}

// policyDocs finds every IAM policy document in the desired AWS objects: every string field under
// forProvider that parses as a JSON object with a Statement (role trust and inline policies, managed
// policies, KMS key policies, bucket and topic policies, ...). A field named like a policy that does not
// parse is reported as a violation.
func (e *controlEnv) policyDocs() (docs map[string]map[string]any, violations []string) {
	docs = map[string]map[string]any{}
	for _, n := range sortedNames(e.desired) {
		o := e.desired[n]
		api, _ := o["apiVersion"].(string)
		if !strings.Contains(api, ".aws.m.upbound.io/") {
			continue
		}
		var visit func(path string, v any)
		visit = func(path string, v any) {
			switch t := v.(type) {
			case map[string]any:
				for _, k := range sortedNames(t) {
					visit(path+"."+k, t[k])
				}
			case []any:
				for i, x := range t {
					visit(fmt.Sprintf("%s[%d]", path, i), x)
				}
			case string:
				trimmed := strings.TrimSpace(t)
				named := strings.HasSuffix(path, ".policy") || strings.HasSuffix(path, ".assumeRolePolicy")
				if !named && !(strings.HasPrefix(trimmed, "{") && strings.Contains(trimmed, `"Statement"`)) {
					return
				}
				doc := map[string]any{}
				if err := json.Unmarshal([]byte(trimmed), &doc); err != nil || doc["Statement"] == nil {
					violations = append(violations, fmt.Sprintf("%s%s: not a JSON policy document (%v)", n, path, err))
					return
				}
				docs[n+path] = doc
			}
		}
		visit("", mapAt(o, "spec", "forProvider"))
	}
	return docs, violations
}

// statements returns a policy document's statements (a single statement may be an object).
func statements(doc map[string]any) []map[string]any {
	switch s := doc["Statement"].(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		out := make([]map[string]any, 0, len(s))
		for _, x := range s {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// openIngress reports whether an ingress source is the whole internet.
func openIngress(fp map[string]any) bool {
	if fp["cidrIpv4"] == "0.0.0.0/0" || fp["cidrIpv6"] == "::/0" {
		return true
	}
	for _, c := range append(strs(fp["cidrBlocks"]), strs(fp["ipv6CidrBlocks"])...) {
		if c == "0.0.0.0/0" || c == "::/0" {
			return true
		}
	}
	return false
}

// refName reads a ...Ref's name.
func refName(fp map[string]any, field string) string {
	s, _ := mapAt(fp, field)["name"].(string)
	return s
}

var controls = []control{
	{id: "EC2.2", title: "the VPC's default security group allows no traffic", check: func(e *controlEnv) (int, []string) {
		vpcs := e.of("ec2.aws.m.upbound.io", "VPC")
		var v []string
		for _, vpc := range vpcs {
			found := false
			for _, d := range e.of("ec2.aws.m.upbound.io", "DefaultSecurityGroup") {
				if refName(d.fp(), "vpcIdRef") != e.metadataName(vpc.name) {
					continue
				}
				found = true
				// The provider removes every rule not listed: empty lists mean no rules at all.
				in, inOK := d.fp()["ingress"].([]any)
				out, outOK := d.fp()["egress"].([]any)
				if !inOK || !outOK || len(in) != 0 || len(out) != 0 {
					v = append(v, d.name+": ingress and egress must both be empty lists")
				}
			}
			if !found {
				v = append(v, vpc.name+": no DefaultSecurityGroup takes over the VPC's default security group")
			}
		}
		return len(vpcs), v
	}},
	{id: "EC2.6", title: "VPC flow logging is on for all traffic", check: func(e *controlEnv) (int, []string) {
		vpcs := e.of("ec2.aws.m.upbound.io", "VPC")
		var v []string
		for _, vpc := range vpcs {
			found := false
			for _, f := range e.of("ec2.aws.m.upbound.io", "FlowLog") {
				if refName(f.fp(), "vpcIdRef") == e.metadataName(vpc.name) && f.fp()["trafficType"] == "ALL" {
					found = true
				}
			}
			if !found {
				v = append(v, vpc.name+": no FlowLog with trafficType ALL")
			}
		}
		return len(vpcs), v
	}},
	{id: "EC2.18", title: "unrestricted ingress only on authorized ports (80, 443) of the load balancer", check: func(e *controlEnv) (int, []string) {
		return openIngressRules(e, func(o obj, from, to float64) string {
			if refName(o.fp(), "securityGroupIdRef") != e.metadataName(compose.SecurityGroupALB) {
				return "0.0.0.0/0 ingress on a security group other than the load balancer's"
			}
			if !(from == to && (from == 80 || from == 443)) || o.fp()["ipProtocol"] != "tcp" {
				return fmt.Sprintf("0.0.0.0/0 ingress on %v-%v/%v; only tcp 80 and 443 are authorized", from, to, o.fp()["ipProtocol"])
			}
			return ""
		})
	}},
	{id: "EC2.19", title: "no unrestricted ingress to high-risk ports", check: func(e *controlEnv) (int, []string) {
		highRisk := []float64{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 6379, 8080, 8088, 8888, 9200, 9300, 11211, 27017}
		return openIngressRules(e, func(o obj, from, to float64) string {
			if o.fp()["ipProtocol"] == "-1" {
				return "0.0.0.0/0 ingress on all protocols"
			}
			for _, p := range highRisk {
				if from <= p && p <= to {
					return fmt.Sprintf("0.0.0.0/0 ingress reaches high-risk port %v", p)
				}
			}
			return ""
		})
	}},
	// EKS.1 is Security Hub's control as its Config rule (eks-endpoint-no-public-access) judges it: any
	// public endpoint fails, CIDR-limited or not. Every example lists CIDRs (Crossplane deploys the
	// applications through the public endpoint), so it is an exception for each; EKS.PublicRestricted is
	// what the package enforces instead.
	{id: "EKS.1", title: "the cluster endpoint is not publicly accessible", check: func(e *controlEnv) (int, []string) {
		return each(e.of("eks.aws.m.upbound.io", "Cluster"), func(o obj) string {
			vpc := mapAt(o.fp(), "vpcConfig")
			if !truthy(vpc["endpointPrivateAccess"]) {
				return "endpointPrivateAccess must be true"
			}
			if truthy(vpc["endpointPublicAccess"]) {
				return fmt.Sprintf("public endpoint on (limited to %v)", strs(vpc["publicAccessCidrs"]))
			}
			return ""
		})
	}},
	{id: "EKS.PublicRestricted", title: "the cluster endpoint is private or restricted to listed CIDRs", check: func(e *controlEnv) (int, []string) {
		return each(e.of("eks.aws.m.upbound.io", "Cluster"), func(o obj) string {
			vpc := mapAt(o.fp(), "vpcConfig")
			if !truthy(vpc["endpointPrivateAccess"]) {
				return "endpointPrivateAccess must be true"
			}
			if !truthy(vpc["endpointPublicAccess"]) {
				return ""
			}
			cidrs := strs(vpc["publicAccessCidrs"])
			if len(cidrs) == 0 || contains(cidrs, "0.0.0.0/0") {
				return fmt.Sprintf("public endpoint open to %v; list the CIDRs that may reach it", cidrs)
			}
			return ""
		})
	}},
	{id: "EKS.3", title: "Kubernetes secrets are encrypted with a KMS key", check: func(e *controlEnv) (int, []string) {
		return each(e.of("eks.aws.m.upbound.io", "Cluster"), func(o obj) string {
			var enc []any
			switch c := o.fp()["encryptionConfig"].(type) {
			case map[string]any:
				enc = []any{c}
			case []any:
				enc = c
			}
			for _, c := range enc {
				cm, _ := c.(map[string]any)
				p := mapAt(cm, "provider")
				if contains(strs(cm["resources"]), "secrets") && (p["keyArn"] != nil || p["keyArnRef"] != nil) {
					return ""
				}
			}
			return "no encryptionConfig for secrets with a KMS key"
		})
	}},
	{id: "EKS.8", title: "all control-plane log types are enabled", check: func(e *controlEnv) (int, []string) {
		return each(e.of("eks.aws.m.upbound.io", "Cluster"), func(o obj) string {
			got := strs(o.fp()["enabledClusterLogTypes"])
			for _, want := range []string{"api", "audit", "authenticator", "controllerManager", "scheduler"} {
				if !contains(got, want) {
					return "enabledClusterLogTypes lacks " + want
				}
			}
			return ""
		})
	}},
	{id: "RDS.2", title: "DB instances are not publicly accessible", check: rdsCheck(func(fp map[string]any) string {
		if v, ok := fp["publiclyAccessible"].(bool); !ok || v {
			return "publiclyAccessible must be false"
		}
		return ""
	})},
	{id: "RDS.3", title: "DB instances are encrypted at rest", check: rdsCheck(func(fp map[string]any) string {
		if !truthy(fp["storageEncrypted"]) || (fp["kmsKeyId"] == nil && fp["kmsKeyIdRef"] == nil) {
			return "storageEncrypted with a customer-managed KMS key"
		}
		return ""
	})},
	{id: "RDS.5", title: "DB instances are Multi-AZ", check: rdsCheck(func(fp map[string]any) string {
		if !truthy(fp["multiAz"]) {
			return "multiAz must be true"
		}
		return ""
	})},
	{id: "RDS.8", title: "DB instances have deletion protection", check: rdsCheck(func(fp map[string]any) string {
		if !truthy(fp["deletionProtection"]) {
			return "deletionProtection must be true"
		}
		return ""
	})},
	{id: "RDS.9", title: "DB instances publish their logs to CloudWatch Logs", check: rdsCheck(func(fp map[string]any) string {
		got := strs(fp["enabledCloudwatchLogsExports"])
		for _, want := range []string{"postgresql", "upgrade"} {
			if !contains(got, want) {
				return "enabledCloudwatchLogsExports lacks " + want
			}
		}
		return ""
	})},
	{id: "RDS.11", title: "automated backups are kept at least 7 days", check: rdsCheck(func(fp map[string]any) string {
		if n := num(fp["backupRetentionPeriod"]); n < 7 {
			return fmt.Sprintf("backupRetentionPeriod %v < 7", n)
		}
		return ""
	})},
	{id: "RDS.13", title: "automatic minor version upgrades are on", check: rdsCheck(func(fp map[string]any) string {
		if !truthy(fp["autoMinorVersionUpgrade"]) {
			return "autoMinorVersionUpgrade must be true"
		}
		return ""
	})},
	{id: "RDS.17", title: "DB instances copy tags to snapshots", check: rdsCheck(func(fp map[string]any) string {
		if !truthy(fp["copyTagsToSnapshot"]) {
			return "copyTagsToSnapshot must be true"
		}
		return ""
	})},
	{id: "ElastiCache.1", title: "automatic backups are on", check: cacheCheck(func(fp map[string]any) string {
		if n := num(fp["snapshotRetentionLimit"]); n < 1 {
			return fmt.Sprintf("snapshotRetentionLimit %v < 1", n)
		}
		return ""
	})},
	{id: "ElastiCache.2", title: "automatic minor version upgrades are on", check: cacheCheck(func(fp map[string]any) string {
		// provider-aws v2 types autoMinorVersionUpgrade as a string; unset means AWS's default (true).
		if v, ok := fp["autoMinorVersionUpgrade"]; ok && !truthy(v) {
			return "autoMinorVersionUpgrade must be true"
		}
		return ""
	})},
	{id: "ElastiCache.3", title: "replication groups fail over automatically", check: cacheCheck(func(fp map[string]any) string {
		if !truthy(fp["automaticFailoverEnabled"]) {
			return fmt.Sprintf("automaticFailoverEnabled must be true (numCacheClusters %v)", fp["numCacheClusters"])
		}
		return ""
	})},
	{id: "ElastiCache.4", title: "replication groups are encrypted at rest", check: cacheCheck(func(fp map[string]any) string {
		if !truthy(fp["atRestEncryptionEnabled"]) || (fp["kmsKeyId"] == nil && fp["kmsKeyIdRef"] == nil) {
			return "atRestEncryptionEnabled with a customer-managed KMS key"
		}
		return ""
	})},
	{id: "ElastiCache.5", title: "replication groups are encrypted in transit", check: cacheCheck(func(fp map[string]any) string {
		if !truthy(fp["transitEncryptionEnabled"]) {
			return "transitEncryptionEnabled must be true"
		}
		if m, ok := fp["transitEncryptionMode"]; ok && m != "required" {
			return "transitEncryptionMode must be required"
		}
		return ""
	})},
	{id: "ElastiCache.6", title: "Redis AUTH (or RBAC) is on", check: cacheCheck(func(fp map[string]any) string {
		if fp["authTokenSecretRef"] == nil && !truthy(fp["autoGenerateAuthToken"]) && fp["userGroupIds"] == nil {
			return "no AUTH token and no user group"
		}
		return ""
	})},
	{id: "ELB.1", title: "HTTP listeners redirect to HTTPS", check: func(e *controlEnv) (int, []string) {
		var n int
		var v []string
		http := map[string]bool{}
		for _, l := range e.of("elbv2.aws.m.upbound.io", "LBListener") {
			if l.fp()["protocol"] != "HTTP" {
				continue
			}
			n++
			http[e.metadataName(l.name)] = true
			actions, _ := l.fp()["defaultAction"].([]any)
			if len(actions) == 0 {
				v = append(v, l.name+": no default action")
			}
			for _, a := range actions {
				am, _ := a.(map[string]any)
				if am["type"] != "redirect" || mapAt(am, "redirect")["protocol"] != "HTTPS" {
					v = append(v, l.name+": the HTTP listener's default action must redirect to HTTPS")
				}
			}
		}
		for _, r := range e.of("elbv2.aws.m.upbound.io", "LBListenerRule") {
			if http[refName(r.fp(), "listenerArnRef")] {
				v = append(v, r.name+": a rule on the HTTP listener would serve plain HTTP")
			}
		}
		return n, v
	}},
	{id: "ELB.4", title: "load balancers drop invalid HTTP headers", check: lbCheck(func(fp map[string]any) string {
		if !truthy(fp["dropInvalidHeaderFields"]) {
			return "dropInvalidHeaderFields must be true"
		}
		return ""
	})},
	{id: "ELB.5", title: "load balancer access logs are on", check: lbCheck(func(fp map[string]any) string {
		al := mapAt(fp, "accessLogs")
		if !truthy(al["enabled"]) || (al["bucket"] == nil && al["bucketRef"] == nil) {
			return "accessLogs must be enabled with a bucket"
		}
		return ""
	})},
	{id: "ELB.6", title: "load balancers have deletion protection", check: lbCheck(func(fp map[string]any) string {
		if !truthy(fp["enableDeletionProtection"]) {
			return "enableDeletionProtection must be true"
		}
		return ""
	})},
	{id: "ELB.TLS13", title: "HTTPS listeners use a TLS 1.3 security policy", check: func(e *controlEnv) (int, []string) {
		var n int
		var v []string
		for _, l := range e.of("elbv2.aws.m.upbound.io", "LBListener") {
			if l.fp()["protocol"] != "HTTPS" {
				continue
			}
			n++
			p, _ := l.fp()["sslPolicy"].(string)
			if !strings.HasPrefix(p, "ELBSecurityPolicy-TLS13-") {
				v = append(v, fmt.Sprintf("%s: sslPolicy %q is not a TLS 1.3 policy", l.name, p))
			}
		}
		return n, v
	}},
	{id: "WAF.Managed", title: "a WebACL with AWS managed rule groups protects every internet-facing load balancer", check: func(e *controlEnv) (int, []string) {
		var v []string
		lbs := e.of("elbv2.aws.m.upbound.io", "LB")
		acls := map[string][]string{} // WebACL metadata.name → managed rule groups
		for _, w := range e.of("wafv2.aws.m.upbound.io", "WebACL") {
			var rules []map[string]any
			if err := json.Unmarshal([]byte(fmt.Sprint(w.fp()["ruleJson"])), &rules); err != nil {
				v = append(v, fmt.Sprintf("%s: ruleJson does not parse: %v", w.name, err))
				continue
			}
			var groups []string
			for _, r := range rules {
				mg := mapAt(r, "Statement", "ManagedRuleGroupStatement")
				if mg["VendorName"] == "AWS" {
					groups = append(groups, fmt.Sprint(mg["Name"]))
					// A managed group in count mode protects nothing.
					if _, ok := mapAt(r, "OverrideAction")["Count"]; ok {
						v = append(v, fmt.Sprintf("%s: %v only counts", w.name, mg["Name"]))
					}
				}
			}
			for _, want := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} {
				if !contains(groups, want) {
					v = append(v, fmt.Sprintf("%s: rule JSON lacks the managed rule group %s (has %v)", w.name, want, groups))
				}
			}
			acls[e.metadataName(w.name)] = groups
		}
		for _, lb := range lbs {
			if truthy(lb.fp()["internal"]) {
				continue
			}
			arn, _ := mapAt(e.observed[lb.name], "status", "atProvider")["arn"].(string)
			found := false
			for _, a := range e.of("wafv2.aws.m.upbound.io", "WebACLAssociation") {
				target := a.fp()["resourceArn"] == arn && arn != "" || refName(a.fp(), "resourceArnRef") == e.metadataName(lb.name)
				if _, ok := acls[refName(a.fp(), "webAclArnRef")]; ok && target {
					found = true
				}
			}
			if !found {
				v = append(v, lb.name+": no WebACLAssociation ties a managed-rule WebACL to it")
			}
		}
		return len(lbs), v
	}},
	{id: "WAF.11", title: "every web ACL logs to an encrypted aws-waf-logs-* log group, credentials redacted", check: func(e *controlEnv) (int, []string) {
		var v []string
		acls := e.of("wafv2.aws.m.upbound.io", "WebACL")
		groups := map[string]obj{} // log group name → its object
		for _, g := range e.of("cloudwatchlogs.aws.m.upbound.io", "Group") {
			groups[compose.ExternalName(g.m)] = g
		}
		for _, w := range acls {
			found := false
			for _, l := range e.of("wafv2.aws.m.upbound.io", "WebACLLoggingConfiguration") {
				if refName(l.fp(), "resourceArnRef") != e.metadataName(w.name) {
					continue
				}
				found = true
				dests, _ := l.fp()["logDestinationConfigs"].([]any)
				for _, d := range dests {
					arn := fmt.Sprint(d)
					name := arn[strings.LastIndex(arn, ":log-group:")+len(":log-group:"):]
					g, ok := groups[name]
					switch {
					case !strings.Contains(arn, ":log-group:") || !strings.HasPrefix(name, "aws-waf-logs-"):
						v = append(v, fmt.Sprintf("%s: destination %s is not an aws-waf-logs-* log group", l.name, arn))
					case !ok:
						v = append(v, fmt.Sprintf("%s: destination %s is not a composed log group", l.name, arn))
					case g.fp()["kmsKeyId"] == nil && g.fp()["kmsKeyIdRef"] == nil:
						v = append(v, g.name+": the WAF log group is not encrypted with KMS")
					}
				}
				redacted := map[string]bool{}
				fields, _ := l.fp()["redactedFields"].([]any)
				for _, f := range fields {
					if n, ok := mapAt(f.(map[string]any), "singleHeader")["name"].(string); ok {
						redacted[n] = true
					}
				}
				for _, h := range []string{"authorization", "cookie"} {
					if !redacted[h] {
						v = append(v, fmt.Sprintf("%s: the %s header is logged (not in redactedFields)", l.name, h))
					}
				}
				if len(dests) == 0 {
					v = append(v, l.name+": no log destination")
				}
			}
			if !found {
				v = append(v, w.name+": no WebACLLoggingConfiguration (FSBP WAF.11)")
			}
		}
		return len(acls), v
	}},
	{id: "CloudTrail.1", title: "the trail is multi-Region and records management events", check: trailCheck(func(fp map[string]any) string {
		if !truthy(fp["isMultiRegionTrail"]) || !truthy(fp["includeGlobalServiceEvents"]) || !truthy(fp["enableLogging"]) {
			return "isMultiRegionTrail, includeGlobalServiceEvents and enableLogging must be true"
		}
		// Event selectors that leave out management events (or read or write ones) break the control.
		for _, s := range append(asList(fp["eventSelector"]), asList(fp["advancedEventSelector"])...) {
			sm, _ := s.(map[string]any)
			if im, ok := sm["includeManagementEvents"]; ok && !truthy(im) {
				return "an event selector excludes management events"
			}
			if rw, ok := sm["readWriteType"]; ok && rw != "All" {
				return "an event selector records only " + fmt.Sprint(rw) + " events"
			}
		}
		return ""
	})},
	{id: "CloudTrail.2", title: "the trail is encrypted with KMS", check: trailCheck(func(fp map[string]any) string {
		if fp["kmsKeyId"] == nil && fp["kmsKeyIdRef"] == nil {
			return "kmsKeyId must be set"
		}
		return ""
	})},
	{id: "CloudTrail.4", title: "log file validation is on", check: trailCheck(func(fp map[string]any) string {
		if !truthy(fp["enableLogFileValidation"]) {
			return "enableLogFileValidation must be true"
		}
		return ""
	})},
	{id: "KMS.4", title: "KMS keys rotate", check: func(e *controlEnv) (int, []string) {
		return each(e.of("kms.aws.m.upbound.io", "Key"), func(o obj) string {
			if !truthy(o.fp()["enableKeyRotation"]) {
				return "enableKeyRotation must be true"
			}
			return ""
		})
	}},
	{id: "SNS.1", title: "SNS topics are encrypted with KMS", check: func(e *controlEnv) (int, []string) {
		return each(e.of("sns.aws.m.upbound.io", "Topic"), func(o obj) string {
			if o.fp()["kmsMasterKeyId"] == nil && o.fp()["kmsMasterKeyIdRef"] == nil {
				return "kmsMasterKeyId must be set"
			}
			return ""
		})
	}},
	{id: "Logs.Retention", title: "log groups keep logs at least a year (CloudWatch.16)", check: func(e *controlEnv) (int, []string) {
		return each(e.of("cloudwatchlogs.aws.m.upbound.io", "Group"), func(o obj) string {
			// Unset retention keeps logs forever, which passes.
			if r, ok := o.fp()["retentionInDays"]; ok && num(r) < 365 {
				return fmt.Sprintf("retentionInDays %v < 365", r)
			}
			return ""
		})
	}},
	{id: "EC2.IMDSv2", title: "nodes require IMDSv2 and containers cannot reach the node's IMDS (EC2.8, EC2.170)", check: func(e *controlEnv) (int, []string) {
		var v []string
		nodeGroups := e.of("eks.aws.m.upbound.io", "NodeGroup")
		lts := map[string]obj{}
		for _, lt := range e.of("ec2.aws.m.upbound.io", "LaunchTemplate") {
			lts[lt.name] = lt
			md := mapAt(lt.fp(), "metadataOptions")
			if md["httpTokens"] != "required" {
				v = append(v, lt.name+": metadataOptions.httpTokens must be required")
			}
			if num(md["httpPutResponseHopLimit"]) != 1 {
				v = append(v, lt.name+": metadataOptions.httpPutResponseHopLimit must be 1")
			}
		}
		for _, ng := range nodeGroups {
			lt := mapAt(ng.fp(), "launchTemplate")
			if len(lt) == 0 {
				v = append(v, ng.name+": no launch template: EKS's default allows IMDSv1")
				continue
			}
			// The node group names the template by its observed ID; it must be one of ours.
			ok := false
			for name := range lts {
				if id, _ := mapAt(e.observed[name], "status", "atProvider")["id"].(string); id != "" && id == lt["id"] {
					ok = true
				}
				if refName(lt, "idRef") == e.metadataName(name) || refName(lt, "nameRef") == e.metadataName(name) {
					ok = true
				}
			}
			if !ok {
				v = append(v, fmt.Sprintf("%s: launch template %v is not one of the environment's", ng.name, lt))
			}
		}
		return len(nodeGroups), v
	}},
	{id: "IAM.NoStarOnStar", title: "no policy allows Action * on Resource * (IAM.1, KMS.1, KMS.2)", check: func(e *controlEnv) (int, []string) {
		docs, v := e.policyDocs()
		for _, where := range sortedNames(docs) {
			for i, s := range statements(docs[where]) {
				if s["Effect"] != "Allow" {
					continue
				}
				resources := strs(s["Resource"])
				star := contains(resources, "*")
				if contains(strs(s["Action"]), "*") && (star || len(resources) == 0 && s["NotResource"] == nil) {
					v = append(v, fmt.Sprintf("%s: Statement[%d] allows Action * on Resource *", where, i))
				}
				if s["NotAction"] != nil && star {
					v = append(v, fmt.Sprintf("%s: Statement[%d] allows NotAction on Resource *", where, i))
				}
			}
		}
		// Attaching AWS's full-access policy is the same thing by another name.
		for _, a := range e.of("iam.aws.m.upbound.io", "RolePolicyAttachment") {
			if arn, _ := a.fp()["policyArn"].(string); strings.HasSuffix(arn, ":policy/AdministratorAccess") {
				v = append(v, a.name+": attaches AdministratorAccess")
			}
		}
		return len(docs), v
	}},
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// openIngressRules runs judge on every ingress rule open to the internet: standalone ingress rules, legacy
// SecurityGroupRules and inline ingress blocks. Its subject count is every ingress rule rendered.
func openIngressRules(e *controlEnv, judge func(o obj, from, to float64) string) (int, []string) {
	var n int
	var v []string
	for _, r := range e.of("ec2.aws.m.upbound.io", "SecurityGroupIngressRule") {
		n++
		if openIngress(r.fp()) {
			if msg := judge(r, num(r.fp()["fromPort"]), num(r.fp()["toPort"])); msg != "" {
				v = append(v, r.name+": "+msg)
			}
		}
	}
	for _, r := range e.of("ec2.aws.m.upbound.io", "SecurityGroupRule") {
		if r.fp()["type"] != "ingress" {
			continue
		}
		n++
		if openIngress(r.fp()) {
			fp := map[string]any{"ipProtocol": r.fp()["protocol"], "securityGroupIdRef": r.fp()["securityGroupIdRef"]}
			if msg := judge(obj{name: r.name, m: map[string]any{"spec": map[string]any{"forProvider": fp}}}, num(r.fp()["fromPort"]), num(r.fp()["toPort"])); msg != "" {
				v = append(v, r.name+": "+msg)
			}
		}
	}
	for _, kind := range []string{"SecurityGroup", "DefaultSecurityGroup"} {
		for _, g := range e.of("ec2.aws.m.upbound.io", kind) {
			for _, in := range asList(g.fp()["ingress"]) {
				n++
				if im, _ := in.(map[string]any); openIngress(im) {
					v = append(v, g.name+": inline ingress open to the internet")
				}
			}
		}
	}
	return n, v
}

func rdsCheck(f func(fp map[string]any) string) func(e *controlEnv) (int, []string) {
	return func(e *controlEnv) (int, []string) {
		return each(e.of("rds.aws.m.upbound.io", "Instance"), func(o obj) string { return f(o.fp()) })
	}
}

func cacheCheck(f func(fp map[string]any) string) func(e *controlEnv) (int, []string) {
	return func(e *controlEnv) (int, []string) {
		return each(e.of("elasticache.aws.m.upbound.io", "ReplicationGroup"), func(o obj) string { return f(o.fp()) })
	}
}

func lbCheck(f func(fp map[string]any) string) func(e *controlEnv) (int, []string) {
	return func(e *controlEnv) (int, []string) {
		return each(e.of("elbv2.aws.m.upbound.io", "LB"), func(o obj) string { return f(o.fp()) })
	}
}

func trailCheck(f func(fp map[string]any) string) func(e *controlEnv) (int, []string) {
	return func(e *controlEnv) (int, []string) {
		return each(e.of("cloudtrail.aws.m.upbound.io", "Trail"), func(o obj) string { return f(o.fp()) })
	}
}

// TestSecurityControls checks every control on every example at its fully observed stage.
func TestSecurityControls(t *testing.T) {
	for _, ex := range controlExamples {
		t.Run(ex, func(t *testing.T) {
			desired, observed := renderReady(t, readXR(t, ex))
			e := &controlEnv{desired: desired, observed: observed}
			for _, c := range controls {
				t.Run(c.id, func(t *testing.T) {
					n, violations := c.check(e)
					if why, ok := controlNotApplicable[ex][c.id]; ok {
						if n != 0 {
							t.Errorf("%s is listed as not applicable to %s (%s), yet %d objects are subject to it", c.id, ex, why, n)
						}
						t.Logf("not applicable: %s", why)
						return
					}
					if n == 0 {
						t.Fatalf("%s (%s): nothing rendered is subject to it; render it or list it as not applicable with the reason", c.id, c.title)
					}
					if why, ok := controlExceptions[ex][c.id]; ok {
						if len(violations) == 0 {
							t.Errorf("%s is an exception for %s (%s) but passes: remove the exception", c.id, ex, why)
						}
						t.Logf("exception (%s): %s", why, strings.Join(violations, "; "))
						return
					}
					for _, msg := range violations {
						t.Errorf("%s (%s): %s", c.id, c.title, msg)
					}
				})
			}
		})
	}
}

// TestControlsCatchViolations proves each control can fail: a breaking edit of the rendered prod example
// must be reported by the control it targets. A control that cannot fail proves nothing.
func TestControlsCatchViolations(t *testing.T) {
	desired, observed := renderReady(t, readXR(t, "prod"))
	setFP := func(name string, kv ...any) func(d map[string]map[string]any) {
		return func(d map[string]map[string]any) {
			fp := mapAt(d[name], "spec", "forProvider")
			for i := 0; i < len(kv); i += 2 {
				if kv[i+1] == nil {
					delete(fp, kv[i].(string))
				} else {
					fp[kv[i].(string)] = kv[i+1]
				}
			}
		}
	}
	first := func(group, kind string) string {
		e := &controlEnv{desired: desired}
		o := e.of(group, kind)
		if len(o) == 0 {
			t.Fatalf("the prod example renders no %s %s", group, kind)
		}
		return o[0].name
	}
	cases := map[string]func(d map[string]map[string]any){
		"EC2.2": func(d map[string]map[string]any) {
			mapAt(d["network-sg-default"], "spec", "forProvider")["ingress"] = []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/8"}}}
		},
		"EC2.6":  setFP("network-flowlogs", "trafficType", "REJECT"),
		"EC2.18": setFP("network-sg-nodes-in-https", "cidrIpv4", "0.0.0.0/0", "referencedSecurityGroupIdRef", nil),
		"EC2.19": setFP("network-sg-alb-in-https", "fromPort", 22.0, "toPort", 22.0),
		"EKS.1": func(d map[string]map[string]any) {
			mapAt(d[compose.Cluster], "spec", "forProvider", "vpcConfig")["endpointPrivateAccess"] = false
		},
		"EKS.PublicRestricted": func(d map[string]map[string]any) {
			mapAt(d[compose.Cluster], "spec", "forProvider", "vpcConfig")["publicAccessCidrs"] = []any{"0.0.0.0/0"}
		},
		"EKS.3":         setFP(compose.Cluster, "encryptionConfig", nil),
		"EKS.8":         setFP(compose.Cluster, "enabledClusterLogTypes", []any{"api", "audit"}),
		"RDS.2":         setFP(compose.Database, "publiclyAccessible", true),
		"RDS.3":         setFP(compose.Database, "storageEncrypted", false),
		"RDS.5":         setFP(compose.Database, "multiAz", false),
		"RDS.8":         setFP(compose.Database, "deletionProtection", false),
		"RDS.9":         setFP(compose.Database, "enabledCloudwatchLogsExports", []any{"upgrade"}),
		"RDS.11":        setFP(compose.Database, "backupRetentionPeriod", 1.0),
		"RDS.13":        setFP(compose.Database, "autoMinorVersionUpgrade", false),
		"RDS.17":        setFP(compose.Database, "copyTagsToSnapshot", false),
		"ElastiCache.1": setFP(compose.CacheReplicationGroup, "snapshotRetentionLimit", 0.0),
		"ElastiCache.2": setFP(compose.CacheReplicationGroup, "autoMinorVersionUpgrade", "false"),
		"ElastiCache.3": setFP(compose.CacheReplicationGroup, "automaticFailoverEnabled", false),
		"ElastiCache.4": setFP(compose.CacheReplicationGroup, "atRestEncryptionEnabled", "false"),
		"ElastiCache.5": setFP(compose.CacheReplicationGroup, "transitEncryptionMode", "preferred"),
		"ElastiCache.6": setFP(compose.CacheReplicationGroup, "authTokenSecretRef", nil, "autoGenerateAuthToken", nil),
		"ELB.1": func(d map[string]map[string]any) {
			mapAt(d["edge-listener-http"], "spec", "forProvider")["defaultAction"] = []any{map[string]any{"type": "forward"}}
		},
		"ELB.4":     setFP(compose.LoadBalancer, "dropInvalidHeaderFields", false),
		"ELB.5":     setFP(compose.LoadBalancer, "accessLogs", nil),
		"ELB.6":     setFP(compose.LoadBalancer, "enableDeletionProtection", false),
		"ELB.TLS13": setFP(compose.LoadBalancerHTTPS, "sslPolicy", "ELBSecurityPolicy-TLS-1-2-2017-01"),
		"WAF.Managed": func(d map[string]map[string]any) {
			for n, o := range d {
				if o["kind"] == "WebACLAssociation" {
					delete(d, n)
				}
			}
		},
		"WAF.11": func(d map[string]map[string]any) {
			mapAt(d["edge-waf-logging"], "spec", "forProvider")["redactedFields"] = []any{
				map[string]any{"singleHeader": map[string]any{"name": "authorization"}},
			}
		},
		"CloudTrail.1":   setFP(first("cloudtrail.aws.m.upbound.io", "Trail"), "isMultiRegionTrail", false),
		"CloudTrail.2":   setFP(first("cloudtrail.aws.m.upbound.io", "Trail"), "kmsKeyId", nil, "kmsKeyIdRef", nil),
		"CloudTrail.4":   setFP(first("cloudtrail.aws.m.upbound.io", "Trail"), "enableLogFileValidation", false),
		"KMS.4":          setFP(first("kms.aws.m.upbound.io", "Key"), "enableKeyRotation", false),
		"SNS.1":          setFP(first("sns.aws.m.upbound.io", "Topic"), "kmsMasterKeyId", nil, "kmsMasterKeyIdRef", nil),
		"Logs.Retention": setFP(first("cloudwatchlogs.aws.m.upbound.io", "Group"), "retentionInDays", 30.0),
		"EC2.IMDSv2": func(d map[string]map[string]any) {
			mapAt(d["nodes-launch-template"], "spec", "forProvider", "metadataOptions")["httpTokens"] = "optional"
		},
		"IAM.NoStarOnStar": setFP(first("iam.aws.m.upbound.io", "RolePolicy"), "policy",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
	}
	for _, c := range controls {
		t.Run(c.id, func(t *testing.T) {
			breakIt, ok := cases[c.id]
			if !ok {
				t.Fatalf("no breaking edit for %s: add one", c.id)
			}
			d := deepCopyObjects(desired)
			breakIt(d)
			if _, v := c.check(&controlEnv{desired: d, observed: observed}); len(v) == 0 {
				t.Errorf("%s did not catch the breaking edit", c.id)
			}
		})
	}
}

func deepCopyObjects(in map[string]map[string]any) map[string]map[string]any {
	out := make(map[string]map[string]any, len(in))
	for k, v := range in {
		out[k] = deepCopyMap(v)
	}
	return out
}

// TestEKS1PrivateOnly: the package's private-only endpoint mode (no endpointPublicAccessCidrs, admitted
// off the prod profile) passes Security Hub's EKS.1 as its Config rule judges it.
func TestEKS1PrivateOnly(t *testing.T) {
	xr := readXR(t, "dev")
	delete(mapAt(xr, "spec", "cluster"), "endpointPublicAccessCidrs")
	desired, observed := renderReady(t, xr)
	for _, c := range controls {
		if c.id != "EKS.1" {
			continue
		}
		n, v := c.check(&controlEnv{desired: desired, observed: observed})
		if n == 0 || len(v) != 0 {
			t.Errorf("EKS.1 on a private-only dev cluster: %d subjects, violations %v; want a cluster and none", n, v)
		}
		return
	}
	t.Fatal("no EKS.1 control")
}
