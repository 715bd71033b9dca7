package compose

import (
	"fmt"
	"strings"
)

// Result is what a domain builder returns besides its typed status.
type Result struct {
	// Resources in the order the builder made them.
	Resources []*Resource
	// Waiting explains, per component, what the component waits for before it can render more: a gate
	// on observed readiness or on a value only AWS can tell.
	Waiting map[string]string
	// Warnings, per component, ask for a change to the spec without holding anything back (the cluster runs
	// a later version than the spec says): the component stays as ready as it is, its message says it, and
	// the function returns a Warning result.
	Warnings map[string]string
	// Retired are composition resource names, or prefixes ending in "-", that the spec has removed.
	// Their observed resources are left out of desired state, so Crossplane deletes them, as are the ones
	// the declarations below retire. Nothing else observed is ever left out.
	Retired []string
	// Owned, Wanted and Successions are the builder's declarations (see Own, Want and Supersede): what it
	// owns, what of that the spec still wants, and the successor rules of per-version resources.
	Owned       []string
	Wanted      []string
	Successions []Succession
	// Replacements are the steps of replacements in progress, per component (see Replacing, applied.go).
	Replacements map[string]string
	// Upgrades are the steps of in-place changes the function makes in order, per component (see Upgrading,
	// applied.go).
	Upgrades map[string]string
}

// Add appends built resources.
func (r *Result) Add(ms ...*MR) {
	for _, m := range ms {
		r.Resources = append(r.Resources, m.Resource())
	}
}

// Wait records what a component waits for. The first reason recorded for a component wins, since
// builders gate in dependency order.
func (r *Result) Wait(component, reason string) { setFirst(&r.Waiting, component, reason) }

// setFirst records v for component in *m (made on first use) unless one is recorded already: for each of a
// Result's per-component records the first one wins.
func setFirst(m *map[string]string, component, v string) {
	if *m == nil {
		*m = map[string]string{}
	}
	if _, ok := (*m)[component]; !ok {
		(*m)[component] = v
	}
}

// Warn records a warning for a component; the first one recorded wins.
func (r *Result) Warn(component, msg string) { setFirst(&r.Warnings, component, msg) }

// Retire records names or "prefix-" patterns of resources the spec removed.
func (r *Result) Retire(names ...string) { r.Retired = append(r.Retired, names...) }

// Merge appends another result (a builder made of several parts).
func (r *Result) Merge(o Result) {
	r.Resources = append(r.Resources, o.Resources...)
	for _, c := range sortedKeys(o.Waiting) {
		r.Wait(c, o.Waiting[c])
	}
	for _, c := range sortedKeys(o.Warnings) {
		r.Warn(c, o.Warnings[c])
	}
	r.Retired = append(r.Retired, o.Retired...)
	for _, c := range sortedKeys(o.Replacements) {
		r.Replacing(c, o.Replacements[c])
	}
	for _, c := range sortedKeys(o.Upgrades) {
		r.Upgrading(c, o.Upgrades[c])
	}
	r.Owned = append(r.Owned, o.Owned...)
	r.Wanted = append(r.Wanted, o.Wanted...)
	r.Successions = append(r.Successions, o.Successions...)
}

// DesiredResource is one resource of the assembled desired state.
type DesiredResource struct {
	Name   string
	Object map[string]any
	Ready  bool
	// Kept is true for an observed resource no builder rendered this time, kept as observed.
	Kept bool
}

// ComponentState is the readiness of one component.
type ComponentState struct {
	Name           string
	Resources      int
	ReadyResources int
	Ready          bool
	Message        string
}

// Assembled is the desired state of the environment.
type Assembled struct {
	// Resources in a stable order: builders' order, then kept resources by name.
	Resources  []DesiredResource
	Components []ComponentState
	// Applied is the XR condition saying whether the spec has reached AWS (applied.go).
	Applied Condition
	// Owned and Successions are what the builders declared (Own, Supersede), for tests to pin.
	Owned       []string
	Successions []Succession
	// Warnings are "<component>: <warning>", by component name.
	Warnings []string
	// Replacements are the steps of the replacements in progress, per component (Replacing, applied.go).
	Replacements map[string]string
	// Upgrades are the steps of the in-place changes in progress, per component (Upgrading, applied.go).
	Upgrades map[string]string
}

// Assemble merges the builders' results into the desired state:
//   - every observed resource that no builder rendered is kept as observed unless the spec retired it —
//     Crossplane deletes whatever desired state omits, so partial observed state must never shrink it.
//     Retired are: resources under a prefix a builder owns that the spec no longer wants (Own, Want), older
//     versions once their successor rule holds (Supersede), and the names a builder retires explicitly;
//   - readiness comes from the observed Ready condition (or the resource's Readiness rule);
//   - each component reports how many of its resources are ready and what it waits for.
//
// Two builders rendering the same name is a programming error and is reported as such.
func Assemble(env *Env, results ...Result) (*Assembled, error) {
	out := &Assembled{}
	seen := map[string]bool{}
	var retired []string
	var replacing Result
	var own ownership
	waiting := map[string]string{}
	warnings := map[string]string{}
	var order []string // component order of first appearance
	addComponent := func(c string) {
		for _, o := range order {
			if o == c {
				return
			}
		}
		order = append(order, c)
	}

	for _, r := range results {
		retired = append(retired, r.Retired...)
		replacing.Merge(Result{Replacements: r.Replacements, Upgrades: r.Upgrades})
		own.add(r)
		for _, c := range sortedKeys(r.Waiting) {
			if _, ok := waiting[c]; !ok {
				waiting[c] = r.Waiting[c]
			}
			addComponent(c)
		}
		for _, c := range sortedKeys(r.Warnings) {
			if _, ok := warnings[c]; !ok {
				warnings[c] = r.Warnings[c]
			}
		}
		for _, res := range r.Resources {
			if seen[res.Name] {
				return nil, fmt.Errorf("internal error: two builders render the composed resource %q", res.Name)
			}
			seen[res.Name] = true
			addComponent(Component(res.Name))
			out.Resources = append(out.Resources, DesiredResource{
				Name:   res.Name,
				Object: res.Object,
				Ready:  ready(env.Observed, res),
			})
		}
	}

	out.Owned, out.Successions = own.owned, own.successions
	for _, r := range out.Resources {
		if own.undeclared(r.Name) {
			return nil, fmt.Errorf("internal error: %s is rendered under an owned prefix but neither wanted nor superseded", r.Name)
		}
	}
	own.stuck = stuckCreations(env.Observed)
	for _, name := range sortedKeys(env.Observed) {
		if seen[name] {
			continue
		}
		if isRetired(name, retired) || own.retires(name, seen) {
			if env.DeletionProtection && holdsProtectedData(env.Observed[name]) {
				return nil, Invalid("spec.deletionProtection",
					"restore the spec; to remove it for good, set spec.deletionProtection: false, let it apply, then make the edit",
					"the edit would delete %s (%v %v), which holds data, while deletion protection is on", name, env.Observed[name]["kind"], ExternalName(env.Observed[name]))
			}
			continue
		}
		obs := env.Observed[name]
		if obs["apiVersion"] == nil || obs["kind"] == nil {
			// Nothing Crossplane could apply; Crossplane never sends such an object.
			continue
		}
		addComponent(Component(name))
		out.Resources = append(out.Resources, DesiredResource{
			Name:   name,
			Object: keepAsObserved(obs, env.ResourceName(name)),
			Ready:  conditionTrue(obs, "Ready") && creationSettled(obs),
			Kept:   true,
		})
	}

	for _, c := range order {
		st := ComponentState{Name: c, Message: waiting[c]}
		for _, r := range out.Resources {
			if Component(r.Name) != c {
				continue
			}
			st.Resources++
			if r.Ready {
				st.ReadyResources++
			} else if st.Message == "" {
				st.Message = notReadyMessage(env.Observed, r.Name)
			}
		}
		st.Ready = st.ReadyResources == st.Resources && waiting[c] == ""
		if st.Message == "" {
			st.Message = warnings[c]
		}
		out.Components = append(out.Components, st)
	}
	reportSync(env.Observed, out, replacing.Replacements, replacing.Upgrades)
	out.Replacements, out.Upgrades = replacing.Replacements, replacing.Upgrades
	for _, c := range sortedKeys(warnings) {
		out.Warnings = append(out.Warnings, c+": "+warnings[c])
	}
	return out, nil
}

// ready decides a desired resource's readiness from observed state. A resource whose creation is not
// done (creation.go) is not ready, whatever its rule: a ProviderConfig-like object that exists in the API
// server may still have no counterpart.
func ready(o Observed, r *Resource) bool {
	if obj, ok := o[r.Name]; ok && !creationSettled(obj) {
		return false
	}
	switch r.Readiness {
	case AlwaysReady:
		return true
	case ReadyWhenObserved:
		return o.Exists(r.Name)
	default:
		return o.Ready(r.Name)
	}
}

// notReadyMessage says why a resource is not ready, for the component's status.
func notReadyMessage(o Observed, name string) string {
	obj, ok := o[name]
	if !ok {
		return name + ": being created"
	}
	if st, msg := Creation(obj); st == CreateInFlight || st == CreateFailing {
		return name + ": " + msg
	}
	if msg := conditionMessage(obj, "Synced"); msg != "" && !conditionTrue(obj, "Synced") {
		return name + ": " + msg
	}
	return name + ": waiting for Ready"
}

func isRetired(name string, retired []string) bool {
	for _, r := range retired {
		if name == r || (strings.HasSuffix(r, "-") && strings.HasPrefix(name, r)) {
			return true
		}
	}
	return false
}

// keepAsObserved is the desired form of an observed resource that no builder rendered: its identity,
// its external name (which the function may own; dropping it would make the provider lose the AWS
// resource) and its spec as it is, so that server-side apply changes nothing. An observed object always
// has a name; should it not read as one, the name the function gives the resource stands in.
func keepAsObserved(obs map[string]any, name string) map[string]any {
	out := map[string]any{
		"apiVersion": obs["apiVersion"],
		"kind":       obs["kind"],
	}
	md := map[string]any{"name": name}
	if m, ok := obs["metadata"].(map[string]any); ok {
		if n, ok := m["name"].(string); ok && n != "" {
			md["name"] = n
		}
		if a, ok := m["annotations"].(map[string]any); ok {
			if en, ok := a["crossplane.io/external-name"]; ok {
				md["annotations"] = map[string]any{"crossplane.io/external-name": en}
			}
		}
	}
	out["metadata"] = md
	if spec, ok := obs["spec"]; ok {
		out["spec"] = deepCopy(spec)
	}
	return out
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = deepCopy(x)
		}
		return s
	default:
		return v
	}
}

// DataKinds are the kinds whose loss loses data: databases, caches, KMS keys (whatever they encrypt
// becomes unreadable), buckets, hosted zones (delegation and records) and log groups.
var DataKinds = map[string]bool{
	"rds.aws.m.upbound.io/Instance":                 true,
	"elasticache.aws.m.upbound.io/ReplicationGroup": true,
	"kms.aws.m.upbound.io/Key":                      true,
	"s3.aws.m.upbound.io/Bucket":                    true,
	"route53.aws.m.upbound.io/Zone":                 true,
	"cloudwatchlogs.aws.m.upbound.io/Group":         true,
	"secretsmanager.aws.m.upbound.io/Secret":        true,
}

// holdsProtectedData reports whether an observed resource is of a data kind and was created under
// deletion protection (its management policies leave out Delete, see Stateful). A spec edit that retires
// one is refused while protection is on: the documented way to remove data is to turn protection off
// first, so that nothing is lost by a slip of the spec (removing spec.domain, turning CloudTrail off).
func holdsProtectedData(obs map[string]any) bool {
	api, _ := obs["apiVersion"].(string)
	kind, _ := obs["kind"].(string)
	if i := strings.IndexByte(api, '/'); i < 0 || !DataKinds[api[:i]+"/"+kind] {
		return false
	}
	return OrphansOnDelete(obs)
}

// OrphansOnDelete reports whether an object's management policies leave out Delete (see Stateful): Crossplane
// orphans it in AWS when it goes away. Objects without management policies have the default, "*".
func OrphansOnDelete(obj map[string]any) bool {
	spec, _ := obj["spec"].(map[string]any)
	policies, ok := spec["managementPolicies"].([]any)
	if !ok {
		return false
	}
	for _, p := range policies {
		if p == "Delete" || p == "*" {
			return false
		}
	}
	return true
}

// ExternalName returns an object's crossplane.io/external-name annotation, or "".
func ExternalName(obs map[string]any) string {
	md, _ := obs["metadata"].(map[string]any)
	a, _ := md["annotations"].(map[string]any)
	s, _ := a["crossplane.io/external-name"].(string)
	return s
}

// AsObserved starts the desired form of an observed resource from what is observed, the way Assemble
// keeps a resource no builder rendered (identity, external name, spec as it is), for a builder that must
// change a field of a resource it no longer renders from the spec: a node group being replaced gets a
// taint and nothing else. ok is false when the resource is not observed or has no apiVersion and kind.
func (e *Env) AsObserved(name string) (*MR, bool) {
	obs, ok := e.Observed[name]
	if !ok || obs["apiVersion"] == nil || obs["kind"] == nil {
		return nil, false
	}
	obj := keepAsObserved(obs, e.ResourceName(name))
	if _, ok := obj["spec"].(map[string]any); !ok {
		obj["spec"] = map[string]any{}
	}
	return &MR{r: &Resource{Name: name, Object: obj}, env: e}, true
}
