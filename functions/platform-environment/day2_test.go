package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose/immutable"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	"github.com/cloudpartner/platform-environment/test/validate"
)

// Day 2 is a property over the schema (issue 13, item 2). For every leaf of the generated XRD schema and every
// example at its fully observed stage, the test applies a valid different value (lists of objects keyed by name:
// add, remove, rename, reorder), keeps the edits the XR's update validation admits (schema and CEL, transition
// rules with oldSelf: test/validate), and walks each to its new fixed point with the observe hooks (functions/platform-environment/observe). At every
// pass it checks:
//   (a) no composed resource that stays (observed and still desired under the same composition resource name)
//       changes a field of the day-2 table (compose/immutable: ForceNew, identity, Kubernetes-immutable), its
//       metadata.name or its external name;
//   (b) nothing is retired while a resource that stays still references it, by …Ref name or by an observed ID/ARN
//       in its spec (observed: what AWS holds now; desired: what it will hold), since the retirement and the
//       update run concurrently;
//   (c) no resource that stays takes a value that must be unique among them (listener-rule priority per listener,
//       forProvider.name per kind) while another one that stays still holds it (a swap never converges:
//       Terraform sets one rule's priority at a time and AWS answers PriorityInUse).
// Violations not fixed yet are listed in knownViolations (the test fails when one no longer occurs, so the list
// shrinks as fixes land). Leaves that cannot be exercised are listed in day2Exempt with the reason. Each
// (edit, affected kind) pair is classified and written to _output/day2-classes.md.

// day2Leaf is a leaf of the XR's spec schema: a scalar, a list of scalars, a map, or a list of objects (edited as a
// whole: add, remove, rename, reorder; its items' own fields are leaves too).
type day2Leaf struct {
	name   string   // spec.applications[].port
	segs   []string // applications [] port
	schema map[string]any
	list   bool
}

// schemaLeaves reads the leaves of spec from the generated XRD, in schema order (sorted property names).
func schemaLeaves(t *testing.T) []day2Leaf {
	t.Helper()
	b, err := os.ReadFile(repoPath("apis", "definition.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	xrd := map[string]any{}
	if err := yaml.Unmarshal(b, &xrd); err != nil {
		t.Fatal(err)
	}
	versions, _ := mapAt(xrd, "spec")["versions"].([]any)
	if len(versions) != 1 {
		t.Fatalf("the XRD serves %d versions; the test walks one", len(versions))
	}
	spec := mapAt(versions[0].(map[string]any), "schema", "openAPIV3Schema", "properties", "spec")
	var out []day2Leaf
	var walkSchema func(s map[string]any, segs []string)
	walkSchema = func(s map[string]any, segs []string) {
		props, _ := s["properties"].(map[string]any)
		if s["type"] == "object" && props != nil {
			for _, k := range sortedNames(props) {
				walkSchema(props[k].(map[string]any), append(append([]string(nil), segs...), k))
			}
			return
		}
		if items, _ := s["items"].(map[string]any); s["type"] == "array" && items["type"] == "object" && items["properties"] != nil {
			out = append(out, day2Leaf{name: leafName(segs) + "[]", segs: segs, schema: s, list: true})
			walkSchema(items, append(append([]string(nil), segs...), "[]"))
			return
		}
		out = append(out, day2Leaf{name: leafName(segs), segs: segs, schema: s})
	}
	walkSchema(spec, nil)
	return out
}

func leafName(segs []string) string {
	return "spec." + strings.ReplaceAll(strings.Join(segs, "."), ".[]", "[]")
}

// listTemplates are the items created when an edit sets a field inside a list the example leaves empty.
var listTemplates = map[string]func() map[string]any{
	"spec.applications[].iam.statements[]": func() map[string]any {
		return map[string]any{"sid": "Day2Edit", "actions": []any{"s3:ListAllMyBuckets"}, "resources": []any{"*"}}
	},
	"spec.addons.loadTest.stages[]": func() map[string]any { return map[string]any{"durationMinutes": 1.0, "target": 10.0} },
}

// getAt returns the value at a leaf's path; below a list it reads the first item.
func getAt(spec map[string]any, segs []string) (any, bool) {
	var cur any = spec
	for _, s := range segs {
		if s == "[]" {
			l, _ := cur.([]any)
			if len(l) == 0 {
				return nil, false
			}
			cur = l[0]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[s]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// setAt sets the value at a leaf's path, creating maps and, below an empty list, an item from listTemplates.
func setAt(spec map[string]any, segs []string, v any) bool {
	cur := spec
	for i := 0; i < len(segs); i++ {
		s := segs[i]
		last := i == len(segs)-1
		if last {
			cur[s] = v
			return true
		}
		if segs[i+1] == "[]" {
			l, _ := cur[s].([]any)
			if len(l) == 0 {
				tmpl, ok := listTemplates[leafName(segs[:i+1])+"[]"]
				if !ok {
					return false
				}
				l = []any{tmpl()}
				cur[s] = l
			}
			item, ok := l[0].(map[string]any)
			if !ok {
				return false
			}
			if i+1 == len(segs)-1 {
				return false
			}
			cur = item
			i++
			continue
		}
		next, ok := cur[s].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[s] = next
		}
		cur = next
	}
	return false
}

// day2Values are the candidate values of the leaves whose schema alone does not give a valid different value
// (strings with a format the schema does not state, lists of them, maps). Enums, booleans and bounded integers are
// derived from the schema. The first candidate the XR's update validation admits and the function does not refuse
// is walked.
var day2Values = map[string][]any{
	"spec.budget.monthlyLimitUSD":                         {100000.0},
	"spec.addons.clusterAutoscaler.version":               {"9.46.0", "9.45.0"},
	"spec.addons.externalSecrets.version":                 {"0.15.0", "0.14.0"},
	"spec.addons.fluentBit.version":                       {"0.49.0", "0.48.0"},
	"spec.addons.loadBalancerController.version":          {"1.12.0", "1.11.0"},
	"spec.addons.metricsServer.version":                   {"3.12.1", "3.12.0"},
	"spec.addons.loadTest.path":                           {"/day2", "/"},
	"spec.addons.loadTest.runId":                          {"2026-12-02", "r2"},
	"spec.applications[].args":                            {[]any{"--day2"}},
	"spec.applications[].command":                         {[]any{"/bin/day2"}},
	"spec.applications[].config":                          {map[string]any{"DAY2_EDIT": "1"}},
	"spec.applications[].env":                             {map[string]any{"DAY2_EDIT": "1"}},
	"spec.applications[].envFromSecrets":                  {map[string]any{"DAY2_DB": "database-url"}},
	"spec.applications[].disruptionBudget.maxUnavailable": {"2", "25%"},
	"spec.applications[].disruptionBudget.minAvailable":   {"1", "50%"},
	"spec.applications[].iam.statements[].actions":        {[]any{"s3:GetObject"}, []any{"s3:ListAllMyBuckets"}},
	"spec.applications[].iam.statements[].resources":      {[]any{"arn:$(partition):s3:::day2/*"}},
	"spec.applications[].iam.statements[].sid":            {"Day2Renamed"},
	"spec.applications[].image":                           {"registry.example.com/day2:9.9.9"},
	"spec.applications[].livenessProbe.path":              {"/live2"},
	"spec.applications[].migration.command":               {[]any{"/bin/migrate"}},
	"spec.applications[].migration.image":                 {"registry.example.com/day2-migrations:9.9.9"},
	"spec.applications[].name":                            {"day2-renamed"},
	"spec.applications[].namespace":                       {"day2-ns"},
	"spec.applications[].readinessProbe.path":             {"/ready2"},
	"spec.applications[].resources.limits.cpu":            {"1500m", "2"},
	"spec.applications[].resources.limits.memory":         {"3Gi", "2Gi"},
	"spec.applications[].resources.requests.cpu":          {"150m", "50m"},
	"spec.applications[].resources.requests.memory":       {"384Mi", "128Mi"},
	"spec.applications[].route.healthCheckPath":           {"/health2"},
	"spec.applications[].route.pathPatterns":              {[]any{"/day2/*"}},
	"spec.applications[].writablePaths":                   {[]any{"/tmp/day2"}},
	"spec.cache.engineVersion":                            {"7.0", "6.2", "8.0"},
	"spec.cache.maintenanceWindow":                        {"mon:05:00-mon:06:00"},
	"spec.cache.nodeType":                                 {"cache.t3.small", "cache.t3.medium"},
	"spec.cache.snapshotWindow":                           {"01:00-02:00"},
	"spec.cluster.addonVersions.awsEbsCsiDriver":          {"v1.45.0-eksbuild.2"},
	"spec.cluster.addonVersions.coredns":                  {"v1.12.1-eksbuild.2"},
	"spec.cluster.addonVersions.eksPodIdentityAgent":      {"v1.3.7-eksbuild.2"},
	"spec.cluster.addonVersions.kubeProxy":                {"v1.33.0-eksbuild.2"},
	"spec.cluster.addonVersions.vpcCni":                   {"v1.19.5-eksbuild.3"},
	"spec.cluster.adminPrincipalArns":                     {[]any{"arn:aws:iam::123456789012:role/day2-admins"}},
	"spec.cluster.endpointPublicAccessCidrs":              {[]any{"192.0.2.0/24"}},
	"spec.cluster.nodeGroup.instanceTypes":                {[]any{"m6i.large"}},
	"spec.cluster.nodeGroup.labels":                       {map[string]any{"cloudpartner.pro/day2": "edited"}},
	"spec.cluster.providerPrincipalArn":                   {"arn:aws:iam::123456789012:role/day2-provider"},
	"spec.database.backupWindow":                          {"02:00-03:00"},
	"spec.database.databaseName":                          {"day2db"},
	"spec.database.engineVersion":                         {"18", "16"},
	"spec.database.instanceClass":                         {"db.t3.large", "db.m7g.large"},
	"spec.database.maintenanceWindow":                     {"mon:05:00-mon:06:00"},
	"spec.database.masterUsername":                        {"day2admin"},
	"spec.database.snapshotIdentifier":                    {"day2-snapshot"},
	"spec.dns.healthCheck.path":                           {"/health2"},
	"spec.dns.zoneId":                                     {"Z0123456789ABCDEFGHIJ"},
	"spec.domain":                                         {"day2.example.com"},
	"spec.email.events":                                   {[]any{"SEND", "BOUNCE", "COMPLAINT"}},
	"spec.email.fallbackRegion":                           {"eu-west-1", "us-west-2"},
	"spec.network.availabilityZones":                      {},
	"spec.network.databaseSubnetCidrs":                    {[]any{"10.0.31.0/24", "10.0.32.0/24", "10.0.33.0/24"}},
	"spec.network.privateSubnetCidrs":                     {[]any{"10.0.41.0/24", "10.0.42.0/24", "10.0.43.0/24"}},
	"spec.network.publicSubnetCidrs":                      {[]any{"10.0.51.0/24", "10.0.52.0/24", "10.0.53.0/24"}},
	"spec.network.vpcCidr":                                {"10.30.0.0/16"},
	"spec.observability.alarmEmails":                      {[]any{"day2@example.com"}},
	"spec.providerConfigRef.name":                         {"day2"},
	"spec.region":                                         {"us-west-1", "eu-west-1"},
	"spec.tags":                                           {map[string]any{"day2": "edited"}},
}

// day2Dynamic are candidates that depend on the example (another application's name, the example's domain and zones).
var day2Dynamic = map[string]func(spec map[string]any) []any{
	"spec.edge.apiApplication": func(spec map[string]any) []any {
		var out []any
		for _, a := range asList(spec["applications"]) {
			out = append(out, a.(map[string]any)["name"])
		}
		return out
	},
	"spec.email.sender": func(spec map[string]any) []any {
		if d, _ := spec["domain"].(string); d != "" {
			return []any{"day2@" + d}
		}
		return []any{"day2@example.com"}
	},
	"spec.network.availabilityZones": func(spec map[string]any) []any {
		r, _ := spec["region"].(string)
		return []any{[]any{r + "a", r + "b"}, []any{r + "a", r + "b", r + "c"}}
	},
}

// candidates returns the values to try for a scalar leaf, each different from its current value (or default).
func candidates(l day2Leaf, spec map[string]any) []any {
	cur, has := getAt(spec, l.segs)
	if !has {
		cur, has = l.schema["default"]
	}
	var raw []any
	switch {
	case day2Dynamic[l.name] != nil:
		raw = day2Dynamic[l.name](spec)
	case day2Values[l.name] != nil:
		raw = day2Values[l.name]
	case l.schema["enum"] != nil:
		enum := l.schema["enum"].([]any)
		start := 0
		for i, e := range enum {
			if jsonEqual(e, cur) {
				start = i + 1
			}
		}
		for i := range enum {
			raw = append(raw, enum[(start+i)%len(enum)])
		}
	case l.schema["type"] == "boolean":
		if has {
			raw = []any{!truthy(cur)}
		} else {
			raw = []any{true, false}
		}
	case l.schema["type"] == "integer":
		lo, hasLo := l.schema["minimum"].(float64)
		hi, hasHi := l.schema["maximum"].(float64)
		if has {
			c := num(cur)
			raw = []any{c + 1, c - 1, c * 2}
		} else {
			raw = []any{2.0, 3.0, 5.0}
		}
		if hasLo {
			raw = append(raw, lo+1, lo)
		}
		if hasHi {
			raw = append(raw, hi)
		}
		var in []any
		for _, v := range raw {
			f := v.(float64)
			if (!hasLo || f >= lo) && (!hasHi || f <= hi) {
				in = append(in, f)
			}
		}
		raw = in
	}
	var out []any
	for _, v := range raw {
		if !has || !jsonEqual(v, cur) {
			out = append(out, v)
		}
	}
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// day2Edit is one edit of an example's spec: one step, or a sequence of steps each walked to its fixed point (add
// two applications, then reorder them).
type day2Edit struct {
	label string
	steps []func(spec map[string]any) bool
}

func oneStep(label string, apply func(spec map[string]any) bool) day2Edit {
	return day2Edit{label: label, steps: []func(map[string]any) bool{apply}}
}

// day2Companions complete an edit whose new value the schema admits only with another field (an engine with a
// version it supports, a major version with the flag that allows it, one of two exclusive fields).
var day2Companions = map[string]func(spec map[string]any, v any){
	"spec.applications[].disruptionBudget.minAvailable": func(s map[string]any, _ any) {
		delete(mapAt(asList(s["applications"])[0].(map[string]any), "disruptionBudget"), "maxUnavailable")
	},
	"spec.applications[].disruptionBudget.maxUnavailable": func(s map[string]any, _ any) {
		delete(mapAt(asList(s["applications"])[0].(map[string]any), "disruptionBudget"), "minAvailable")
	},
	"spec.cache.engine": func(s map[string]any, v any) {
		if v == "valkey" {
			setIn(s, "cache.engineVersion", "8.0")
		}
	},
	"spec.database.engineVersion": func(s map[string]any, _ any) { setIn(s, "database.allowMajorVersionUpgrade", true) },
	// The sender must be an address of the domain.
	"spec.domain": func(s map[string]any, v any) {
		if sender, ok := mapAt(s, "email")["sender"].(string); ok {
			local, _, _ := strings.Cut(sender, "@")
			setIn(s, "email.sender", fmt.Sprintf("%s@%v", local, v))
		}
	},
}

// editsOf returns a leaf's edits and whether each is walked (lists of objects: add, remove, rename, reorder) or
// only the first one admitted and not refused (a scalar's candidates).
func editsOf(l day2Leaf, spec map[string]any) ([]day2Edit, bool) {
	if !l.list {
		var out []day2Edit
		for _, v := range candidates(l, spec) {
			v := v
			out = append(out, oneStep(fmt.Sprintf("%s=%s", l.name, short(v)), func(s map[string]any) bool {
				if !setAt(s, l.segs, v) {
					return false
				}
				if c := day2Companions[l.name]; c != nil {
					c(s, v)
				}
				return true
			}))
		}
		return out, false
	}
	list := func(s map[string]any) ([]any, func([]any)) {
		parent := l.segs[:len(l.segs)-1]
		holder := s
		if len(parent) > 0 {
			v, ok := getAt(s, parent)
			if !ok {
				return nil, nil
			}
			holder, _ = v.(map[string]any)
			if holder == nil {
				return nil, nil
			}
		}
		key := l.segs[len(l.segs)-1]
		return asList(holder[key]), func(n []any) { holder[key] = n }
	}
	keyed := l.name == "spec.applications[]"
	reverse := func(s map[string]any) bool {
		items, put := list(s)
		if put == nil || len(items) < 2 {
			return false
		}
		r := make([]any, len(items))
		for i, it := range items {
			r[len(items)-1-i] = it
		}
		put(r)
		return true
	}
	edits := []day2Edit{
		oneStep(l.name+" add", func(s map[string]any) bool {
			items, put := list(s)
			if put == nil {
				return false
			}
			var item map[string]any
			if keyed {
				item = map[string]any{"name": "day2-added", "image": "registry.example.com/day2-added:1.0.0", "port": 8080.0}
				if s["domain"] != nil {
					item["route"] = map[string]any{"pathPatterns": []any{"/day2/*"}}
				}
			} else if tmpl := listTemplates[l.name]; tmpl != nil {
				item = tmpl()
			} else {
				return false
			}
			put(append(append([]any(nil), items...), item))
			return true
		}),
		oneStep(l.name+" remove", func(s map[string]any) bool {
			items, put := list(s)
			if put == nil || len(items) == 0 {
				return false
			}
			put(append([]any(nil), items[:len(items)-1]...))
			return true
		}),
		oneStep(l.name+" reorder", reverse),
	}
	if keyed {
		edits = append(edits, oneStep(l.name+" rename", func(s map[string]any) bool {
			items, put := list(s)
			if put == nil || len(items) == 0 {
				return false
			}
			r := append([]any(nil), items...)
			first := deepCopyMap(r[0].(map[string]any))
			first["name"] = fmt.Sprintf("%s-renamed", first["name"])
			r[0] = first
			put(r)
			return true
		}))
		// Two routed applications without explicit priorities take 100, 110, ... in spec order: reordering them swaps
		// their listener rules' priorities.
		edits = append(edits, day2Edit{label: l.name + " add two routed, then reorder", steps: []func(map[string]any) bool{
			func(s map[string]any) bool {
				if s["domain"] == nil {
					return false
				}
				items, put := list(s)
				for _, n := range []string{"day2-a", "day2-b"} {
					items = append(append([]any(nil), items...), map[string]any{"name": n, "image": "registry.example.com/" + n + ":1.0.0",
						"port": 8080.0, "route": map[string]any{"pathPatterns": []any{"/" + n + "/*"}}})
				}
				put(items)
				return true
			},
			reverse,
		}})
	}
	return edits, true
}

func short(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// knownViolation is a violation the test finds that another change fixes. The test fails when an entry no longer
// occurs: remove it when its fix lands.
type knownViolation struct {
	leaf, kind, check, reason, fixedBy string
}

// matches says whether a violation is this entry's: leaf and kind match exactly, or by prefix where the entry ends
// in "*".
func (k knownViolation) matches(v day2Violation) bool {
	return k.check == v.check && glob(k.leaf, v.leaf) && glob(k.kind, v.kind)
}

func glob(pattern, s string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, p)
	}
	return pattern == s
}

// knownViolations is empty: every violation the test found this release is fixed. A new one is listed here, with
// what fixes it, only while its fix is under way.
var knownViolations = []knownViolation{}

// day2Exempt lists the leaves no example can exercise (no admitted value the function accepts), with the reason.
var day2Exempt = map[string]string{
	"spec.applications[].namespace":       "refused at admission: CEL transition rules on the list-map item (every object and the pod identity association would be created again in the new namespace); the way out is a new application under another name",
	"spec.addons.externalSecrets.enabled": "refused by the function on every example: the applications take variables from the application secret, which External Secrets builds",
	"spec.cache.engineVersion":            "the seed runs 7.1, Redis OSS's last: every other version is a downgrade (refused by the function) or not Redis (refused at admission); spec.cache.engine exercises the valkey upgrade",
	"spec.cluster.providerPrincipalArn":   "refused at admission: CEL transition rule (an access entry's principal is immutable)",
	"spec.database.databaseName":          "refused at admission: CEL transition rule (RDS creates the database once)",
	"spec.database.engine":                "one value (postgres): there is no different value; a CEL transition rule guards the day there are more",
	"spec.database.masterUsername":        "refused at admission: CEL transition rule (RDS cannot rename the master user)",
	"spec.database.snapshotIdentifier":    "refused at admission: CEL transition rule (a snapshot only seeds a new instance)",
	"spec.dns.zoneId":                     "refused at admission: CEL transition rule (switching zones would orphan records)",
	"spec.network.availabilityZones":      "refused at admission: CEL transition rule (subnets cannot move between zones)",
	"spec.network.databaseSubnetCidrs":    "refused at admission: CEL transition rule (AWS cannot change a subnet's CIDR)",
	"spec.network.privateSubnetCidrs":     "refused at admission: CEL transition rule (AWS cannot change a subnet's CIDR)",
	"spec.network.publicSubnetCidrs":      "refused at admission: CEL transition rule (AWS cannot change a subnet's CIDR)",
	"spec.network.subnetPrefixLength":     "refused at admission: CEL transition rule (it would recompute the subnets)",
	"spec.network.vpcCidr":                "refused at admission: CEL transition rule (AWS cannot change a VPC's primary CIDR)",
	"spec.region":                         "refused at admission: CEL transition rule (an environment cannot move between regions)",
	"spec.providerConfigRef.kind":         "refused at admission: CEL transition rule (every managed resource would be created again through the other ProviderConfig, the old ones leaked)",
	"spec.providerConfigRef.name":         "refused at admission: CEL transition rule (every managed resource would be created again through the other ProviderConfig, the old ones leaked)",

	// A key too long for the column above.
	"spec.dns.healthCheck.requestIntervalSeconds": "refused at admission while the health check is on: CEL transition rule (Route 53 request_interval is ForceNew); the way out is enabled: false, apply, then on with the new interval",
}

// decoupled lists (leaf, kind) pairs whose AWS field stops following the spec on purpose (issue 13: "decoupled").
// The summary classifies them so when the kind does not change; the test fails if it changes.
var decoupled = map[[2]string]string{
	{"spec.applications[].port", "elbv2/LBTargetGroup"}: "an instance target group's port does nothing (the controller registers NodePorts, the health check uses traffic-port) and is ForceNew: frozen at its observed value",
}

// day2Violation is one failed check.
type day2Violation struct {
	example, leaf, edit, check, resource, kind, detail string
}

func (v day2Violation) String() string {
	return fmt.Sprintf("%s: %s: (%s) %s %s: %s", v.example, v.edit, v.check, v.kind, v.resource, v.detail)
}

// day2Outcome is one walked edit.
type day2Outcome struct {
	example, leaf, edit string
	refused             string // the admission or Fatal message of a refused edit
	passes              int
	violations          []day2Violation
	// classes by kind: in place, replaced by the function, adds, removes.
	classes map[string]string
}

// day2Example is an example at its fully observed stage.
type day2Example struct {
	name     string
	xr       map[string]any
	observed map[string]map[string]any
	desired  map[string]map[string]any
	opts     observe.Options
}

func loadDay2Example(t *testing.T, ex string) *day2Example {
	xr := readXR(t, ex)
	observed := readObserved(t, ex, "ready")
	rsp := run(t, xr, observed)
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("%s: the unedited example is refused: %s", ex, msg)
	}
	desired := map[string]map[string]any{}
	for n, r := range rsp.GetDesired().GetResources() {
		desired[n] = r.GetResource().AsMap()
	}
	md := xr["metadata"].(map[string]any)
	opts := observe.Options{Namespace: md["namespace"].(string), Region: xr["spec"].(map[string]any)["region"].(string)}
	for n, d := range desired {
		if o, ok := observed[n]; !ok || !reflect.DeepEqual(observeJSON(n, d, opts), o) {
			t.Fatalf("%s: test/observed/%s/ready.yaml is no fixed point at %s: run `make golden`", ex, ex, n)
		}
	}
	return &day2Example{name: ex, xr: xr, observed: observed, desired: desired, opts: opts}
}

// walkEdit walks an admitted edit from a fixed point (observed, and the desired state it was rendered from) to its
// new fixed point, checking every pass, and returns the new fixed point. refused is set when the first pass is a
// Fatal (the function refuses the edit; desired state is unchanged).
func walkEdit(t *testing.T, ex *day2Example, xr map[string]any, observed, prev map[string]map[string]any) (refused string, passes int, vs []day2Violation, obs, des map[string]map[string]any) {
	for pass := 1; pass <= 30; pass++ {
		rsp := run(t, xr, observed)
		if msg := fatal(rsp); msg != "" {
			if pass == 1 {
				return "Fatal: " + firstLine(msg), pass, nil, observed, prev
			}
			vs = append(vs, day2Violation{check: "fatal", detail: fmt.Sprintf("pass %d: %s", pass, firstLine(msg))})
			return "", pass, vs, observed, prev
		}
		desired := map[string]map[string]any{}
		for n, r := range rsp.GetDesired().GetResources() {
			desired[n] = r.GetResource().AsMap()
		}
		vs = append(vs, checkPass(observed, prev, desired)...)
		// observed[n] is always the observation of prev[n] (loadDay2Example checks it of the example's stage), and
		// observing is a function of the desired object: an unchanged object keeps its observation.
		next := map[string]map[string]any{}
		for n, d := range desired {
			if o, ok := observed[n]; ok && reflect.DeepEqual(prev[n], d) {
				next[n] = o
			} else {
				next[n] = observeJSON(n, d, ex.opts)
			}
		}
		if reflect.DeepEqual(next, observed) {
			return "", pass, vs, observed, desired
		}
		observed, prev = next, desired
	}
	vs = append(vs, day2Violation{check: "fixpoint", detail: "no fixed point after 30 passes"})
	return "", 30, vs, observed, prev
}

// exerciseEdit applies an edit's steps to an example at its fully observed stage; each step must be admitted as an
// update of the previous spec and is walked to its fixed point.
func exerciseEdit(t *testing.T, v *validate.Validator, ex *day2Example, leaf string, e day2Edit) (day2Outcome, bool) {
	out := day2Outcome{example: ex.name, leaf: leaf, edit: e.label, classes: map[string]string{}}
	prevXR, observed, desired := ex.xr, ex.observed, ex.desired
	for i, step := range e.steps {
		xr := deepCopyMap(prevXR)
		if !step(xr["spec"].(map[string]any)) {
			return out, false
		}
		where := ""
		if len(e.steps) > 1 {
			where = fmt.Sprintf(" (step %d)", i+1)
		}
		if errs := v.XRUpdate(prevXR, xr); len(errs) != 0 {
			out.refused = "admission" + where + ": " + firstLine(errs[0])
			break
		}
		refused, passes, vs, obs, des := walkEdit(t, ex, xr, observed, desired)
		out.passes += passes
		out.violations = append(out.violations, vs...)
		if refused != "" {
			out.refused = refused + where
			break
		}
		prevXR, observed, desired = xr, obs, des
	}
	if out.refused == "" || len(e.steps) > 1 {
		classify(&out, ex.desired, desired)
	}
	for i := range out.violations {
		out.violations[i].example, out.violations[i].leaf, out.violations[i].edit = ex.name, leaf, e.label
	}
	return out, true
}

// observeJSON observes a desired resource, its numbers as JSON decodes them (the hooks write int64s; the observed
// files read back float64s).
func observeJSON(name string, desired map[string]any, opts observe.Options) map[string]any {
	b, err := json.Marshal(observe.Resource(name, desired, opts))
	if err != nil {
		panic(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

func kindOf(o map[string]any) string {
	av, _ := o["apiVersion"].(string)
	k, _ := o["kind"].(string)
	if k == "Object" {
		if m := mapAt(o, "spec", "forProvider", "manifest"); m != nil {
			return fmt.Sprintf("Object(%v)", m["kind"])
		}
	}
	return strings.SplitN(av, ".", 2)[0] + "/" + k
}

func annotationOf(o map[string]any, k string) string {
	s, _ := mapAt(o, "metadata", "annotations")[k].(string)
	return s
}

// checkPass runs checks (a), (b) and (c) on one pass: observed is what the pass read, prev the desired state of the
// pass before (on the first pass, the unedited example's), desired this pass's.
func checkPass(observed, prev, desired map[string]map[string]any) []day2Violation {
	var vs []day2Violation
	var stays []string
	for _, n := range sortedNames(desired) {
		if _, ok := observed[n]; ok {
			stays = append(stays, n)
		}
	}
	// (a) table fields of resources that stay.
	for _, n := range stays {
		p, ok := prev[n]
		if !ok || reflect.DeepEqual(p, desired[n]) {
			continue
		}
		for _, c := range immutable.Changes(p, desired[n]) {
			if c.Reason == immutable.ReasonExternalName {
				// The provider writes the external name it manages into the annotation; a desired state that leaves it
				// out keeps it. Only a desired external name different from the observed one moves the resource.
				nv := annotationOf(desired[n], immutable.ExternalNameAnnotation)
				if nv == "" || nv == annotationOf(observed[n], immutable.ExternalNameAnnotation) {
					continue
				}
			}
			vs = append(vs, day2Violation{check: "a", resource: n, kind: kindOf(desired[n]),
				detail: fmt.Sprintf("%s (%s): %s → %s", c.Path, c.Reason, short(c.Old), short(c.New))})
		}
	}
	// (b) retired while referenced.
	retiredNames := map[string]string{}
	retiredIDs := map[string]string{}
	for _, n := range sortedNames(observed) {
		if _, ok := desired[n]; ok {
			continue
		}
		o := observed[n]
		if mn, _ := mapAt(o, "metadata")["name"].(string); mn != "" {
			retiredNames[mn] = n
		}
		for _, id := range []string{annotationOf(o, immutable.ExternalNameAnnotation), str(mapAt(o, "status", "atProvider")["id"]), str(mapAt(o, "status", "atProvider")["arn"])} {
			if len(id) >= 8 {
				retiredIDs[id] = n
			}
		}
	}
	if len(retiredNames)+len(retiredIDs) > 0 {
		for _, n := range stays {
			seen := map[string]bool{}
			for _, side := range []map[string]any{observed[n], desired[n]} {
				for _, r := range references(side["spec"], retiredNames, retiredIDs) {
					if !seen[r] {
						seen[r] = true
						vs = append(vs, day2Violation{check: "b", resource: n, kind: kindOf(desired[n]), detail: r})
					}
				}
			}
		}
	}
	// (c) unique values taken while another resource that stays holds them.
	type holder struct{ scope, value string }
	held := map[holder]string{}
	for _, n := range stays {
		for _, u := range uniqueValues(observed[n]) {
			held[holder{u[0], u[1]}] = n
		}
	}
	for _, n := range stays {
		old := map[string]string{}
		for _, u := range uniqueValues(observed[n]) {
			old[u[0]] = u[1]
		}
		for _, u := range uniqueValues(desired[n]) {
			if old[u[0]] == u[1] {
				continue
			}
			if other, ok := held[holder{u[0], u[1]}]; ok && other != n {
				vs = append(vs, day2Violation{check: "c", resource: n, kind: kindOf(desired[n]),
					detail: fmt.Sprintf("%s: %s → %s while %s still holds %s", u[0], old[u[0]], u[1], other, u[1])})
			}
		}
	}
	return vs
}

func str(v any) string { s, _ := v.(string); return s }

// references returns how a spec refers to a retired resource: a …Ref/…Refs name or an observed ID/ARN.
func references(v any, names, ids map[string]string) []string {
	var out []string
	var scan func(v any, key string)
	scan = func(v any, key string) {
		switch x := v.(type) {
		case map[string]any:
			if strings.HasSuffix(key, "Ref") || strings.HasSuffix(key, "Refs") {
				if n, ok := x["name"].(string); ok {
					if r, ok := names[n]; ok {
						out = append(out, fmt.Sprintf("%s names %s, retired in this pass (%s)", key, n, r))
					}
				}
			}
			for _, k := range sortedNames(x) {
				scan(x[k], k)
			}
		case []any:
			for _, e := range x {
				scan(e, key)
			}
		case string:
			// A resource's own name, description or tags are no reference, even where they spell another
			// resource's ID (the nodes security group and the first node group share their AWS name).
			if key == "name" || key == "description" || key == "tags" {
				return
			}
			if r, ok := ids[x]; ok {
				out = append(out, fmt.Sprintf("%s holds %s, the observed ID of %s, retired in this pass", key, x, r))
			}
		}
	}
	scan(v, "")
	return out
}

// uniqueValues returns the (scope, value) pairs of an object that must be unique among the resources of their scope.
func uniqueValues(o map[string]any) [][2]string {
	fp := mapAt(o, "spec", "forProvider")
	if fp == nil {
		return nil
	}
	k := kindOf(o)
	var out [][2]string
	if strings.HasSuffix(k, "/LBListenerRule") {
		listener := str(fp["listenerArn"])
		if listener == "" {
			listener = str(mapAt(fp, "listenerArnRef")["name"])
		}
		if p, ok := fp["priority"]; ok {
			out = append(out, [2]string{k + " priority on " + listener, fmt.Sprint(p)})
		}
	}
	if name, ok := fp["name"].(string); ok && name != "" {
		scope := k + " name in " + str(fp["region"])
		if strings.HasSuffix(k, "/Record") {
			// A record is one name and type in one zone: the apex holds A, MX and TXT records alike.
			zone := str(fp["zoneId"])
			if zone == "" {
				zone = str(mapAt(fp, "zoneIdRef")["name"])
			}
			scope = fmt.Sprintf("%s %v in zone %s", k, fp["type"], zone)
		}
		out = append(out, [2]string{scope, name})
	}
	return out
}

// classify compares the unedited desired state with the fixed point's, by kind.
func classify(out *day2Outcome, before, after map[string]map[string]any) {
	type counts struct{ changed, created, retired int }
	byKind := map[string]*counts{}
	get := func(k string) *counts {
		if byKind[k] == nil {
			byKind[k] = &counts{}
		}
		return byKind[k]
	}
	for n, a := range after {
		b, ok := before[n]
		switch {
		case !ok:
			get(kindOf(a)).created++
		case !reflect.DeepEqual(b, a):
			get(kindOf(a)).changed++
		}
	}
	for n, b := range before {
		if _, ok := after[n]; !ok {
			get(kindOf(b)).retired++
		}
	}
	for k, c := range byKind {
		var parts []string
		switch {
		case c.created > 0 && c.retired > 0:
			parts = append(parts, fmt.Sprintf("replaced by the function (%d new, %d retired)", c.created, c.retired))
		case c.created > 0:
			parts = append(parts, fmt.Sprintf("in place: %d added", c.created))
		case c.retired > 0:
			parts = append(parts, fmt.Sprintf("in place: %d removed", c.retired))
		}
		if c.changed > 0 {
			parts = append(parts, fmt.Sprintf("in place: %d updated", c.changed))
		}
		out.classes[k] = strings.Join(parts, "; ")
	}
}

// day2Plan says which leaves each example exercises. The seed sets nearly every field: it exercises every leaf.
// dev and prod, which leave most fields to their profile, exercise the leaves they set and a sample of the others
// (every day2Sample-th leaf), to keep the test within `make test`'s budget.
const day2Sample = 8

// day2Everywhere are leaves every example exercises: toggles the seed's deletion protection or its applications
// refuse, which dev and prod may take.
var day2Everywhere = map[string]bool{
	"spec.addons.loadBalancerController.enabled": true, "spec.addons.metricsServer.enabled": true,
	"spec.addons.externalSecrets.enabled": true, "spec.observability.cloudTrail": true, "spec.email.fallbackRegion": true,
	"spec.observability.compliance": true, "spec.deletionProtection": true, "spec.profile": true, "spec.email.enabled": true,
	// dev has no domain: adding one stays admissible once changing it is refused.
	"spec.domain": true,
}

func day2Selected(ex *day2Example, i int, l day2Leaf) bool {
	if ex.name == "seed-production" || day2Everywhere[l.name] {
		return true
	}
	if _, set := getAt(ex.xr["spec"].(map[string]any), l.segs); set {
		return true
	}
	return i%day2Sample == 0
}

// day2Result is what one example's edits found.
type day2Result struct {
	outcomes  []day2Outcome
	exercised map[string]bool
	whyNot    map[string][]string
}

func exerciseExample(t *testing.T, v *validate.Validator, exName string, leaves []day2Leaf) day2Result {
	res := day2Result{exercised: map[string]bool{}, whyNot: map[string][]string{}}
	ex := loadDay2Example(t, exName)
	if errs := v.XR(ex.xr); len(errs) != 0 {
		t.Fatalf("%s is not admitted: %v", exName, errs)
	}
	for i, l := range leaves {
		if !day2Selected(ex, i, l) {
			continue
		}
		edits, all := editsOf(l, ex.xr["spec"].(map[string]any))
		if len(edits) == 0 {
			res.whyNot[l.name] = append(res.whyNot[l.name], exName+": no candidate value")
		}
		// A scalar's candidates are tried until one changes desired state: a value equal to the one the function
		// resolved anyway exercises nothing. If none changes anything, the last such walk is kept.
		var unchanged *day2Outcome
		for _, e := range edits {
			o, applicable := exerciseEdit(t, v, ex, l.name, e)
			if !applicable {
				res.whyNot[l.name] = append(res.whyNot[l.name], exName+": "+e.label+": not applicable")
				continue
			}
			if o.refused != "" && len(e.steps) == 1 {
				res.outcomes = append(res.outcomes, o)
				res.whyNot[l.name] = append(res.whyNot[l.name], exName+": "+e.label+": "+o.refused)
				continue
			}
			res.exercised[l.name] = true
			if !all && o.refused == "" && len(o.classes) == 0 && len(o.violations) == 0 {
				unchanged = &o
				continue
			}
			res.outcomes = append(res.outcomes, o)
			unchanged = nil
			if !all {
				break
			}
		}
		if unchanged != nil {
			res.outcomes = append(res.outcomes, *unchanged)
		}
	}
	return res
}

// TestDay2EditsReachAWS is the property test of issue 13 item 2.
func TestDay2EditsReachAWS(t *testing.T) {
	start := time.Now()
	leaves := schemaLeaves(t)
	v := validate.Shared(t)
	examples := []string{"seed-production", "dev", "prod"}
	results := make([]day2Result, len(examples))
	t.Run("examples", func(t *testing.T) {
		for i, ex := range examples {
			t.Run(ex, func(t *testing.T) {
				t.Parallel()
				results[i] = exerciseExample(t, v, ex, leaves)
			})
		}
	})
	var outcomes []day2Outcome
	exercised := map[string]bool{}
	whyNot := map[string][]string{}
	for _, r := range results {
		outcomes = append(outcomes, r.outcomes...)
		for k := range r.exercised {
			exercised[k] = true
		}
		for k, w := range r.whyNot {
			whyNot[k] = append(whyNot[k], w...)
		}
	}

	// Violations: known ones are reported, others fail.
	occurs := map[knownViolation]int{}
	var unknown []string
	for _, o := range outcomes {
		for _, vi := range o.violations {
			matched := false
			for _, k := range knownViolations {
				if k.matches(vi) {
					occurs[k]++
					matched = true
				}
			}
			if !matched {
				unknown = append(unknown, vi.String())
			}
		}
	}
	sort.Strings(unknown)
	for _, u := range unknown {
		t.Errorf("day-2 violation: %s", u)
	}
	for _, k := range knownViolations {
		if occurs[k] == 0 {
			t.Errorf("knownViolations: %s %s (%s) no longer occurs (fixed by: %s): remove the entry", k.leaf, k.kind, k.check, k.fixedBy)
		} else {
			t.Logf("known violation (%d occurrences): %s %s (%s): %s; fixed by: %s", occurs[k], k.leaf, k.kind, k.check, k.reason, k.fixedBy)
		}
	}

	// Leaves: exercised + exempt = total.
	nExempt := 0
	for _, l := range leaves {
		reason, exempt := day2Exempt[l.name]
		switch {
		case exercised[l.name] && exempt:
			t.Errorf("day2Exempt: %s is exercised now: remove its exemption (%s)", l.name, reason)
		case !exercised[l.name] && !exempt:
			t.Errorf("%s: no example exercises it and day2Exempt gives no reason:\n  %s", l.name, strings.Join(whyNot[l.name], "\n  "))
		case exempt:
			nExempt++
		}
	}
	for name := range day2Exempt {
		found := false
		for _, l := range leaves {
			found = found || l.name == name
		}
		if !found {
			t.Errorf("day2Exempt: %s is no leaf of the schema", name)
		}
	}
	walked, passes := 0, 0
	for _, o := range outcomes {
		if o.refused == "" {
			walked++
		}
		passes += o.passes
	}
	t.Logf("leaves: %d exercised + %d exempt = %d total; %d edits walked (%d passes), %d refused, %s",
		len(exercised), nExempt, len(leaves), walked, passes, len(outcomes)-walked, time.Since(start).Round(time.Millisecond))
	writeDay2Summary(t, leaves, outcomes)
}

// writeDay2Summary writes the classification of every (leaf, affected kind) pair, over all examples and edits, to
// _output/day2-classes.md (one line per leaf, to paste into the issue) and every walked edit to
// _output/day2-edits.md. A pair's class is one of the issue's: in place (updated, or resources added or removed
// with what they belong to), decoupled (declared in decoupled), replaced by the function (new resources of the
// kind created and old ones retired), refused (at admission or by a Fatal), or a known violation with its fix.
func writeDay2Summary(t *testing.T, leaves []day2Leaf, outcomes []day2Outcome) {
	var detail strings.Builder
	detail.WriteString("| leaf | example | edit | affected kind | class |\n|---|---|---|---|---|\n")
	type pairs map[string]map[string]bool // kind → classes
	byLeaf := map[string]pairs{}
	refusals := map[string][]string{}
	for _, o := range outcomes {
		if o.refused != "" {
			fmt.Fprintf(&detail, "| %s | %s | `%s` | — | refused (%s) |\n", o.leaf, o.example, o.edit, cell(o.refused))
			kind := "by the function"
			if strings.HasPrefix(o.refused, "admission") {
				kind = "at admission"
			}
			if !contains(refusals[o.leaf], kind) {
				refusals[o.leaf] = append(refusals[o.leaf], kind)
			}
			if len(o.classes) == 0 {
				continue
			}
		}
		if len(o.classes) == 0 {
			fmt.Fprintf(&detail, "| %s | %s | `%s` | — | no change (the value is the resolved one) |\n", o.leaf, o.example, o.edit)
		}
		for _, k := range sortedNames(o.classes) {
			c := o.classes[k]
			fmt.Fprintf(&detail, "| %s | %s | `%s` | %s | %s |\n", o.leaf, o.example, o.edit, k, c)
			class := "in place"
			if strings.HasPrefix(c, "replaced") {
				class = "replaced by the function"
			}
			if d, ok := decoupled[[2]string{o.leaf, k}]; ok {
				t.Errorf("%s is declared decoupled from %s (%s), but %s: %s", k, o.leaf, d, o.edit, c)
			}
			for _, kv := range knownViolations {
				if glob(kv.leaf, o.leaf) && glob(kv.kind, k) && hasViolation(o, kv) {
					class = "violation (" + kv.check + "), fixed by: " + kv.fixedBy
				}
			}
			if byLeaf[o.leaf] == nil {
				byLeaf[o.leaf] = pairs{}
			}
			if byLeaf[o.leaf][k] == nil {
				byLeaf[o.leaf][k] = map[string]bool{}
			}
			byLeaf[o.leaf][k][class] = true
		}
	}
	for pair, d := range decoupled {
		if byLeaf[pair[0]] == nil {
			byLeaf[pair[0]] = pairs{}
		}
		if byLeaf[pair[0]][pair[1]] == nil {
			byLeaf[pair[0]][pair[1]] = map[string]bool{"decoupled: " + d: true}
		}
	}

	var b strings.Builder
	b.WriteString("| leaf | class of each affected kind |\n|---|---|\n")
	for _, l := range leaves {
		var parts []string
		if r, ok := day2Exempt[l.name]; ok {
			parts = append(parts, "exempt: "+r)
		}
		// Group the kinds by class.
		kindsOf := map[string][]string{}
		for _, k := range sortedNames(byLeaf[l.name]) {
			for c := range byLeaf[l.name][k] {
				kindsOf[c] = append(kindsOf[c], k)
			}
		}
		for _, c := range sortedNames(kindsOf) {
			parts = append(parts, fmt.Sprintf("**%s**: %s", c, strings.Join(kindsOf[c], ", ")))
		}
		for _, r := range refusals[l.name] {
			parts = append(parts, "refused "+r+" (for some values or examples)")
		}
		if len(parts) == 0 {
			parts = append(parts, "no change on the examples walked (the value chosen is the resolved one, or nothing renders it)")
		}
		fmt.Fprintf(&b, "| %s | %s |\n", l.name, cell(strings.Join(parts, "; ")))
	}
	if err := os.MkdirAll(repoPath("_output"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"day2-classes.md": b.String(), "day2-edits.md": detail.String()} {
		if err := os.WriteFile(repoPath("_output", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Log("the class of every (leaf, affected kind) pair: _output/day2-classes.md; every edit walked: _output/day2-edits.md")
	if testing.Verbose() {
		t.Log("\n" + b.String())
	}
}

func hasViolation(o day2Outcome, k knownViolation) bool {
	for _, v := range o.violations {
		if k.matches(v) {
			return true
		}
	}
	return false
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// TestDay2Checks: each check of the property finds what it is for, and nothing in a state that does not move.
func TestDay2Checks(t *testing.T) {
	mr := func(apiVersion, kind, name string, fp map[string]any) map[string]any {
		return map[string]any{"apiVersion": apiVersion, "kind": kind,
			"metadata": map[string]any{"name": "env-" + name, "annotations": map[string]any{"crossplane.io/composition-resource-name": name}},
			"spec":     map[string]any{"forProvider": fp}}
	}
	ng := func(types ...any) map[string]any {
		return mr("eks.aws.m.upbound.io/v1beta1", "NodeGroup", "nodes-group", map[string]any{"region": "us-east-1", "instanceTypes": types})
	}
	nat := func(zone string) map[string]any {
		return mr("ec2.aws.m.upbound.io/v1beta1", "NATGateway", "nat-"+zone, map[string]any{"region": "us-east-1"})
	}
	route := func(zone, natZone string) map[string]any {
		return mr("ec2.aws.m.upbound.io/v1beta1", "Route", "route-"+zone, map[string]any{"region": "us-east-1",
			"natGatewayIdRef": map[string]any{"name": "env-nat-" + natZone}})
	}
	rule := func(app string, priority float64) map[string]any {
		return mr("elbv2.aws.m.upbound.io/v1beta1", "LBListenerRule", "rule-"+app, map[string]any{"region": "us-east-1",
			"listenerArnRef": map[string]any{"name": "env-listener"}, "priority": priority})
	}
	state := func(objs ...map[string]any) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, o := range objs {
			out[annotationOf(o, "crossplane.io/composition-resource-name")] = o
		}
		return out
	}
	opts := observe.Options{Namespace: "ns", Region: "us-east-1"}
	observed := func(desired map[string]map[string]any) map[string]map[string]any {
		out := map[string]map[string]any{}
		for n, d := range desired {
			out[n] = observeJSON(n, d, opts)
		}
		return out
	}
	cases := map[string]struct {
		before, after map[string]map[string]any
		want          []string // check and resource of each violation
	}{
		"Unchanged":         {before: state(ng("t3.medium"), nat("a"), route("b", "a")), after: state(ng("t3.medium"), nat("a"), route("b", "a"))},
		"InPlaceIsNoChange": {before: state(rule("a", 100)), after: state(rule("a", 120))},
		"ForceNewInPlace":   {before: state(ng("t3.medium")), after: state(ng("m6i.large")), want: []string{"a nodes-group"}},
		"RetiredWhileReferenced": {before: state(nat("a"), nat("b"), route("b", "b")), after: state(nat("a"), route("b", "a")),
			want: []string{"b route-b"}},
		"RetiredAfterRepointed": {before: state(nat("a"), nat("b"), route("b", "a")), after: state(nat("a"), route("b", "a"))},
		"PrioritySwap": {before: state(rule("a", 100), rule("b", 110)), after: state(rule("a", 110), rule("b", 100)),
			want: []string{"c rule-a", "c rule-b"}},
		"PriorityToAFreeOne": {before: state(rule("a", 100), rule("b", 110)), after: state(rule("a", 120), rule("b", 110))},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, v := range checkPass(observed(tc.before), tc.before, tc.after) {
				got = append(got, v.check+" "+v.resource)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("violations: got %v, want %v", got, tc.want)
			}
		})
	}
}
