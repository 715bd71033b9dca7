// Package plan says what a PlatformEnvironment edit will do to a live environment before it merges: it renders the
// old and the new spec against the same observed state, in process (environment.Render), and compares the two
// desired states per composition resource name. Comparing two renders, not the new render with the observed spec,
// keeps the values the providers late-initialise out of the plan.
//
// Two views: the first reconcile after the merge, and the eventual state, reached by walking the new spec to a
// fixed point with the simulated observations the goldens use (package observe). The simulation is not AWS: it
// makes every resource Ready at once, never fails, and reports the fake IDs and ARNs of package observe; a resource
// that waits on something AWS decides (a certificate's validation, a node group's health) converges here in passes, not
// minutes, and an update the provider would refuse (blocked) is applied here as if it succeeded.
package plan

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
)

// Actions, in the order a plan lists resources of equal data-ness.
const (
	Create  = "create"
	Update  = "update"
	Replace = "replace"
	Delete  = "delete"
	Orphan  = "orphan"
	Blocked = "blocked"
)

// Unset is what a plan shows as the new value of a field the new spec no longer sets: Crossplane stops managing
// it, and the provider keeps whatever AWS has.
const Unset = "unset by Crossplane — the provider may keep its value"

// Field is one changed field of a resource. Old or New is nil when the field is set on one side only; Unset marks a
// field the new render no longer sets.
type Field struct {
	Path              string `json:"path"`
	Old               any    `json:"old"`
	New               any    `json:"new"`
	Unset             bool   `json:"unset,omitempty"`
	ForcesReplacement bool   `json:"forcesReplacement"`
}

// Resource is one composed resource that the edit changes.
type Resource struct {
	// Name is the composition resource name (of the new resource, for a replacement).
	Name string `json:"name"`
	// Replaces is the composition resource name a replacement retires.
	Replaces string `json:"replaces,omitempty"`
	Kind     string `json:"kind"`
	// AWSName is the external name (observed, else desired), else metadata.name.
	AWSName string  `json:"awsName"`
	Action  string  `json:"action"`
	Data    bool    `json:"data,omitempty"`
	Fields  []Field `json:"fields,omitempty"`
	// Reason says why: the field that forces a replacement, the reason a field cannot be updated in place.
	Reason string `json:"reason,omitempty"`
}

// Summary counts resources by action.
type Summary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
	Orphan  int `json:"orphan"`
	Blocked int `json:"blocked"`
	// DataAtRisk counts data resources (compose.DataKinds) deleted or replaced.
	DataAtRisk int `json:"dataAtRisk"`
}

// View is the plan at one point in time.
type View struct {
	Resources []Resource `json:"resources"`
	Summary   Summary    `json:"summary"`
	// Fatal is the function's refusal of a pass (the render's Fatal result); nothing is applied from it.
	Fatal string `json:"fatal,omitempty"`
	// Passes is how many reconciles the eventual state took (eventual view only).
	Passes int `json:"passes,omitempty"`
}

// Plan is what an edit does. The top-level resources and summary are the eventual state.
type Plan struct {
	View
	// FirstReconcile is what the first reconcile after the merge does.
	FirstReconcile View `json:"firstReconcile"`
	// Refused is admission's refusal of the new spec (the API server's message); nothing else happens then.
	Refused []string `json:"refused,omitempty"`
	// Destroy is set for a plan of deleting the environment.
	Destroy bool `json:"destroy,omitempty"`
	// Skew lists the composed resources whose fields Crossplane's apply manager owns (metadata.managedFields) differ
	// from this plan's render of the live spec: the function version that applied them renders otherwise. Not a
	// change of the edit; the fields are old = applied, new = this render.
	Skew []Resource `json:"functionVersionSkew,omitempty"`
	// Cost is the estimated monthly cost before and after (absent when admission, or a Fatal other than the budget's,
	// refuses the new spec).
	Cost *Cost `json:"cost,omitempty"`
}

// Changes reports whether the plan changes anything.
func (p *Plan) Changes() bool {
	return len(p.Resources) > 0 || len(p.FirstReconcile.Resources) > 0
}

// NeedsHuman reports what exit code 3 means: refused (by admission or the budget), blocked, fatal, data at risk, or
// a destroy plan.
func (p *Plan) NeedsHuman() bool {
	return p.Destroy || len(p.Refused) > 0 || (p.Cost != nil && p.Cost.BudgetRefused != "") ||
		p.Fatal != "" || p.FirstReconcile.Fatal != "" ||
		p.Summary.Blocked > 0 || p.FirstReconcile.Summary.Blocked > 0 ||
		p.Summary.DataAtRisk > 0 || p.FirstReconcile.Summary.DataAtRisk > 0
}

// Input is what a plan is computed from.
type Input struct {
	// Old is the live XR, nil for a new environment; New the XR after the merge, nil for a destroy plan (the PR
	// deletes the file).
	Old, New *v1alpha1.PlatformEnvironment
	// Observed are the observed composed resources by composition resource name, as JSON decodes them.
	Observed compose.Observed
	// Refused is admission's refusal of New, if any (see package admission).
	Refused []string
}

// maxPasses bounds the walk to the eventual state, as day2_test does.
const maxPasses = 30

// Compute renders Old and New against Observed and compares them.
func Compute(in Input) (*Plan, error) {
	lv, err := renderLive(in)
	if err != nil {
		return nil, err
	}
	p := compute(in, lv)
	if lv.refused && p.Cost != nil {
		p.Cost.Note = strings.TrimPrefix(p.Cost.Note+"; ", "; ") + fmt.Sprintf(
			"the live spec (generation %d) is itself refused by the budget (accepted: generation %d): before is its estimate, not what runs",
			lv.xr.Generation, lv.xr.Status.Budget.AcceptedGeneration)
	}
	return p, nil
}

// liveRender is render(OLD): its desired objects and status, and the XR as the guardrail sees it.
type liveRender struct {
	xr      *v1alpha1.PlatformEnvironment
	desired map[string]map[string]any
	kept    map[string]bool
	status  v1alpha1.PlatformEnvironmentStatus
	// refused: the live spec is an edit the budget refused.
	refused bool
}

// renderLive renders the live spec. When it is an edit the budget refused, Crossplane still runs what the accepted
// generation composed: the plan compares with the live spec's render all the same (without the limit), and judges
// the new edit against what the guardrail accepted (the live status.budget), as the function will.
func renderLive(in Input) (liveRender, error) {
	lv := liveRender{desired: map[string]map[string]any{}}
	if in.Old == nil {
		return lv, nil
	}
	lv.xr = accepted(in.Old)
	var err error
	lv.desired, lv.kept, lv.status, err = desired(lv.xr, in.Observed)
	if budgetRefusal(err) {
		lv.refused = true
		x := copyXR(lv.xr)
		x.Spec.Budget.MonthlyLimitUSD = nil
		lv.desired, lv.kept, lv.status, err = desired(x, in.Observed)
		lv.status.Budget = lv.xr.Status.Budget
	}
	if err != nil {
		return lv, fmt.Errorf("the live spec does not render (%v): the plan compares two renders and needs the old one", err)
	}
	return lv, nil
}

// compute compares the new spec's renders with the live one's.
func compute(in Input, lv liveRender) *Plan {
	in.Old = lv.xr
	oldDesired, oldStatus := lv.desired, lv.status
	var before *v1alpha1.CostOutputs
	if in.Old != nil {
		before = costOf(oldStatus)
	}
	p := &Plan{Refused: in.Refused}
	if in.Old != nil {
		p.Skew = skew(oldDesired, in.Observed)
	}
	if in.New == nil {
		p.Destroy = true
		p.FirstReconcile = compare(rendered{oldDesired, lv.kept}, rendered{}, in.Observed)
		p.View = p.FirstReconcile
		p.Cost = costDiff(before, nil)
		if n := p.Summary.Orphan; n > 0 {
			p.Cost.Note = fmt.Sprintf("after is the environment's estimate: the %d resource(s) deletion protection orphans stay in AWS and keep billing outside it", n)
		}
		return p
	}
	if len(in.Refused) > 0 {
		p.FirstReconcile.Resources, p.Resources = []Resource{}, []Resource{}
		return p
	}
	nu := live(in.Old, in.New)
	if in.Old != nil {
		// What the function writes on its next reconcile of the live spec (the live status.budget with the
		// current price table's estimate): what the edit is judged against.
		nu.Status.Budget = oldStatus.Budget
	}
	first, firstKept, st, err := desired(nu, in.Observed)
	if err != nil {
		p.FirstReconcile = View{Resources: []Resource{}, Fatal: err.Error()}
		p.View = p.FirstReconcile
		if budgetRefusal(err) {
			p.Cost = costDiff(before, estimateOnly(nu, in.Observed))
			p.Cost.BudgetRefused = err.Error()
			p.Cost.MonthlyLimitUSD = in.New.Spec.Budget.MonthlyLimitUSD
		}
		return p
	}
	p.Cost = costDiff(before, costOf(st))
	p.Cost.MonthlyLimitUSD = in.New.Spec.Budget.MonthlyLimitUSD
	old := rendered{oldDesired, lv.kept}
	p.FirstReconcile = compare(old, rendered{first, firstKept}, in.Observed)
	p.View = eventual(nu, st.Budget, in.Observed, old, rendered{first, firstKept})
	return p
}

// live is the new spec as the API server stores it over the live object: an apply changes neither the uid nor the
// status, and a changed spec is a new generation. The function reads all three (the uid in names, the status and
// generation in the budget guardrail).
func live(old, nu *v1alpha1.PlatformEnvironment) *v1alpha1.PlatformEnvironment {
	x := copyXR(nu)
	if old == nil {
		return x
	}
	x.UID, x.Generation, x.Status = old.UID, old.Generation, copyXR(old).Status
	if !reflect.DeepEqual(old.Spec, nu.Spec) {
		x.Generation++
	}
	return x
}

// eventual walks New to a fixed point from the observed state (which is the observation of oldDesired), as the
// day-2 property test does: an unchanged desired object keeps its observation, a changed or new one is observed
// afresh (functions/platform-environment/observe), until a pass changes nothing.
func eventual(xr *v1alpha1.PlatformEnvironment, budget *v1alpha1.BudgetStatus, observed compose.Observed, old, first rendered) View {
	opts := observe.Options{Namespace: xr.Namespace, Region: xr.Spec.Region}
	obs, prev, des := observed, old, first
	xr = copyXR(xr)
	for pass := 1; pass <= maxPasses; pass++ {
		if pass > 1 {
			xr.Status.Budget = budget // what the previous pass wrote
			d, kept, st, err := desired(xr, obs)
			budget = st.Budget
			if err != nil {
				v := compare(old, prev, observed)
				v.Fatal, v.Passes = fmt.Sprintf("pass %d: %v", pass, err), pass
				return v
			}
			des = rendered{d, kept}
		}
		next := compose.Observed{}
		for n, d := range des.objects {
			if o, ok := obs[n]; ok && reflect.DeepEqual(prev.objects[n], d) {
				next[n] = o
			} else {
				next[n] = observeJSON(n, d, opts)
			}
		}
		if reflect.DeepEqual(next, obs) {
			v := compare(old, des, observed)
			v.Passes = pass
			return v
		}
		obs, prev = next, des
	}
	v := compare(old, des, observed)
	v.Fatal, v.Passes = fmt.Sprintf("no fixed point after %d passes", maxPasses), maxPasses
	return v
}

// desired renders xr against observed and returns the desired objects by name, as JSON decodes them (the function
// builds some values as Go types; the observed files and the simulation hold JSON numbers).
// The status is the one the render writes; the budget guardrail reads its budget part back on the next pass.
// kept names the resources the render kept as observed (compose.Assemble: no builder rendered them this pass).
func desired(xr *v1alpha1.PlatformEnvironment, observed compose.Observed) (map[string]map[string]any, map[string]bool, v1alpha1.PlatformEnvironmentStatus, error) {
	a, st, err := environment.Render(xr, observed)
	if err != nil {
		return nil, nil, st, err
	}
	out := make(map[string]map[string]any, len(a.Resources))
	kept := map[string]bool{}
	for _, r := range a.Resources {
		out[r.Name] = jsonCopy(r.Object)
		if r.Kept {
			kept[r.Name] = true
		}
	}
	return out, kept, st, nil
}

// rendered is one render's desired objects by composition resource name, and which of them it kept as observed.
type rendered struct {
	objects map[string]map[string]any
	kept    map[string]bool
}

// copyXR deep-copies an XR (the API types have no generated DeepCopy).
func copyXR(x *v1alpha1.PlatformEnvironment) *v1alpha1.PlatformEnvironment {
	b, err := json.Marshal(x)
	if err != nil {
		panic(err)
	}
	out := &v1alpha1.PlatformEnvironment{}
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

func observeJSON(name string, d map[string]any, opts observe.Options) map[string]any {
	return jsonCopy(observe.Resource(name, d, opts))
}

func jsonCopy(o map[string]any) map[string]any {
	b, err := json.Marshal(o)
	if err != nil {
		panic(err) // the render's objects are JSON by construction
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
