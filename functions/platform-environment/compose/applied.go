package compose

import (
	"fmt"
	"sort"
	"strings"
)

// The XR condition Applied says whether the spec has reached AWS (and the cluster), which readiness cannot
// tell: a managed resource whose update the provider refuses stays Ready — the old resource keeps serving —
// while the edit never happens. Crossplane never replaces a managed resource (upjet refuses a change of a
// ForceNew field, the API server one of an immutable field), so a refused update stays refused until the spec
// is restored or the function replaces the resource under a new name.
//
// Applied is written on every successful pass and only reports: gates (what renders next) keep using Ready.
const (
	ConditionApplied = "Applied"

	// ReasonSynced (True): every desired composed resource that is observed is Synced at its current spec.
	// Resources not observed yet are being created; the Ready condition and status.components tell.
	ReasonSynced = "Synced"
	// ReasonUpdateRefused (False): a provider or the API server refused an update because it needs a
	// replacement. It never resolves by itself: restore the spec (see docs/app-teams.md).
	ReasonUpdateRefused = "UpdateRefused"
	// ReasonReplacing (False): the function is replacing a resource, create before destroy; the message says
	// each replacement's step.
	ReasonReplacing = "Replacing"
	// ReasonUpgrading (False): the function is stepping an in-place change through resources in an order it
	// keeps (a Kubernetes version: control plane, node groups, add-ons); each step waits for the one before
	// to be observed, so between two steps every resource may be Synced while the spec has not reached all of
	// them. The message says the step.
	ReasonUpgrading = "Upgrading"
	// ReasonUpdatePending (False): a resource is not Synced for another reason (the provider has not reconciled
	// the new spec yet, a reference is not resolvable yet, an AWS error it retries).
	ReasonUpdatePending = "UpdatePending"
	// ReasonCreateIncomplete (False): a provider stopped during a resource's create call and will not retry
	// (creation.go). It never resolves by itself: the component's message says whether removing
	// crossplane.io/external-create-pending is safe for the kind, or what to do first (docs/packaging.md,
	// "Failures and recovery").
	ReasonCreateIncomplete = "CreateIncomplete"
	// ReasonCreatePending (False): a resource's create call is under way (external-create-pending not
	// confirmed yet) or failed and is retried ("create failed: …").
	ReasonCreatePending = "CreatePending"
)

// Condition is one XR condition as the function reports it.
type Condition struct {
	Type    string
	Status  bool
	Reason  string
	Message string
}

// SyncState is what an observed resource's Synced condition says about its last update. The function has
// no clock, so it classifies by what the condition says, never by how long it has said it.
type SyncState int

const (
	// InSync: Synced=True at the resource's current generation, or no Synced condition yet (a resource just
	// created, which no provider has reconciled: that is creation, which readiness reports).
	InSync SyncState = iota
	// UpdatePending: Synced is not True (any reason but a refusal), or True for an older generation.
	UpdatePending
	// UpdateRefused: Synced is not True and its message is a replacement refusal.
	UpdateRefused
)

// replacementRefusals are the messages, lower case, with which the providers and the API server refuse an
// update that needs a new resource. Each comes from its source:
//   - upjet (crossplane/upjet v2, pkg/controller/external.go, assertNoForceNew on Terraform plugin SDK
//     resources): "refuse to update the external resource because the following update requires replacing
//     it: cannot change the value of the argument ..."; synchronous or, with async resources, after
//     "async update failed: ";
//   - upjet on Terraform plugin framework resources (external_tfpluginfw.go): "diff contains fields that
//     require resource replacement: ...";
//   - the Kubernetes API server, through provider-kubernetes ("cannot apply object: Job.batch ... is invalid:
//     spec.template: ...: field is immutable", provider-kubernetes v1.3.0 object/cleanerr.go) or provider-helm
//     ("failed to upgrade release: ..."): "field is immutable", "is immutable after creation" (a bound
//     PersistentVolumeClaim's spec) and a StatefulSet's "updates to statefulset spec for fields other than";
//   - the AWS Load Balancer Controller's TargetGroupBinding webhook (webhooks/elbv2): "TargetGroupBinding
//     update may not change these fields: spec.targetGroupARN".
var replacementRefusals = []string{
	"refuse to update the external resource because the following update requires replacing it",
	"diff contains fields that require resource replacement",
	"field is immutable",
	"is immutable after creation",
	"updates to statefulset spec for fields other than",
	"update may not change these fields",
}

// IsReplacementRefusal reports whether a Synced message refuses an update because it needs a replacement.
func IsReplacementRefusal(msg string) bool {
	m := strings.ToLower(msg)
	for _, r := range replacementRefusals {
		if strings.Contains(m, r) {
			return true
		}
	}
	return false
}

// Sync classifies an observed object by its Synced condition and returns the condition's message (or what
// stands for it).
func Sync(obj map[string]any) (SyncState, string) {
	c, ok := condition(obj, "Synced")
	if !ok {
		return InSync, ""
	}
	msg, _ := c["message"].(string)
	if c["status"] != "True" {
		if IsReplacementRefusal(msg) {
			return UpdateRefused, msg
		}
		if msg == "" {
			reason, _ := c["reason"].(string)
			msg = fmt.Sprintf("Synced=%v", c["status"])
			if reason != "" {
				msg += " (" + reason + ")"
			}
		}
		return UpdatePending, msg
	}
	// crossplane-runtime v2 stamps each condition with the generation it was set for: a newer generation
	// is a spec the provider has not reconciled yet. Conditions without one (older providers, upjet's async
	// callbacks) are taken as they are.
	gen, _ := asInt(lookup(obj, "metadata.generation"))
	seen, ok := asInt(c["observedGeneration"])
	if ok && seen > 0 && gen > seen {
		return UpdatePending, fmt.Sprintf("generation %d not reconciled yet (Synced at %d)", gen, seen)
	}
	return InSync, ""
}

// condition returns obj's status.conditions entry of type t.
func condition(obj map[string]any, t string) (map[string]any, bool) {
	conds, _ := fieldpathSlice(obj, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == t {
			return m, true
		}
	}
	return nil, false
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}

// Replacing records that the function is replacing a resource of a component, create before destroy, and the
// step it is at (e.g. "new node group Ready; old group tainted NoSchedule"). The XR's Applied condition is
// then False/Replacing naming each step, and the component's message says the step. It changes nothing that
// renders. The first step recorded for a component wins.
func (r *Result) Replacing(component, step string) { setFirst(&r.Replacements, component, step) }

// Upgrading records that the function is stepping an in-place change of a component and the step it is at
// (e.g. "node group 1.35 → 1.36; add-ons follow"). The XR's Applied condition is then False/Upgrading naming
// each step (unless a refusal, an incomplete creation or a replacement says more), and the component's message
// says the step. It changes nothing that renders and no readiness. The first step recorded for a component wins.
func (r *Result) Upgrading(component, step string) { setFirst(&r.Upgrades, component, step) }

// maxNamed is how many resources a message names before it says "and N more".
const maxNamed = 5

// maxQuoted cuts a provider's message quoted in the XR condition; the component's message has all of it.
const maxQuoted = 300

// reportSync writes what the observed Synced conditions say into the assembled state: the Applied
// condition, and the message of each component with a resource whose update is refused, being replaced or
// (for a resource that is Ready, whose message would otherwise say nothing) pending, and of each component
// with a resource whose creation is incomplete (creation.go). For a component the refusal comes first (it
// needs a person), then an incomplete creation (so does it), then a replacement's step, then an upgrade's
// step, then what the component waits for or its first unready resource, then a pending update. A resource whose creation is in
// doubt or failing counts for Applied as a creation, never as a pending update.
func reportSync(o Observed, a *Assembled, replacements, upgrades map[string]string) {
	var refused, pending, incomplete, creating []string
	firstRefusal, firstIncomplete := "", ""
	refusal := map[string]string{} // component → its first refused resource's message
	stuck := map[string]string{}   // component → its first resource whose creation is incomplete
	update := map[string]string{}  // component → its first Ready resource's pending update
	observed := 0
	for _, r := range a.Resources {
		obj, ok := o[r.Name]
		if !ok {
			continue
		}
		observed++
		c := Component(r.Name)
		switch cs, msg := Creation(obj); cs {
		case CreateIncomplete:
			incomplete = append(incomplete, r.Name)
			advice := createIncompleteAdvice(r.Object, obj)
			if firstIncomplete == "" {
				firstIncomplete = r.Name + ": " + cut(advice, maxQuoted)
			}
			if _, ok := stuck[c]; !ok {
				stuck[c] = r.Name + ": " + msg + "; " + advice
			}
			continue
		case CreateInFlight, CreateFailing:
			creating = append(creating, r.Name)
			continue
		}
		st, msg := Sync(obj)
		switch st {
		case UpdateRefused:
			refused = append(refused, r.Name)
			line := r.Name + ": update refused, it needs a replacement: " + msg
			if firstRefusal == "" {
				firstRefusal = r.Name + ": " + cut(msg, maxQuoted)
			}
			if _, ok := refusal[c]; !ok {
				refusal[c] = line
			}
		case UpdatePending:
			pending = append(pending, r.Name)
			if _, ok := update[c]; !ok && r.Ready {
				update[c] = r.Name + ": update pending: " + msg
			}
		}
	}
	for i := range a.Components {
		st := &a.Components[i]
		switch {
		case refusal[st.Name] != "":
			st.Message = refusal[st.Name]
		case stuck[st.Name] != "":
			st.Message = stuck[st.Name]
		case replacements[st.Name] != "":
			st.Message = "replacing: " + replacements[st.Name]
		case upgrades[st.Name] != "":
			st.Message = "upgrading: " + upgrades[st.Name]
		case st.Message == "":
			st.Message = update[st.Name]
		}
	}

	var parts []string
	if len(refused) > 0 {
		parts = append(parts, "update refused, it needs a replacement: "+named(refused)+" ("+firstRefusal+")")
	}
	if len(incomplete) > 0 {
		parts = append(parts, "creation incomplete, the provider will not retry: "+named(incomplete)+" ("+firstIncomplete+")")
	}
	if len(replacements) > 0 {
		parts = append(parts, "replacing "+steps(replacements))
	}
	if len(upgrades) > 0 {
		parts = append(parts, "upgrading "+steps(upgrades))
	}
	if len(creating) > 0 {
		parts = append(parts, "create pending: "+named(creating))
	}
	if len(pending) > 0 {
		parts = append(parts, "update pending: "+named(pending))
	}
	cond := Condition{Type: ConditionApplied, Message: strings.Join(parts, "; ")}
	switch {
	case len(refused) > 0:
		cond.Reason = ReasonUpdateRefused
	case len(incomplete) > 0:
		cond.Reason = ReasonCreateIncomplete
	case len(replacements) > 0:
		cond.Reason = ReasonReplacing
	case len(upgrades) > 0:
		cond.Reason = ReasonUpgrading
	case len(creating) > 0:
		cond.Reason = ReasonCreatePending
	case len(pending) > 0:
		cond.Reason = ReasonUpdatePending
	default:
		cond.Status, cond.Reason = true, ReasonSynced
		// Counted, not claimed: a ProviderConfig has no Synced condition, and what is not observed yet is
		// being created, which Ready reports.
		cond.Message = fmt.Sprintf("no update refused or pending among the %d observed composed resources", observed)
		if n := len(a.Resources) - observed; n > 0 {
			cond.Message += fmt.Sprintf("; %d being created", n)
		}
	}
	a.Applied = cond
}

// steps lists each component's step, "<component>: <step>", by component.
func steps(byComponent map[string]string) string {
	var s []string
	for _, c := range sortedKeys(byComponent) {
		s = append(s, c+": "+byComponent[c])
	}
	return strings.Join(s, "; ")
}

// named lists resource names, sorted, the first maxNamed of them.
func named(names []string) string {
	s := append([]string(nil), names...)
	sort.Strings(s)
	if len(s) <= maxNamed {
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(s[:maxNamed], ", "), len(s)-maxNamed)
}

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && (s[i]&0xC0) == 0x80 {
		i--
	}
	return s[:i] + "…"
}
