package compose

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// msgStuck is crossplane-runtime v2.4.0's errCreateIncomplete as its managed reconciler writes it into Synced.
const msgStuck = "cannot determine creation result - remove the crossplane.io/external-create-pending annotation if it is safe to proceed"

// creating is an observed managed resource with the given create annotations (pending, succeeded; "" for
// unset) and, when synced is not "", a Synced condition with that status and message. Ready is False/Creating,
// as crossplane-runtime marks a resource it has not created.
func creating(apiVersion, kind, pending, succeeded, synced, msg string) map[string]any {
	ann := map[string]any{}
	if pending != "" {
		ann[AnnotationCreatePending] = pending
	}
	if succeeded != "" {
		ann[AnnotationCreateSucceeded] = succeeded
	}
	conds := []any{map[string]any{"type": "Ready", "status": "False", "reason": "Creating"}}
	if synced != "" {
		c := map[string]any{"type": "Synced", "status": synced, "reason": "ReconcileError"}
		if synced == "True" {
			c["reason"] = "ReconcileSuccess"
		}
		if msg != "" {
			c["message"] = msg
		}
		conds = append(conds, c)
	}
	return map[string]any{
		"apiVersion": apiVersion, "kind": kind,
		"metadata": map[string]any{"name": "seed-x1", "namespace": "team-a", "annotations": ann},
		"status":   map[string]any{"conditions": conds},
	}
}

func TestCreation(t *testing.T) {
	const t0, t1 = "2026-12-02T10:00:00Z", "2026-12-02T10:00:05Z"
	vpc := func(pending, succeeded, synced, msg string) map[string]any {
		return creating("ec2.aws.m.upbound.io/v1beta1", "VPC", pending, succeeded, synced, msg)
	}
	cases := map[string]struct {
		reason  string
		obj     map[string]any
		want    CreationState
		wantMsg string // a substring
	}{
		"NoAnnotations": {reason: "Nothing started a create: settled.", obj: vpc("", "", "True", ""), want: Created},
		"Succeeded": {
			reason: "Pending, then succeeded later: the result is recorded.",
			obj:    vpc(t0, t1, "True", ""), want: Created,
		},
		"SameSecond": {
			reason: "Pending and succeeded in the same second (RFC 3339 has no fraction): pending is not newer, as in crossplane-runtime.",
			obj:    vpc(t0, t0, "True", ""), want: Created,
		},
		"Stuck": {
			reason: "Pending newest and the provider refuses to go on: incomplete, with the annotation and the provider's message.",
			obj:    vpc(t1, t0, "False", msgStuck), want: CreateIncomplete,
			wantMsg: "crossplane.io/external-create-pending 2026-12-02T10:00:05Z is newer than external-create-succeeded and -failed) and will not retry: " + msgStuck,
		},
		"StuckNoSucceeded": {
			reason: "A first create that never recorded its result.",
			obj:    vpc(t0, "", "False", msgStuck), want: CreateIncomplete, wantMsg: "will not retry",
		},
		"InFlight": {
			reason: "Pending newest, no error: the create call is under way.",
			obj:    vpc(t0, "", "", ""), want: CreateInFlight, wantMsg: "being created (crossplane.io/external-create-pending 2026-12-02T10:00:00Z, not confirmed yet)",
		},
		"InFlightSynced": {
			reason: "Synced=True from an earlier reconcile does not settle a create in flight.",
			obj:    vpc(t0, "", "True", ""), want: CreateInFlight,
		},
		"StaleMessage": {
			reason: "The operator removed the annotation; the provider has not reconciled since: the message alone is no doubt.",
			obj:    vpc("", "", "False", msgStuck), want: Created,
		},
		"Unparsable": {
			reason: "A pending timestamp that does not parse counts as unset (crossplane-runtime proceeds).",
			obj:    vpc("yesterday", "", "False", msgStuck), want: Created,
		},
		"CreateFailed": {
			reason: "A failed create call the provider retries.",
			obj:    vpc("", "", "False", "create failed: async create failed: InvalidParameterValue"), want: CreateFailing,
			wantMsg: "create failed: async create failed: InvalidParameterValue",
		},
		"CreateFailedPendingOlder": {
			reason: "external-create-failed newer than pending, Synced says the create failed: failing, not stuck.",
			obj: func() map[string]any {
				o := vpc(t0, "", "False", "create failed: boom")
				o["metadata"].(map[string]any)["annotations"].(map[string]any)[AnnotationCreateFailed] = t1
				return o
			}(),
			want: CreateFailing,
		},
		"RefsNotResolved": {
			reason: "Synced=False for references not resolvable yet is no create failure (Sync reports it as pending).",
			obj:    vpc("", "", "False", msgRefs), want: Created,
		},
		"Garbage": {
			reason: "Annotations of the wrong type: settled, no panic.",
			obj:    map[string]any{"metadata": map[string]any{"annotations": "x"}, "status": 3},
			want:   Created,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, msg := Creation(tc.obj)
			if got != tc.want {
				t.Errorf("%s\nCreation() = %v, want %v (message %q)", tc.reason, got, tc.want, msg)
			}
			if !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("%s\nCreation() message %q, want it to contain %q", tc.reason, msg, tc.wantMsg)
			}
		})
	}
}

// TestAssembleCreateIncomplete: a composed resource stuck in creation is named in its component's message with
// what to do for its kind, keeps the XR from Ready (whatever its readiness rule), sets Applied=False/CreateIncomplete
// and retires nothing its successor rule supersedes; a create in flight or failing is CreatePending.
func TestAssembleCreateIncomplete(t *testing.T) {
	const t0 = "2026-12-02T10:00:00Z"
	stuck := func(apiVersion, kind string) map[string]any {
		return creating(apiVersion, kind, t0, "", "False", msgStuck)
	}
	ready := func(apiVersion, kind string) map[string]any {
		o := creating(apiVersion, kind, "", "", "True", "")
		o["status"].(map[string]any)["conditions"] = []any{
			map[string]any{"type": "Ready", "status": "True", "reason": "Available"},
			map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess"},
		}
		return o
	}
	type want struct {
		components map[string]string // component → message substring
		ready      map[string]bool   // component → Ready
		applied    Condition         // Message: substring
		kept       []string          // observed resources left in desired state
		dropped    []string          // observed resources retired
	}
	cases := map[string]struct {
		reason   string
		observed Observed
		results  func(env *Env) []Result
		want     want
	}{
		"AWSAssigned": {
			reason: "A VPC stuck in creation: AWS assigns its ID, so the message says to find and import or delete the orphan first.",
			observed: Observed{
				"network-vpc": stuck("ec2.aws.m.upbound.io/v1beta1", "VPC"),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.NewAWS("network-vpc", "ec2.aws.m.upbound.io/v1beta1", "VPC"))
				return []Result{r}
			},
			want: want{
				components: map[string]string{"network": "network-vpc: creation incomplete: the provider stopped during its create call (crossplane.io/external-create-pending 2026-12-02T10:00:00Z is newer than external-create-succeeded and -failed) and will not retry: " + msgStuck + "; AWS assigns its ID, so the interrupted create may have made one: find it (tag crossplane-name=seed-x1) and import it (set crossplane.io/external-name to its ID) or delete it, then kubectl -n team-a annotate vpc.ec2.aws.m.upbound.io seed-x1 crossplane.io/external-create-pending-"},
				ready:      map[string]bool{"network": false},
				applied:    Condition{Type: ConditionApplied, Reason: ReasonCreateIncomplete, Message: "creation incomplete, the provider will not retry: network-vpc (network-vpc: AWS assigns its ID"},
			},
		},
		"FunctionSetsName": {
			reason: "A bucket whose external name the function sets: removing the annotation is safe, and the message says so and how.",
			observed: Observed{
				"storage-bucket": stuck("s3.aws.m.upbound.io/v1beta1", "Bucket"),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.NewAWS("storage-bucket", "s3.aws.m.upbound.io/v1beta1", "Bucket").ExternalName("seed-logs-123"))
				return []Result{r}
			},
			want: want{
				components: map[string]string{"storage": "its external name seed-logs-123 is set by the function, so removing the annotation is safe: kubectl -n team-a annotate bucket.s3.aws.m.upbound.io seed-x1 crossplane.io/external-create-pending-"},
				ready:      map[string]bool{"storage": false},
				applied:    Condition{Type: ConditionApplied, Reason: ReasonCreateIncomplete, Message: "storage-bucket"},
			},
		},
		"BeatsWaiting": {
			reason: "The component also waits for something: the stuck resource still comes first, since it needs a person.",
			observed: Observed{
				"cluster-eks": stuck("eks.aws.m.upbound.io/v1beta1", "Cluster"),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.NewAWS("cluster-eks", "eks.aws.m.upbound.io/v1beta1", "Cluster"))
				r.Wait("cluster", "cluster-auth waits for cluster-eks to be Ready")
				return []Result{r}
			},
			want: want{
				components: map[string]string{"cluster": "cluster-eks: creation incomplete"},
				ready:      map[string]bool{"cluster": false},
				applied:    Condition{Type: ConditionApplied, Reason: ReasonCreateIncomplete, Message: "cluster-eks"},
			},
		},
		"ReadyWhenObserved": {
			reason: "A kind ready once observed is not ready while its creation is incomplete.",
			observed: Observed{
				"apps-config": stuck("kubernetes.m.crossplane.io/v1alpha1", "Object"),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.New("apps-config", "kubernetes.m.crossplane.io/v1alpha1", "Object").ReadyWhen(ReadyWhenObserved))
				return []Result{r}
			},
			want: want{
				components: map[string]string{"apps": "its external name is derived from its parameters, so removing the annotation is safe"},
				ready:      map[string]bool{"apps": false},
				applied:    Condition{Type: ConditionApplied, Reason: ReasonCreateIncomplete, Message: "apps-config"},
			},
		},
		"NothingRetired": {
			reason: "A successor stuck in creation: the version it supersedes is kept (it serves), though the rule " +
				"(retire once the current is rendered) holds.",
			observed: Observed{
				"apps-web-migrate-v1": ready("kubernetes.m.crossplane.io/v1alpha1", "Object"),
				"apps-web-migrate-v2": stuck("kubernetes.m.crossplane.io/v1alpha1", "Object"),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.New("apps-web-migrate-v2", "kubernetes.m.crossplane.io/v1alpha1", "Object"))
				r.Supersede("apps-web-migrate-", "apps-web-migrate-v2")
				return []Result{r}
			},
			want: want{
				components: map[string]string{"apps": "apps-web-migrate-v2: creation incomplete"},
				ready:      map[string]bool{"apps": false},
				applied:    Condition{Type: ConditionApplied, Reason: ReasonCreateIncomplete, Message: "apps-web-migrate-v2"},
				kept:       []string{"apps-web-migrate-v1"},
			},
		},
		"RetiredOnceCreated": {
			reason: "The same successor once created: the older version goes as the rule says.",
			observed: Observed{
				"apps-web-migrate-v1": ready("kubernetes.m.crossplane.io/v1alpha1", "Object"),
				"apps-web-migrate-v2": ready("kubernetes.m.crossplane.io/v1alpha1", "Object"),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.New("apps-web-migrate-v2", "kubernetes.m.crossplane.io/v1alpha1", "Object"))
				r.Supersede("apps-web-migrate-", "apps-web-migrate-v2")
				return []Result{r}
			},
			want: want{
				ready:   map[string]bool{"apps": true},
				applied: Condition{Type: ConditionApplied, Status: true, Reason: ReasonSynced},
				dropped: []string{"apps-web-migrate-v1"},
			},
		},
		"InFlight": {
			reason: "A create call under way: CreatePending, the component names the annotation, not ready.",
			observed: Observed{
				"network-vpc": creating("ec2.aws.m.upbound.io/v1beta1", "VPC", t0, "", "", ""),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.NewAWS("network-vpc", "ec2.aws.m.upbound.io/v1beta1", "VPC"))
				return []Result{r}
			},
			want: want{
				components: map[string]string{"network": "network-vpc: being created (crossplane.io/external-create-pending 2026-12-02T10:00:00Z, not confirmed yet)"},
				ready:      map[string]bool{"network": false},
				applied:    Condition{Type: ConditionApplied, Reason: ReasonCreatePending, Message: "create pending: network-vpc"},
			},
		},
		"CreateFailing": {
			reason: "A create call that failed and is retried: CreatePending (not \"update pending\"), the component quotes the provider.",
			observed: Observed{
				"network-vpc": creating("ec2.aws.m.upbound.io/v1beta1", "VPC", "", "", "False", "create failed: VpcLimitExceeded"),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.NewAWS("network-vpc", "ec2.aws.m.upbound.io/v1beta1", "VPC"))
				return []Result{r}
			},
			want: want{
				components: map[string]string{"network": "network-vpc: create failed: VpcLimitExceeded"},
				ready:      map[string]bool{"network": false},
				applied:    Condition{Type: ConditionApplied, Reason: ReasonCreatePending, Message: "create pending: network-vpc"},
			},
		},
		"RefusedFirst": {
			reason: "A refused update and a stuck creation: UpdateRefused is the reason, both are in the message.",
			observed: Observed{
				"network-vpc": stuck("ec2.aws.m.upbound.io/v1beta1", "VPC"),
				"cluster-eks": synced("False", "ReconcileError", msgUpjetSDK, 0, 0),
			},
			results: func(env *Env) []Result {
				var r Result
				r.Add(env.NewAWS("network-vpc", "ec2.aws.m.upbound.io/v1beta1", "VPC"), env.NewAWS("cluster-eks", "eks.aws.m.upbound.io/v1beta1", "Cluster"))
				return []Result{r}
			},
			want: want{
				ready:   map[string]bool{"network": false},
				applied: Condition{Type: ConditionApplied, Reason: ReasonUpdateRefused, Message: "; creation incomplete, the provider will not retry: network-vpc"},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := &Env{Name: "prod", Namespace: "ns", Observed: tc.observed}
			a, err := Assemble(env, tc.results(env)...)
			if err != nil {
				t.Fatalf("%s\nAssemble(): %v", tc.reason, err)
			}
			comps := map[string]ComponentState{}
			for _, c := range a.Components {
				comps[c.Name] = c
			}
			for c, msg := range tc.want.components {
				if !strings.Contains(comps[c].Message, msg) {
					t.Errorf("%s\ncomponent %s message:\n  %q\nwant it to contain\n  %q", tc.reason, c, comps[c].Message, msg)
				}
			}
			for c, r := range tc.want.ready {
				if comps[c].Ready != r {
					t.Errorf("%s\ncomponent %s Ready = %v, want %v (%+v)", tc.reason, c, comps[c].Ready, r, comps[c])
				}
			}
			got := a.Applied
			if !strings.Contains(got.Message, tc.want.applied.Message) {
				t.Errorf("%s\nApplied message %q, want it to contain %q", tc.reason, got.Message, tc.want.applied.Message)
			}
			got.Message, tc.want.applied.Message = "", ""
			if diff := cmp.Diff(tc.want.applied, got); diff != "" {
				t.Errorf("%s\nApplied: -want, +got:\n%s", tc.reason, diff)
			}
			desired := map[string]bool{}
			for _, r := range a.Resources {
				desired[r.Name] = true
			}
			for _, n := range tc.want.kept {
				if !desired[n] {
					t.Errorf("%s\n%s was retired, want it kept", tc.reason, n)
				}
			}
			for _, n := range tc.want.dropped {
				if desired[n] {
					t.Errorf("%s\n%s was kept, want it retired", tc.reason, n)
				}
			}
		})
	}
}
