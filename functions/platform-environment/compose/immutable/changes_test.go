package immutable

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	eks    = "eks.aws.m.upbound.io/v1beta1"
	elbv2  = "elbv2.aws.m.upbound.io/v1beta1"
	object = "kubernetes.m.crossplane.io/v1alpha1"
)

// mr builds a managed resource as the function renders one.
func mr(apiVersion, kind, name string, forProvider map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": apiVersion,
		"kind":       kind,
		"metadata": map[string]any{
			"name":        name,
			"annotations": map[string]any{"crossplane.io/composition-resource-name": "nodes-group"},
		},
		"spec": map[string]any{
			"forProvider":       forProvider,
			"providerConfigRef": map[string]any{"kind": "ProviderConfig", "name": "default"},
		},
	}
}

func nodeGroup(edit func(fp map[string]any)) map[string]any {
	fp := map[string]any{
		"region":         "us-east-1",
		"clusterNameRef": map[string]any{"name": "prod-cluster"},
		"instanceTypes":  []string{"m6i.large"},
		"subnetIdRefs":   []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}},
		"scalingConfig":  map[string]any{"minSize": 3, "maxSize": 6},
		"nodeRoleArnRef": map[string]any{"name": "prod-nodes-role"},
	}
	if edit != nil {
		edit(fp)
	}
	return mr(eks, "NodeGroup", "prod-nodes-group", fp)
}

func obj(manifest map[string]any) map[string]any {
	o := mr(object, "Object", "prod-apps-job", map[string]any{"manifest": manifest})
	return o
}

func manifest(apiVersion, kind, name string, rest map[string]any) map[string]any {
	m := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name, "namespace": "apps"}}
	for k, v := range rest {
		m[k] = v
	}
	return m
}

func job(image string) map[string]any {
	return manifest("batch/v1", "Job", "smoke-1", map[string]any{"spec": map[string]any{
		"backoffLimit": 2,
		"template":     map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "smoke", "image": image}}}},
	}})
}

// change is a Change without its values: what the cases compare.
type change struct {
	Path   string
	Reason Reason
}

func TestChanges(t *testing.T) {
	set := func(path ...any) func(fp map[string]any) {
		return func(fp map[string]any) {
			for i := 0; i < len(path); i += 2 {
				if path[i+1] == nil {
					delete(fp, path[i].(string))
					continue
				}
				fp[path[i].(string)] = path[i+1]
			}
		}
	}
	withMeta := func(o map[string]any, k string, v any) map[string]any {
		o["metadata"].(map[string]any)[k] = v
		return o
	}
	cases := map[string]struct {
		old, new map[string]any
		want     []change
	}{
		"same object": {old: nodeGroup(nil), new: nodeGroup(nil)},
		"an updatable field changes": {
			old: nodeGroup(nil), new: nodeGroup(set("scalingConfig", map[string]any{"minSize": 4, "maxSize": 8})),
		},
		"a ForceNew field changes": {
			old: nodeGroup(nil), new: nodeGroup(set("instanceTypes", []any{"m7i.large"})),
			want: []change{{"spec.forProvider.instanceTypes", ReasonForceNew}},
		},
		"numbers compare by value, whatever their Go type": {
			old:  mr(elbv2, "LBTargetGroup", "tg", map[string]any{"region": "us-east-1", "port": 80}),
			new:  mr(elbv2, "LBTargetGroup", "tg", map[string]any{"region": "us-east-1", "port": float64(80)}),
			want: nil,
		},
		"a target group's port": {
			old:  mr(elbv2, "LBTargetGroup", "tg", map[string]any{"region": "us-east-1", "port": 80}),
			new:  mr(elbv2, "LBTargetGroup", "tg", map[string]any{"region": "us-east-1", "port": int64(8080)}),
			want: []change{{"spec.forProvider.port", ReasonForceNew}},
		},
		"a set field's references reordered": {
			old: nodeGroup(nil),
			new: nodeGroup(set("subnetIdRefs", []any{map[string]any{"name": "b"}, map[string]any{"name": "a"}})),
		},
		"a set field's reference changed counts as a change of the field": {
			old:  nodeGroup(nil),
			new:  nodeGroup(set("subnetIdRefs", []any{map[string]any{"name": "a"}, map[string]any{"name": "c"}})),
			want: []change{{"spec.forProvider.subnetIds", ReasonForceNew}},
		},
		"a reference replaced by its literal value": {
			old:  nodeGroup(nil),
			new:  nodeGroup(set("clusterNameRef", nil, "clusterName", "prod")),
			want: []change{{"spec.forProvider.clusterName", ReasonForceNew}},
		},
		"a reference's resolution policy is no change": {
			old: nodeGroup(nil),
			new: nodeGroup(set("clusterNameRef", map[string]any{"name": "prod-cluster", "policy": map[string]any{"resolve": "Always"}})),
		},
		"a selector replaces a reference": {
			old:  nodeGroup(nil),
			new:  nodeGroup(set("nodeRoleArnRef", nil, "nodeRoleArnSelector", map[string]any{"matchLabels": map[string]any{"role": "nodes"}})),
			want: []change{{"spec.forProvider.nodeRoleArn", ReasonForceNew}},
		},
		"a ForceNew field set where it was absent": {
			old:  mr("route53.aws.m.upbound.io/v1beta1", "HealthCheck", "hc", map[string]any{"region": "us-east-1", "type": "HTTPS"}),
			new:  mr("route53.aws.m.upbound.io/v1beta1", "HealthCheck", "hc", map[string]any{"region": "us-east-1", "type": "HTTPS", "requestInterval": 10}),
			want: []change{{"spec.forProvider.requestInterval", ReasonForceNew}},
		},
		"a field below a list": {
			old: mr("acm.aws.m.upbound.io/v1beta1", "Certificate", "cert", map[string]any{"region": "us-east-1", "domainName": "a.example",
				"validationOption": []any{map[string]any{"domainName": "a.example", "validationDomain": "example"}}}),
			new: mr("acm.aws.m.upbound.io/v1beta1", "Certificate", "cert", map[string]any{"region": "us-east-1", "domainName": "a.example",
				"validationOption": []any{map[string]any{"domainName": "a.example", "validationDomain": "other.example"}}}),
			want: []change{{"spec.forProvider.validationOption", ReasonForceNew}, {"spec.forProvider.validationOption.validationDomain", ReasonForceNew}},
		},
		"metadata.name": {
			old: nodeGroup(nil), new: withMeta(nodeGroup(nil), "name", "prod-nodes-group-2"),
			want: []change{{"metadata.name", ReasonName}},
		},
		"the external name": {
			old:  withMeta(nodeGroup(nil), "annotations", map[string]any{ExternalNameAnnotation: "prod-nodes-1"}),
			new:  withMeta(nodeGroup(nil), "annotations", map[string]any{ExternalNameAnnotation: "prod-nodes-2"}),
			want: []change{{"metadata.annotations[crossplane.io/external-name]", ReasonExternalName}},
		},
		"the region": {
			old: nodeGroup(nil), new: nodeGroup(set("region", "eu-west-1")),
			want: []change{{"spec.forProvider.region", ReasonIdentity}},
		},
		"the ProviderConfig": {
			old: nodeGroup(nil),
			new: func() map[string]any {
				o := nodeGroup(nil)
				o["spec"].(map[string]any)["providerConfigRef"] = map[string]any{"kind": "ProviderConfig", "name": "other-account"}
				return o
			}(),
			want: []change{{"spec.providerConfigRef", ReasonIdentity}},
		},
		"another kind": {
			old: nodeGroup(nil), new: mr(eks, "Cluster", "prod-nodes-group", map[string]any{}),
			want: []change{{"apiVersion/kind", ReasonKind}},
		},
		"a kind without a row": {
			old: mr("example.org/v1", "Thing", "t", nil), new: mr("example.org/v1", "Thing", "t", nil),
			want: []change{{"apiVersion/kind", ReasonNoRow}},
		},
		"a Job's template": {
			old: obj(job("smoke:1")), new: obj(job("smoke:2")),
			want: []change{{"spec.forProvider.manifest.spec.template", ReasonImmutable}},
		},
		"a Job under a new name is another object: identity, not its template": {
			old: obj(job("smoke:1")),
			new: func() map[string]any {
				m := job("smoke:2")
				m["metadata"].(map[string]any)["name"] = "smoke-2"
				return obj(m)
			}(),
			want: []change{{"spec.forProvider.manifest.metadata.name", ReasonIdentity}},
		},
		"a Job's updatable field": {
			old: obj(job("smoke:1")),
			new: func() map[string]any {
				m := job("smoke:1")
				m["spec"].(map[string]any)["backoffLimit"] = 5
				return obj(m)
			}(),
		},
		"a Deployment's template updates in place": {
			old: obj(manifest("apps/v1", "Deployment", "web", map[string]any{"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}}, "template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"v": "1"}}}}})),
			new: obj(manifest("apps/v1", "Deployment", "web", map[string]any{"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}}, "template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"v": "2"}}}}})),
		},
		"a Deployment's selector": {
			old:  obj(manifest("apps/v1", "Deployment", "web", map[string]any{"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}}}})),
			new:  obj(manifest("apps/v1", "Deployment", "web", map[string]any{"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "api"}}}})),
			want: []change{{"spec.forProvider.manifest.spec.selector", ReasonImmutable}},
		},
		"an immutable ConfigMap's data": {
			old:  obj(manifest("v1", "ConfigMap", "cfg", map[string]any{"immutable": true, "data": map[string]any{"a": "1"}})),
			new:  obj(manifest("v1", "ConfigMap", "cfg", map[string]any{"immutable": true, "data": map[string]any{"a": "2"}})),
			want: []change{{"spec.forProvider.manifest.data", ReasonImmutable}},
		},
		"a mutable ConfigMap's data": {
			old: obj(manifest("v1", "ConfigMap", "cfg", map[string]any{"data": map[string]any{"a": "1"}})),
			new: obj(manifest("v1", "ConfigMap", "cfg", map[string]any{"data": map[string]any{"a": "2"}})),
		},
		"a Secret's type, immutable or not": {
			old:  obj(manifest("v1", "Secret", "s", map[string]any{"type": "Opaque"})),
			new:  obj(manifest("v1", "Secret", "s", map[string]any{"type": "kubernetes.io/tls"})),
			want: []change{{"spec.forProvider.manifest.type", ReasonImmutable}},
		},
		"a PVC may grow": {
			old: obj(manifest("v1", "PersistentVolumeClaim", "data", map[string]any{"spec": map[string]any{"storageClassName": "gp3", "resources": map[string]any{"requests": map[string]any{"storage": "10Gi"}}}})),
			new: obj(manifest("v1", "PersistentVolumeClaim", "data", map[string]any{"spec": map[string]any{"storageClassName": "gp3", "resources": map[string]any{"requests": map[string]any{"storage": "20Gi"}}}})),
		},
		"a PVC's storage class": {
			old:  obj(manifest("v1", "PersistentVolumeClaim", "data", map[string]any{"spec": map[string]any{"storageClassName": "gp3", "resources": map[string]any{"requests": map[string]any{"storage": "10Gi"}}}})),
			new:  obj(manifest("v1", "PersistentVolumeClaim", "data", map[string]any{"spec": map[string]any{"storageClassName": "io2", "resources": map[string]any{"requests": map[string]any{"storage": "10Gi"}}}})),
			want: []change{{"spec.forProvider.manifest.spec", ReasonImmutable}},
		},
		"a TargetGroupBinding's target group": {
			old:  obj(manifest("elbv2.k8s.aws/v1beta1", "TargetGroupBinding", "web", map[string]any{"spec": map[string]any{"targetGroupARN": "arn:1", "targetType": "instance"}})),
			new:  obj(manifest("elbv2.k8s.aws/v1beta1", "TargetGroupBinding", "web", map[string]any{"spec": map[string]any{"targetGroupARN": "arn:2", "targetType": "instance"}})),
			want: []change{{"spec.forProvider.manifest.spec.targetGroupARN", ReasonImmutable}},
		},
		"a manifest kind without a row": {
			old:  obj(manifest("example.org/v1", "Widget", "w", nil)),
			new:  obj(manifest("example.org/v1", "Widget", "w", nil)),
			want: []change{{"spec.forProvider.manifest.apiVersion/kind", ReasonNoRow}},
		},
		"a Release's namespace": {
			old:  mr("helm.m.crossplane.io/v1beta1", "Release", "lbc", map[string]any{"namespace": "kube-system", "chart": map[string]any{"name": "aws-load-balancer-controller"}}),
			new:  mr("helm.m.crossplane.io/v1beta1", "Release", "lbc", map[string]any{"namespace": "lbc", "chart": map[string]any{"name": "aws-load-balancer-controller"}}),
			want: []change{{"spec.forProvider.namespace", ReasonIdentity}},
		},
		"a Release's chart version upgrades in place": {
			old: mr("helm.m.crossplane.io/v1beta1", "Release", "lbc", map[string]any{"namespace": "kube-system", "chart": map[string]any{"version": "1.13.0"}}),
			new: mr("helm.m.crossplane.io/v1beta1", "Release", "lbc", map[string]any{"namespace": "kube-system", "chart": map[string]any{"version": "1.14.0"}}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []change
			for _, c := range Changes(tc.old, tc.new) {
				got = append(got, change{c.Path, c.Reason})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Changes() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestChangesValues checks what a Change carries: the values present on each side, by path from the root.
func TestChangesValues(t *testing.T) {
	old := nodeGroup(nil)
	new := nodeGroup(func(fp map[string]any) {
		delete(fp, "clusterNameRef")
		fp["clusterName"] = "prod"
	})
	got := Changes(old, new)
	want := []Change{{
		Path:   "spec.forProvider.clusterName",
		Reason: ReasonForceNew,
		Old:    map[string]any{"spec.forProvider.clusterNameRef": map[string]any{"name": "prod-cluster"}},
		New:    map[string]any{"spec.forProvider.clusterName": "prod"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Changes() (-want +got):\n%s", diff)
	}
}

func TestChangesDoesNotModifyItsInput(t *testing.T) {
	old, new := obj(job("smoke:1")), obj(job("smoke:2"))
	before := canonical(new)
	Changes(old, new)
	if diff := cmp.Diff(before, canonical(new)); diff != "" {
		t.Errorf("Changes modified its input (-before +after):\n%s", diff)
	}
}

func TestLookup(t *testing.T) {
	r, ok := Lookup(eks, "NodeGroup")
	if !ok || r.Terraform != "aws_eks_node_group" {
		t.Fatalf("Lookup(NodeGroup) = %+v, %v", r, ok)
	}
	if got, want := r.ExternalName.Arguments, []string{"node_group_name", "node_group_name_prefix"}; !cmp.Equal(got, want) {
		t.Errorf("NodeGroup external-name arguments = %v, want %v", got, want)
	}
	if _, ok := Lookup(eks, "NoSuchKind"); ok {
		t.Error("Lookup(NoSuchKind) found a row")
	}
	if m, ok := LookupManifest("batch/v1", "Job"); !ok || !cmp.Equal(m.Immutable[:2], []string{"spec.selector", "spec.template"}) {
		t.Errorf("LookupManifest(Job) = %+v, %v", m, ok)
	}
	paths := r.Paths()
	for _, want := range []string{"spec.forProvider.region", "spec.forProvider.instanceTypes", "spec.forProvider.clusterNameRef", "spec.forProvider.clusterNameSelector", "spec.forProvider.subnetIdRefs"} {
		if !contains(paths, want) {
			t.Errorf("NodeGroup Paths() lacks %s: %v", want, paths)
		}
	}
	role, _ := Lookup("iam.aws.m.upbound.io/v1beta1", "Role")
	if !role.Global || contains(role.Paths(), "spec.forProvider.region") || !contains(role.Paths(), "spec.providerConfigRef") {
		t.Errorf("IAM is global: a Role's identity is its ProviderConfig, not a region: %+v", role.Paths())
	}
	if len(Rows()) < 60 || len(Manifests()) < 10 {
		t.Errorf("Rows() = %d, Manifests() = %d", len(Rows()), len(Manifests()))
	}
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}
