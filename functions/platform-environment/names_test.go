package main

import (
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/test/validate"
)

// AWS names across every kind the function renders: each generated name must be valid for AWS (length,
// characters, reserved prefixes) for the most extreme metadata the XRD admits, unique within the account
// and stable. The limits are AWS's, from each service's API reference; a name field without a rule here
// fails the test, so a new kind cannot slip past it.

// nameRule checks one AWS name; it returns what is wrong, or "".
type nameRule func(s string) string

// within builds a rule from a length range, a pattern and extra checks.
func within(min, max int, pattern string, extra ...nameRule) nameRule {
	re := regexp.MustCompile(pattern)
	return func(s string) string {
		if len(s) < min || len(s) > max {
			return fmt.Sprintf("%d characters, want %d-%d", len(s), min, max)
		}
		if !re.MatchString(s) {
			return "does not match " + pattern
		}
		for _, x := range extra {
			if msg := x(s); msg != "" {
				return msg
			}
		}
		return ""
	}
}

func noPrefix(prefixes ...string) nameRule {
	return func(s string) string {
		for _, p := range prefixes {
			if strings.HasPrefix(s, p) {
				return "starts with the reserved " + p
			}
		}
		return ""
	}
}

func noSuffix(suffixes ...string) nameRule {
	return func(s string) string {
		for _, p := range suffixes {
			if strings.HasSuffix(s, p) {
				return "ends with the reserved " + p
			}
		}
		return ""
	}
}

func noRun(runs ...string) nameRule {
	return func(s string) string {
		for _, r := range runs {
			if strings.Contains(s, r) {
				return fmt.Sprintf("contains %q", r)
			}
		}
		return ""
	}
}

// dnsName checks a lower-case DNS name (records may hold _ labels and a leading *).
func dnsName(s string) string {
	if len(s) > 253 {
		return fmt.Sprintf("%d characters, want at most 253", len(s))
	}
	if s != strings.ToLower(s) {
		return "not lower case: Route 53, ACM and SES store names in lower case, so a mixed-case name never converges"
	}
	for _, l := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if len(l) == 0 || len(l) > 63 {
			return fmt.Sprintf("label %q: 1-63 characters", l)
		}
		if !regexp.MustCompile(`^(\*|[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)$`).MatchString(l) {
			return fmt.Sprintf("label %q is not a DNS label", l)
		}
	}
	return ""
}

const lowerID = `^[a-z][a-z0-9-]*[a-z0-9]$`

// awsNameRules by "<group prefix>/<Kind> <field>"; "@" is the crossplane.io/external-name annotation.
var awsNameRules = map[string]nameRule{
	"acm/Certificate domainName":                           dnsName,
	"acm/Certificate subjectAlternativeNames":              dnsName,
	"cloudtrail/Trail @":                                   within(3, 128, `^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$`, noRun("--", "-_", "_-", "..", "._", "_.", "-.", ".-", "__")),
	"cloudwatch/Dashboard @":                               within(1, 255, `^[A-Za-z0-9_-]+$`),
	"cloudwatch/MetricAlarm @":                             within(1, 255, `^[\x21-\x7e]+$`),
	"cloudwatchevents/Rule @":                              within(1, 64, `^[.\-_A-Za-z0-9]+$`), // EventBridge PutRule Name
	"cloudwatchlogs/Group @":                               within(1, 512, `^[.\-_/#A-Za-z0-9]+$`),
	"cloudwatchlogs/ResourcePolicy @":                      within(1, 255, `^[.\-_/#A-Za-z0-9]+$`),
	"configservice/ConfigRule @":                           within(1, 128, `^[A-Za-z0-9_-]+$`),
	"ec2/LaunchTemplate name":                              within(3, 128, `^[a-zA-Z0-9().\-/_]+$`),
	"ec2/SecurityGroup name":                               within(1, 255, `^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+$`, noPrefix("sg-")),
	"eks/Cluster @":                                        within(1, 100, `^[0-9A-Za-z][A-Za-z0-9_-]*$`),
	"eks/NodeGroup @":                                      within(1, 63, `^[0-9A-Za-z][A-Za-z0-9_-]*$`),
	"elasticache/ReplicationGroup @":                       within(1, 40, lowerID, noRun("--")),
	"elasticache/ReplicationGroup finalSnapshotIdentifier": within(1, 255, lowerID, noRun("--")),
	"elasticache/SubnetGroup @":                            within(1, 255, `^[a-z0-9-]+$`),
	"elbv2/LB name":                                        within(1, 32, `^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`, noPrefix("internal-")),
	"elbv2/LBTargetGroup name":                             within(1, 32, `^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`),
	"iam/Role @":                                           within(1, 64, `^[\w+=,.@-]+$`),
	"iam/Policy @":                                         within(1, 128, `^[\w+=,.@-]+$`),
	"kms/Alias @":                                          within(7, 256, `^alias/[a-zA-Z0-9/_-]+$`, noPrefix("alias/aws/")),
	"rds/Instance identifier":                              within(1, 63, lowerID, noRun("--")),
	"rds/Instance finalSnapshotIdentifier":                 within(1, 255, lowerID, noRun("--")),
	"rds/ParameterGroup @":                                 within(1, 255, lowerID, noRun("--")),
	"rds/SubnetGroup @":                                    within(1, 255, `^[a-z0-9 ._-]+$`, func(s string) string { return map[bool]string{true: "default is reserved"}[s == "default"] }),
	"route53/Record name":                                  dnsName,
	"route53/Zone name":                                    dnsName,
	"s3/Bucket @": within(3, 63, `^[a-z0-9][a-z0-9.-]*[a-z0-9]$`, noRun(".."), noPrefix("xn--", "sthree-", "amzn-s3-demo-"),
		noSuffix("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"),
		func(s string) string { return map[bool]string{true: "an IP address"}[net.ParseIP(s) != nil] }),
	"secretsmanager/Secret name":               within(1, 512, `^[A-Za-z0-9/_+=.@-]+$`),
	"sesv2/ConfigurationSet @":                 within(1, 64, `^[A-Za-z0-9_-]+$`),
	"sesv2/EmailIdentity @":                    dnsName,
	"sns/Topic @":                              within(1, 256, `^[A-Za-z0-9_-]+$`),
	"wafv2/WebACL name":                        within(1, 128, `^[\w-]+$`),
	"wafv2/WebACL visibilityConfig.metricName": within(1, 255, `^[\w#:.\-/]+$`),
}

// nameFields are the forProvider fields that carry an AWS name.
var nameFields = []string{"name", "identifier", "finalSnapshotIdentifier", "replicationGroupId", "visibilityConfig.metricName", "domainName", "subjectAlternativeNames"}

// awsName is one AWS name found in a rendered object.
type awsName struct{ resource, key, value string }

// awsNames returns every AWS name in the desired objects, and the composed resources' metadata.names.
func awsNames(desired map[string]map[string]any) (names []awsName, metadataNames map[string]string) {
	metadataNames = map[string]string{}
	for _, n := range sortedNames(desired) {
		o := desired[n]
		md := mapAt(o, "metadata")
		metadataNames[n], _ = md["name"].(string)
		api, _ := o["apiVersion"].(string)
		if !strings.Contains(api, ".aws.m.upbound.io/") {
			continue
		}
		kind := strings.SplitN(api, ".", 2)[0] + "/" + fmt.Sprint(o["kind"])
		if en, ok := mapAt(md, "annotations")["crossplane.io/external-name"].(string); ok {
			names = append(names, awsName{n, kind + " @", en})
		}
		fp := mapAt(o, "spec", "forProvider")
		for _, f := range nameFields {
			path := strings.Split(f, ".")
			v := mapAt(fp, path[:len(path)-1]...)[path[len(path)-1]]
			for _, s := range strs(v) {
				names = append(names, awsName{n, kind + " " + f, s})
			}
		}
	}
	return names, metadataNames
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// withMeta returns the seed with another name, namespace and (if set) domain.
func withMeta(t testing.TB, name, namespace, domain string) map[string]any {
	xr := deepCopyMap(readXR(t, "seed-production"))
	md := xr["metadata"].(map[string]any)
	md["name"], md["namespace"] = name, namespace
	if domain != "" {
		spec := xr["spec"].(map[string]any)
		spec["domain"] = domain
		spec["email"].(map[string]any)["sender"] = "info@" + domain
	}
	// The applications run in a namespace of the workload cluster named after the environment's.
	for _, a := range xr["spec"].(map[string]any)["applications"].([]any) {
		a.(map[string]any)["namespace"] = namespace
	}
	return xr
}

// nameCases are the extreme inputs: the longest names the API admits, digits first, dots, reserved
// prefixes, an upper-case domain.
var nameCases = map[string]struct {
	name, namespace, domain string
}{
	// Namespaces are DNS labels (63); a namespaced XR's name is a DNS label too in practice: Crossplane
	// labels every composed resource with it (crossplane.io/composite), and label values stop at 63.
	"Longest":         {name: strings.Repeat("n", 63), namespace: strings.Repeat("s", 63)},
	"LongestMixed":    {name: "prod-" + strings.Repeat("a1-", 19) + "z", namespace: strings.Repeat("team-", 12) + "abc"},
	"DigitsFirst":     {name: "1prod", namespace: "0team"},
	"Dots":            {name: "shop.v2.prod", namespace: "team-shop"},
	"ReservedPrefix":  {name: "prod", namespace: "internal"},
	"SecurityGroupSG": {name: "x", namespace: "sg"},
	"S3Reserved":      {name: "prod", namespace: "sthree"},
	"UpperCaseDomain": {name: "prod", namespace: "team-shop", domain: "Shop.Example.COM"},
	"Short":           {name: "a", namespace: "b"},
}

// TestAWSNames renders the seed under extreme metadata and checks every AWS name against AWS's rules, the
// composed resources' metadata.names against Kubernetes', uniqueness within the environment, and that the
// XR and every object would be admitted.
func TestAWSNames(t *testing.T) {
	v := validate.Shared(t)
	for name, tc := range nameCases {
		t.Run(name, func(t *testing.T) {
			xr := withMeta(t, tc.name, tc.namespace, tc.domain)
			if errs := v.XR(xr); len(errs) != 0 {
				t.Fatalf("the XRD refuses the input: %v", errs)
			}
			desired, _ := renderReady(t, xr)
			names, metadataNames := awsNames(desired)
			if len(names) < 50 {
				t.Fatalf("found only %d AWS names", len(names))
			}
			seen := map[string]string{}
			for _, n := range names {
				rule, ok := awsNameRules[n.key]
				if !ok {
					t.Errorf("%s: no name rule for %s (%q): add AWS's limits to awsNameRules", n.resource, n.key, n.value)
					continue
				}
				if msg := rule(n.value); msg != "" {
					t.Errorf("%s: %s %q: %s", n.resource, n.key, n.value, msg)
				}
				// Regional names need only be unique in their region.
				id := n.key + "=" + n.value + "@" + fmt.Sprint(mapAt(desired[n.resource], "spec", "forProvider")["region"])
				if n.key == "route53/Record name" {
					id += "/" + fmt.Sprint(mapAt(desired[n.resource], "spec", "forProvider")["type"])
				}
				if prev, ok := seen[id]; ok && prev != n.resource && !sharedName(n.key) {
					t.Errorf("%s and %s share the AWS name %s", prev, n.resource, id)
				}
				seen[id] = n.resource
			}
			for r, mn := range metadataNames {
				if len(mn) > 63 || !dnsLabel.MatchString(mn) {
					t.Errorf("%s: metadata.name %q is not a DNS label of at most 63 characters", r, mn)
				}
			}
			for _, r := range sortedNames(desired) {
				for _, e := range v.Object(desired[r]) {
					t.Errorf("schema: %s", e)
				}
			}
		})
	}
}

// sharedName lists name fields that several resources legitimately share: the SES identity and the
// certificate's names exist once per region, every KMS alias of a key names that key, and the account's
// one CloudWatch Logs resource policy for aws-waf-logs-* is the same policy in every environment of the
// account and region (edge/waflogs.go).
func sharedName(key string) bool {
	return key == "sesv2/EmailIdentity @" || strings.HasPrefix(key, "acm/Certificate ") || key == "cloudwatchlogs/ResourcePolicy @"
}

// TestAWSNamesUniqueAcrossEnvironments: two environments whose namespace and name join to the same text
// ("a-b"/"c" and "a"/"b-c") and two that differ only past the cut of a long name share no AWS name: AWS
// names live in the account, where all environments meet.
func TestAWSNamesUniqueAcrossEnvironments(t *testing.T) {
	long := strings.Repeat("s", 62)
	pairs := map[string][2][2]string{
		"HyphenShift": {{"c", "a-b"}, {"b-c", "a"}},
		"PastTheCut":  {{strings.Repeat("n", 62) + "1", long}, {strings.Repeat("n", 62) + "2", long}},
	}
	for name, p := range pairs {
		t.Run(name, func(t *testing.T) {
			var sets [2]map[string]string
			for i, m := range p {
				desired, _ := renderReady(t, withMeta(t, m[0], m[1], ""))
				names, _ := awsNames(desired)
				sets[i] = map[string]string{}
				for _, n := range names {
					if !sharedName(n.key) && !strings.HasPrefix(n.key, "route53/") {
						sets[i][n.key+"="+n.value+"@"+fmt.Sprint(mapAt(desired[n.resource], "spec", "forProvider")["region"])] = n.resource
					}
				}
			}
			for id, r := range sets[0] {
				if r2, ok := sets[1][id]; ok {
					t.Errorf("%s of %v and %s of %v share %s", r, p[0], r2, p[1], id)
				}
			}
		})
	}
}

// TestAWSNamesStable: AWS names are immutable, so they must not move when anything but the identity
// changes — not across lifecycle stages, not when sizes, tags or applications change — and two renders of
// the same input agree.
func TestAWSNamesStable(t *testing.T) {
	collect := func(desired map[string]map[string]any) map[string]string {
		names, _ := awsNames(desired)
		out := map[string]string{}
		for _, n := range names {
			out[n.resource+" "+n.key] += n.value + ";"
		}
		return out
	}
	seed := readXR(t, "seed-production")
	base, _ := renderReady(t, seed)
	want := collect(base)

	edited := set(set(set(seed, "cluster.nodeGroup.maxSize", 12), "tags", map[string]any{"cost-center": "42"}), "database.allocatedStorageGiB", 200)
	edits, _ := renderReady(t, edited)
	again, _ := renderReady(t, seed)
	for label, got := range map[string]map[string]string{"edited spec": collect(edits), "second render": collect(again)} {
		for k, w := range want {
			if g, ok := got[k]; ok && g != w {
				t.Errorf("%s: %s moved from %s to %s", label, k, w, g)
			}
		}
	}
	// Resources present at an earlier stage keep their names at the later ones.
	for _, st := range goldenStages[:2] {
		observed, _ := walk(t, seed, st.ready)
		rsp := run(t, seed, observed)
		d := map[string]map[string]any{}
		for n, r := range rsp.GetDesired().GetResources() {
			d[n] = r.GetResource().AsMap()
		}
		for k, g := range collect(d) {
			if w, ok := want[k]; ok && g != w {
				t.Errorf("stage %s: %s is %s, at ready %s", st.name, k, g, w)
			}
		}
	}
	keys := sortedNames(want)
	sort.Strings(keys)
	if len(keys) < 50 {
		t.Errorf("only %d names compared", len(keys))
	}
}
