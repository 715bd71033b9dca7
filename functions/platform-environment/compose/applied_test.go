package compose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Messages as the providers write them into Synced (crossplane-runtime's managed reconciler prefixes
// "update failed: " to the external client's error).
const (
	// upjet, Terraform plugin SDK resource (aws_eks_node_group: instance_types is ForceNew).
	msgUpjetSDK = `update failed: refuse to update the external resource because the following update requires replacing it: cannot change the value of the argument "instance_types.#" from "1" to "2"`
	// upjet, async resource: the refusal comes back through the async callback.
	msgUpjetAsync = `update failed: async update failed: refuse to update the external resource because the following update requires replacing it: cannot change the value of the argument "port" from "8080" to "9090"`
	// upjet, Terraform plugin framework resource.
	msgUpjetFramework = `update failed: diff contains fields that require resource replacement: request_interval, `
	// provider-kubernetes: a Job's pod template (cleanerr.go masks the pointers).
	msgJob = `update failed: cannot apply object: Job.batch "prod-apps-web-smoke" is invalid: spec.template: Invalid value: core.PodTemplateSpec{... TerminationGracePeriodSeconds:(*int64)(..ptr..)...}: field is immutable`
	// provider-helm: a chart upgrade that changes a Deployment's selector.
	msgHelm = `update failed: failed to upgrade release: cannot patch "aws-load-balancer-controller" with kind Deployment: Deployment.apps "aws-load-balancer-controller" is invalid: spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable`
	// AWS Load Balancer Controller webhook, through provider-kubernetes.
	msgTGB = `update failed: cannot apply object: admission webhook "vtargetgroupbinding.elbv2.k8s.aws" denied the request: TargetGroupBinding update may not change these fields: spec.targetGroupARN`
	// A bound PersistentVolumeClaim.
	msgPVC = `update failed: cannot apply object: PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims`
	// A StatefulSet's volumeClaimTemplates.
	msgSTS = `update failed: cannot apply object: StatefulSet.apps "redis" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`

	// Not refusals: an update the provider retries, references not resolvable yet, paused reconciliation.
	msgPriority = `update failed: async update failed: failed to update the resource: [{0 updating ELBv2 Listener Rule (arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/x/y/z): operation error Elastic Load Balancing v2: SetRulePriorities, https response error StatusCode: 400, PriorityInUse: Priority '10' is currently in use  []}]`
	msgRefs     = `cannot resolve references: mg.Spec.ForProvider.VPCID: referenced field was empty (referenced resource may not yet be ready)`
	msgPaused   = `Reconciliation is paused via the pause annotation`
)

// synced is an observed object with a Synced condition (status, reason, message) and, when gen > 0, a
// generation and the condition's observedGeneration.
func synced(status, reason, msg string, gen, seen int) map[string]any {
	c := map[string]any{"type": "Synced", "status": status, "reason": reason}
	if msg != "" {
		c["message"] = msg
	}
	if seen > 0 {
		c["observedGeneration"] = float64(seen) // as decoded from JSON
	}
	md := map[string]any{"name": "x"}
	if gen > 0 {
		md["generation"] = float64(gen)
	}
	return map[string]any{
		"apiVersion": "eks.aws.m.upbound.io/v1beta1", "kind": "NodeGroup", "metadata": md,
		"status": map[string]any{"conditions": []any{
			map[string]any{"type": "Ready", "status": "True", "reason": "Available"}, c,
		}},
	}
}

func TestSync(t *testing.T) {
	cases := map[string]struct {
		reason  string
		obj     map[string]any
		want    SyncState
		wantMsg string
	}{
		"SyncedTrue":      {reason: "Synced=True: in sync.", obj: synced("True", "ReconcileSuccess", "", 0, 0), want: InSync},
		"SameGeneration":  {reason: "Synced=True for the current generation: in sync.", obj: synced("True", "ReconcileSuccess", "", 3, 3), want: InSync},
		"OlderGeneration": {reason: "Synced=True for an older generation: the provider has not seen the new spec yet.", obj: synced("True", "ReconcileSuccess", "", 4, 3), want: UpdatePending, wantMsg: "generation 4 not reconciled yet (Synced at 3)"},
		"NoGeneration":    {reason: "A condition without observedGeneration (upjet's async callback) is taken as it is.", obj: synced("True", "ReconcileSuccess", "", 4, 0), want: InSync},
		"NoConditions": {
			reason: "A resource no provider has reconciled yet is being created, which readiness reports: not an update.",
			obj:    map[string]any{"apiVersion": "v1", "kind": "X", "metadata": map[string]any{"name": "x"}},
			want:   InSync,
		},
		"UpjetSDK":       {reason: "upjet's ForceNew refusal.", obj: synced("False", "ReconcileError", msgUpjetSDK, 0, 0), want: UpdateRefused, wantMsg: msgUpjetSDK},
		"UpjetAsync":     {reason: "upjet's refusal from an async update.", obj: synced("False", "ReconcileError", msgUpjetAsync, 0, 0), want: UpdateRefused, wantMsg: msgUpjetAsync},
		"UpjetFramework": {reason: "upjet's refusal for a plugin-framework resource.", obj: synced("False", "ReconcileError", msgUpjetFramework, 0, 0), want: UpdateRefused, wantMsg: msgUpjetFramework},
		"JobTemplate":    {reason: "An immutable Job template through provider-kubernetes.", obj: synced("False", "ReconcileError", msgJob, 0, 0), want: UpdateRefused, wantMsg: msgJob},
		"HelmSelector":   {reason: "An immutable selector in a chart upgrade through provider-helm.", obj: synced("False", "ReconcileError", msgHelm, 0, 0), want: UpdateRefused, wantMsg: msgHelm},
		"TargetGroupARN": {reason: "The load balancer controller's webhook refuses a new targetGroupARN.", obj: synced("False", "ReconcileError", msgTGB, 0, 0), want: UpdateRefused, wantMsg: msgTGB},
		"BoundPVC":       {reason: "A bound claim's spec is immutable.", obj: synced("False", "ReconcileError", msgPVC, 0, 0), want: UpdateRefused, wantMsg: msgPVC},
		"StatefulSet":    {reason: "A StatefulSet's spec beyond the mutable fields.", obj: synced("False", "ReconcileError", msgSTS, 0, 0), want: UpdateRefused, wantMsg: msgSTS},
		"CaseInsensitive": {
			reason: "Messages are matched without regard to case.",
			obj:    synced("False", "ReconcileError", strings.ToUpper(msgUpjetSDK), 0, 0),
			want:   UpdateRefused, wantMsg: strings.ToUpper(msgUpjetSDK),
		},
		"RefusalInTrue": {
			reason: "A refusal's words in a Synced=True message are history, not a refusal.",
			obj:    synced("True", "ReconcileSuccess", msgUpjetSDK, 0, 0),
			want:   InSync,
		},
		"PriorityInUse": {reason: "An AWS error the provider retries: pending, not refused.", obj: synced("False", "ReconcileError", msgPriority, 0, 0), want: UpdatePending, wantMsg: msgPriority},
		"References":    {reason: "References not resolvable yet: pending.", obj: synced("False", "ReconcileError", msgRefs, 0, 0), want: UpdatePending, wantMsg: msgRefs},
		"Paused":        {reason: "Paused reconciliation: pending.", obj: synced("False", "ReconcilePaused", msgPaused, 0, 0), want: UpdatePending, wantMsg: msgPaused},
		"NoMessage":     {reason: "Synced=False without a message says its reason.", obj: synced("False", "ReconcileError", "", 0, 0), want: UpdatePending, wantMsg: "Synced=False (ReconcileError)"},
		"Unknown":       {reason: "Synced=Unknown is not Synced.", obj: synced("Unknown", "", "", 0, 0), want: UpdatePending, wantMsg: "Synced=Unknown"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, msg := Sync(tc.obj)
			if got != tc.want || msg != tc.wantMsg {
				t.Errorf("%s\nSync() = %v, %q; want %v, %q", tc.reason, got, msg, tc.want, tc.wantMsg)
			}
		})
	}
}

func TestApplied(t *testing.T) {
	env := func(obs Observed) *Env { return &Env{Name: "prod", Namespace: "ns", Observed: obs} }
	res := func(name string) *Resource {
		return &Resource{Name: name, Object: map[string]any{"apiVersion": "v1", "kind": "X"}}
	}
	ok := func() map[string]any { return synced("True", "ReconcileSuccess", "", 0, 0) }
	refused := func(msg string) map[string]any { return synced("False", "ReconcileError", msg, 0, 0) }
	pending := func() map[string]any { return synced("False", "ReconcileError", msgPriority, 0, 0) }
	notReady := func(o map[string]any) map[string]any {
		o["status"].(map[string]any)["conditions"].([]any)[0].(map[string]any)["status"] = "False"
		return o
	}
	type want struct {
		applied  Condition
		messages map[string]string // component → message
		ready    map[string]bool   // component → Ready
	}
	cases := map[string]struct {
		reason   string
		observed Observed
		results  []Result
		want     want
	}{
		"AllSynced": {
			reason:   "Every observed resource Synced: Applied=True; what is not observed yet is being created.",
			observed: Observed{"nodes-group": ok(), "nodes-role": ok()},
			results:  []Result{{Resources: []*Resource{res("nodes-group"), res("nodes-role"), res("nodes-policy")}}},
			want: want{
				applied:  Condition{Type: "Applied", Status: true, Reason: "Synced", Message: "no update refused or pending among the 2 observed composed resources; 1 being created"},
				messages: map[string]string{"nodes": "nodes-policy: being created"},
				ready:    map[string]bool{"nodes": false},
			},
		},
		"NothingObserved": {
			reason:  "The first reconcile: nothing observed, nothing refused or pending.",
			results: []Result{{Resources: []*Resource{res("network-vpc")}}},
			want: want{
				applied:  Condition{Type: "Applied", Status: true, Reason: "Synced", Message: "no update refused or pending among the 0 observed composed resources; 1 being created"},
				messages: map[string]string{"network": "network-vpc: being created"},
				ready:    map[string]bool{"network": false},
			},
		},
		"ReadyButRefused": {
			reason: "A Ready resource whose update is refused keeps its component Ready (gates use Ready) but the " +
				"component's message and Applied say so.",
			observed: Observed{"nodes-group": refused(msgUpjetSDK), "nodes-role": ok()},
			results:  []Result{{Resources: []*Resource{res("nodes-role"), res("nodes-group")}}},
			want: want{
				applied: Condition{Type: "Applied", Reason: "UpdateRefused",
					Message: "update refused, it needs a replacement: nodes-group (nodes-group: " + cut(msgUpjetSDK, maxQuoted) + ")"},
				messages: map[string]string{"nodes": "nodes-group: update refused, it needs a replacement: " + msgUpjetSDK},
				ready:    map[string]bool{"nodes": true},
			},
		},
		"RefusalBeforeWaiting": {
			reason: "A refusal needs a person: it comes before what the component waits for.",
			observed: Observed{
				"apps-web-job": notReady(refused(msgJob)),
				"apps-web-tg":  ok(),
			},
			results: []Result{{
				Resources: []*Resource{res("apps-web-tg"), res("apps-web-job")},
				Waiting:   map[string]string{"apps": "waiting for the cluster's OIDC issuer"},
			}},
			want: want{
				applied: Condition{Type: "Applied", Reason: "UpdateRefused",
					Message: "update refused, it needs a replacement: apps-web-job (apps-web-job: " + cut(msgJob, maxQuoted) + ")"},
				messages: map[string]string{"apps": "apps-web-job: update refused, it needs a replacement: " + msgJob},
				ready:    map[string]bool{"apps": false},
			},
		},
		"ReadyButPending": {
			reason: "A Ready resource with an update the provider retries: UpdatePending, and its component says so " +
				"(today's message would say nothing).",
			observed: Observed{"edge-rule-web": pending(), "edge-alb": ok()},
			results:  []Result{{Resources: []*Resource{res("edge-alb"), res("edge-rule-web")}}},
			want: want{
				applied:  Condition{Type: "Applied", Reason: "UpdatePending", Message: "update pending: edge-rule-web"},
				messages: map[string]string{"edge": "edge-rule-web: update pending: " + msgPriority},
				ready:    map[string]bool{"edge": true},
			},
		},
		"PendingAfterUnready": {
			reason:   "An unready resource's message comes before a Ready resource's pending update.",
			observed: Observed{"edge-rule-web": pending(), "edge-alb": notReady(ok())},
			results:  []Result{{Resources: []*Resource{res("edge-rule-web"), res("edge-alb")}}},
			want: want{
				applied:  Condition{Type: "Applied", Reason: "UpdatePending", Message: "update pending: edge-rule-web"},
				messages: map[string]string{"edge": "edge-alb: waiting for Ready"},
				ready:    map[string]bool{"edge": false},
			},
		},
		"KeptCounts": {
			reason:   "A resource kept as observed is desired too: its refusal counts.",
			observed: Observed{"apps-web-binding": refused(msgTGB)},
			results:  []Result{{}},
			want: want{
				applied: Condition{Type: "Applied", Reason: "UpdateRefused",
					Message: "update refused, it needs a replacement: apps-web-binding (apps-web-binding: " + cut(msgTGB, maxQuoted) + ")"},
				messages: map[string]string{"apps": "apps-web-binding: update refused, it needs a replacement: " + msgTGB},
				ready:    map[string]bool{"apps": true},
			},
		},
		"RetiredDoesNotCount": {
			reason:   "A retired resource is no longer desired: its state is not the spec's.",
			observed: Observed{"apps-old-job": refused(msgJob), "apps-web-job": ok()},
			results:  []Result{{Resources: []*Resource{res("apps-web-job")}, Retired: []string{"apps-old-"}}},
			want: want{
				applied:  Condition{Type: "Applied", Status: true, Reason: "Synced", Message: "no update refused or pending among the 1 observed composed resources"},
				messages: map[string]string{"apps": ""},
				ready:    map[string]bool{"apps": true},
			},
		},
		"Replacing": {
			reason: "A replacement in progress says its step, in Applied and in its component's message; it changes " +
				"no readiness.",
			observed: Observed{"nodes-group": ok(), "nodes-group-b": notReady(ok())},
			results: []Result{func() Result {
				r := Result{Resources: []*Resource{res("nodes-group"), res("nodes-group-b")}}
				r.Replacing("nodes", "new group nodes-group-b created, waiting for it to be Ready")
				r.Replacing("nodes", "a second step for the same component is ignored")
				return r
			}()},
			want: want{
				applied: Condition{Type: "Applied", Reason: "Replacing",
					Message: "replacing nodes: new group nodes-group-b created, waiting for it to be Ready"},
				messages: map[string]string{"nodes": "replacing: new group nodes-group-b created, waiting for it to be Ready"},
				ready:    map[string]bool{"nodes": false},
			},
		},
		"Upgrading": {
			reason: "An in-place step in progress says its step, in Applied and in its component's message, though " +
				"every observed resource is Synced; it changes no readiness. A replacement says more.",
			observed: Observed{"cluster-eks": ok(), "addons-coredns": ok(), "nodes-group": ok(), "nodes-group-b": ok()},
			results: []Result{func() Result {
				r := Result{Resources: []*Resource{res("cluster-eks"), res("addons-coredns")}}
				r.Upgrading("addons", "add-on versions addons-coredns v1.13 → v1.14 (Kubernetes 1.36)")
				r.Upgrading("addons", "a second step for the same component is ignored")
				return r
			}(), func() Result {
				r := Result{Resources: []*Resource{res("nodes-group"), res("nodes-group-b")}}
				r.Upgrading("nodes", "a step of a component being replaced")
				r.Replacing("nodes", "old group tainted NoSchedule")
				return r
			}()},
			want: want{
				applied: Condition{Type: "Applied", Reason: "Replacing",
					Message: "replacing nodes: old group tainted NoSchedule; upgrading addons: add-on versions addons-coredns v1.13 → v1.14 (Kubernetes 1.36); " +
						"nodes: a step of a component being replaced"},
				messages: map[string]string{
					"cluster": "",
					"addons":  "upgrading: add-on versions addons-coredns v1.13 → v1.14 (Kubernetes 1.36)",
					"nodes":   "replacing: old group tainted NoSchedule",
				},
				ready: map[string]bool{"cluster": true, "addons": true, "nodes": true},
			},
		},
		"UpgradingAlone": {
			reason:   "Upgrading without a replacement is the reason.",
			observed: Observed{"cluster-eks": ok()},
			results: []Result{func() Result {
				r := Result{Resources: []*Resource{res("cluster-eks")}}
				r.Upgrading("cluster", "node group 1.35 → 1.36; add-ons follow")
				return r
			}()},
			want: want{
				applied:  Condition{Type: "Applied", Reason: "Upgrading", Message: "upgrading cluster: node group 1.35 → 1.36; add-ons follow"},
				messages: map[string]string{"cluster": "upgrading: node group 1.35 → 1.36; add-ons follow"},
				ready:    map[string]bool{"cluster": true},
			},
		},
		"RefusedWinsAndAllIsSaid": {
			reason: "Refused, replacing and pending together: the reason is the refusal, the message says all three; " +
				"names are sorted.",
			observed: Observed{
				"dns-zone":        refused(msgUpjetFramework),
				"apps-web-job":    refused(msgJob),
				"edge-rule-web":   pending(),
				"nodes-group":     ok(),
				"nodes-group-new": ok(),
			},
			results: []Result{
				{Resources: []*Resource{res("dns-zone"), res("apps-web-job"), res("edge-rule-web")}},
				func() Result {
					r := Result{Resources: []*Resource{res("nodes-group"), res("nodes-group-new")}}
					r.Replacing("nodes", "old group tainted NoSchedule")
					return r
				}(),
			},
			want: want{
				applied: Condition{Type: "Applied", Reason: "UpdateRefused",
					Message: "update refused, it needs a replacement: apps-web-job, dns-zone (dns-zone: " + cut(msgUpjetFramework, maxQuoted) + "); " +
						"replacing nodes: old group tainted NoSchedule; update pending: edge-rule-web"},
				messages: map[string]string{
					"dns":   "dns-zone: update refused, it needs a replacement: " + msgUpjetFramework,
					"apps":  "apps-web-job: update refused, it needs a replacement: " + msgJob,
					"edge":  "edge-rule-web: update pending: " + msgPriority,
					"nodes": "replacing: old group tainted NoSchedule",
				},
				ready: map[string]bool{"dns": true, "apps": true, "edge": true, "nodes": true},
			},
		},
		"Capped": {
			reason: "Seven refused resources: five named, sorted, and a count.",
			observed: func() Observed {
				o := Observed{}
				for i := 7; i >= 1; i-- {
					o[fmt.Sprintf("dns-record-%d", i)] = refused(msgUpjetSDK)
				}
				return o
			}(),
			results: []Result{{}},
			want: want{
				applied: Condition{Type: "Applied", Reason: "UpdateRefused",
					Message: "update refused, it needs a replacement: dns-record-1, dns-record-2, dns-record-3, dns-record-4, dns-record-5 and 2 more (dns-record-1: " + cut(msgUpjetSDK, maxQuoted) + ")"},
				messages: map[string]string{"dns": "dns-record-1: update refused, it needs a replacement: " + msgUpjetSDK},
				ready:    map[string]bool{"dns": true},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := Assemble(env(tc.observed), tc.results...)
			if err != nil {
				t.Fatal(err)
			}
			got := want{applied: a.Applied, messages: map[string]string{}, ready: map[string]bool{}}
			for _, c := range a.Components {
				got.messages[c.Name] = c.Message
				got.ready[c.Name] = c.Ready
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestSyncNeverGates: whatever the Synced conditions say, readiness (what gates read) is the same.
func TestSyncNeverGates(t *testing.T) {
	names := []string{"nodes-group", "nodes-role", "apps-web-job"}
	build := func(obs Observed) *Assembled {
		rs := Result{}
		for _, n := range names {
			rs.Resources = append(rs.Resources, &Resource{Name: n, Object: map[string]any{"apiVersion": "v1", "kind": "X"}})
		}
		a, err := Assemble(&Env{Name: "prod", Namespace: "ns", Observed: obs}, rs)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	in, out := Observed{}, Observed{}
	for _, n := range names {
		in[n] = synced("True", "ReconcileSuccess", "", 0, 0)
		out[n] = synced("False", "ReconcileError", msgUpjetSDK, 0, 0)
	}
	a, b := build(in), build(out)
	for i := range a.Resources {
		if a.Resources[i].Ready != b.Resources[i].Ready {
			t.Errorf("%s: Ready %v with every resource Synced, %v with every update refused", a.Resources[i].Name, a.Resources[i].Ready, b.Resources[i].Ready)
		}
	}
	for i := range a.Components {
		ca, cb := a.Components[i], b.Components[i]
		if ca.Ready != cb.Ready || ca.ReadyResources != cb.ReadyResources {
			t.Errorf("component %s: ready %v (%d) Synced, %v (%d) refused", ca.Name, ca.Ready, ca.ReadyResources, cb.Ready, cb.ReadyResources)
		}
	}
}

func TestCut(t *testing.T) {
	cases := map[string]struct {
		s    string
		n    int
		want string
	}{
		"Short":        {s: "abc", n: 5, want: "abc"},
		"Exact":        {s: "abcde", n: 5, want: "abcde"},
		"Cut":          {s: "abcdef", n: 5, want: "abcde…"},
		"RuneBoundary": {s: "abcdé", n: 5, want: "abcd…"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := cut(tc.s, tc.n); got != tc.want {
				t.Errorf("cut(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
			}
		})
	}
}
