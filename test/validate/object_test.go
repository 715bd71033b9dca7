package validate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// obj builds an object the way builders do: nested map[string]any with Go ints and typed slices, which the
// validator must accept as they are.
func obj(apiVersion, kind, name string, spec map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": apiVersion,
		"kind":       kind,
		"metadata":   map[string]any{"name": name},
		"spec":       spec,
	}
}

func vpc(forProvider map[string]any) map[string]any {
	return obj("ec2.aws.m.upbound.io/v1beta1", "VPC", "vpc", map[string]any{"forProvider": forProvider})
}

func validVPC() map[string]any {
	return vpc(map[string]any{
		"region":             "eu-central-1",
		"cidrBlock":          "10.0.0.0/16",
		"enableDnsHostnames": true,
		"tags":               map[string]string{"environment": "prod"},
	})
}

// rdsInstance has every forProvider field that the Instance CRD's CEL rules require on create, but instanceClass.
func rdsInstance(spec map[string]any) map[string]any {
	fp := map[string]any{
		"region":              "eu-central-1",
		"engine":              "postgres",
		"allocatedStorage":    20, // a Go int: runtime.DeepCopyJSON would panic on it.
		"vpcSecurityGroupIds": []string{"sg-1"},
	}
	s := map[string]any{"forProvider": fp}
	for k, v := range spec {
		s[k] = v
	}
	return obj("rds.aws.m.upbound.io/v1beta1", "Instance", "db", s)
}

func with(o map[string]any, path string, v any) map[string]any {
	c, err := jsonCopy(o)
	if err != nil {
		panic(err)
	}
	keys := strings.Split(path, ".")
	m := c
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	if v == nil {
		delete(m, keys[len(keys)-1])
	} else {
		m[keys[len(keys)-1]] = v
	}
	return c
}

const celSkipped = "<object>: the CEL rules (x-kubernetes-validations) were not checked because of the other errors (the API server skips them too)"

func TestObject(t *testing.T) {
	cases := map[string]struct {
		reason string
		obj    map[string]any
		want   []string
	}{
		"ValidVPC": {
			reason: "A complete VPC with Go-typed values (map[string]string tags) is valid.",
			obj:    validVPC(),
		},
		"NamespaceAllowed": {
			reason: "Composed resources may carry the XR's namespace.",
			obj:    with(validVPC(), "metadata.namespace", "team-a"),
		},
		"RenderedMetadata": {
			reason: "crossplane render writes a controller reference to an XR without a uid, and Crossplane's labels and annotations; none is a problem.",
			obj: with(with(with(validVPC(), "metadata.ownerReferences", []any{map[string]any{
				"apiVersion": "platform.cloudpartner.pro/v1alpha1", "kind": "PlatformEnvironment", "name": "prod",
				"controller": true, "blockOwnerDeletion": true,
			}}), "metadata.labels", map[string]any{"crossplane.io/composite": "prod"}),
				"metadata.annotations", map[string]any{"crossplane.io/composition-resource-name": "vpc"}),
		},
		"NullDropped": {
			reason: "The API server drops a null in a field that is not nullable, as it would from a JSON null a builder left in.",
			obj:    with(validVPC(), "spec.forProvider.ipv4IpamPoolId", map[string]any(nil)),
		},
		"UnknownFieldInForProvider": {
			reason: "A field the CRD does not declare is an error (server-side apply rejects it).",
			obj:    with(validVPC(), "spec.forProvider.cidr", "10.0.0.0/16"),
			want:   []string{"VPC/vpc: spec.forProvider.cidr: unknown field (not in the VPC v1beta1 schema)"},
		},
		"UnknownFieldAtTop": {
			reason: "Unknown fields are found at every level, including the root and metadata.",
			obj:    with(with(validVPC(), "spec.forProvider.tags", nil), "status2", map[string]any{"x": 1}),
			want:   []string{"VPC/vpc: status2: unknown field (not in the VPC v1beta1 schema)"},
		},
		"UnknownFieldInMetadata": {
			reason: "metadata is decoded strictly too.",
			obj:    with(validVPC(), "metadata.label", map[string]any{"a": "b"}),
			want:   []string{"VPC/vpc: metadata.label: unknown field (not in the VPC v1beta1 schema)"},
		},
		"WrongType": {
			reason: "A value of the wrong type is an error.",
			obj:    with(validVPC(), "spec.forProvider.cidrBlock", 10),
			want: []string{
				`VPC/vpc: spec.forProvider.cidrBlock: Invalid value: "integer": spec.forProvider.cidrBlock in body must be of type string: "integer"`,
			},
		},
		"MissingRegion": {
			reason: "forProvider.region is required by the schema.",
			obj:    with(validVPC(), "spec.forProvider.region", nil),
			want:   []string{"VPC/vpc: spec.forProvider.region: Required value"},
		},
		"MissingRegionSkipsCEL": {
			reason: "After such an error the API server skips the CEL rules (here: instanceClass), and says so.",
			obj:    with(rdsInstance(nil), "spec.forProvider.region", nil),
			want: []string{
				"Instance/db: " + celSkipped,
				"Instance/db: spec.forProvider.region: Required value",
			},
		},
		"NotInEnum": {
			reason: "managementPolicies takes only the listed actions.",
			obj:    with(validVPC(), "spec.managementPolicies", []string{"Destroy"}),
			want: []string{
				`VPC/vpc: spec.managementPolicies[0]: Unsupported value: "Destroy": supported values: "Observe", "Create", "Update", "Delete", "LateInitialize", "*"`,
			},
		},
		"CELRequiredParameter": {
			reason: "The Instance CRD's CEL rule requires forProvider.instanceClass when managementPolicies (defaulted to ['*']) allow Create or Update.",
			obj:    rdsInstance(nil),
			want:   []string{`Instance/db: spec: Invalid value: spec.forProvider.instanceClass is a required parameter`},
		},
		"CELRequiredParameterInInitProvider": {
			reason: "The same rule is met by initProvider.",
			obj:    rdsInstance(map[string]any{"initProvider": map[string]any{"instanceClass": "db.t4g.micro"}}),
		},
		"CELObserveOnly": {
			reason: "The rule does not apply when Crossplane may only observe.",
			obj:    rdsInstance(map[string]any{"managementPolicies": []string{"Observe"}}),
		},
		"CELMet": {
			reason: "A complete Instance is valid.",
			obj:    with(rdsInstance(nil), "spec.forProvider.instanceClass", "db.t4g.micro"),
		},
		"InvalidName": {
			reason: "metadata.name must be a DNS subdomain.",
			obj:    with(validVPC(), "metadata.name", "Prod_VPC"),
			want: []string{
				`VPC/Prod_VPC: metadata.name: Invalid value: "Prod_VPC": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			},
		},
		"NameTooLong": {
			reason: "metadata.name has at most 253 characters.",
			obj:    with(validVPC(), "metadata.name", strings.Repeat("a", 254)),
			want: []string{
				"VPC/" + strings.Repeat("a", 254) + ": metadata.name: Invalid value: \"" + strings.Repeat("a", 254) + "\": must be no more than 253 characters",
			},
		},
		"NameLongest": {
			reason: "253 characters are fine.",
			obj:    with(validVPC(), "metadata.name", strings.Repeat("a", 253)),
		},
		"MissingName": {
			reason: "An object needs a name (the function names every composed resource).",
			obj:    with(validVPC(), "metadata.name", nil),
			want:   []string{"VPC/<no name>: metadata.name: Required value: name or generateName is required"},
		},
		"LabelValueTooLong": {
			reason: "Label values have at most 63 characters.",
			obj:    with(validVPC(), "metadata.labels", map[string]any{"platform.cloudpartner.pro/environment": strings.Repeat("x", 64)}),
			want: []string{
				`VPC/vpc: metadata.labels: Invalid value: "` + strings.Repeat("x", 64) + `": must be no more than 63 bytes`,
			},
		},
		"UnknownKind": {
			reason: "A kind that the group does not have is an error that names close kinds.",
			obj:    obj("ec2.aws.m.upbound.io/v1beta1", "Vpc", "vpc", map[string]any{}),
			want:   []string{`Vpc/vpc: apiVersion: group "ec2.aws.m.upbound.io" has no kind "Vpc" (it has 104 kinds; the closest by name: VPC, VPCDHCPOptions, VPCDHCPOptionsAssociation)`},
		},
		"UnknownGroup": {
			reason: "A group for which no CRD is found is an error.",
			obj:    obj("ec3.aws.m.upbound.io/v1beta1", "VPC", "vpc", map[string]any{}),
			want:   []string{`VPC/vpc: apiVersion: no CRD of group "ec3.aws.m.upbound.io" in `},
		},
		"UnservedVersion": {
			reason: "A version the CRD does not serve is an error.",
			obj:    with(validVPC(), "apiVersion", "ec2.aws.m.upbound.io/v1beta2"),
			want:   []string{`VPC/vpc: apiVersion: CRD vpcs.ec2.aws.m.upbound.io serves versions [v1beta1], not "v1beta2"`},
		},
		"ClusterScopedKind": {
			reason: "A namespaced XR cannot compose the legacy cluster-scoped provider-aws kinds.",
			obj:    with(validVPC(), "apiVersion", "ec2.aws.upbound.io/v1beta1"),
			want:   []string{"VPC/vpc: apiVersion: ec2.aws.upbound.io/v1beta1, Kind=VPC is cluster-scoped; a namespaced XR composes only namespaced resources (provider-aws: <svc>.aws.m.upbound.io)"},
		},
		"MissingKind": {
			reason: "apiVersion and kind are required.",
			obj:    map[string]any{"apiVersion": "ec2.aws.m.upbound.io/v1beta1", "metadata": map[string]any{"name": "x"}},
			want:   []string{"<no kind>/x: kind: Required value"},
		},
		"KubernetesObject": {
			reason: "A provider-kubernetes Object with an embedded manifest is valid.",
			obj: obj("kubernetes.m.crossplane.io/v1alpha1", "Object", "ns", map[string]any{
				"forProvider": map[string]any{"manifest": map[string]any{
					"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "apps"},
				}},
				"providerConfigRef": map[string]any{"kind": "ClusterProviderConfig", "name": "in-cluster"},
			}),
		},
		"KubernetesObjectManifestWithoutKind": {
			reason: "The manifest is an embedded resource: apiVersion and kind are required, metadata is validated (as the API server does, a name is only checked as a path segment).",
			obj: obj("kubernetes.m.crossplane.io/v1alpha1", "Object", "ns", map[string]any{
				"forProvider": map[string]any{"manifest": map[string]any{
					"apiVersion": "v1", "metadata": map[string]any{"name": "apps/x"},
				}},
			}),
			want: []string{
				"Object/ns: " + celSkipped,
				"Object/ns: spec.forProvider.manifest.kind: Required value",
				`Object/ns: spec.forProvider.manifest.metadata.name: Invalid value: "apps/x": may not contain '/'`,
			},
		},
		"HelmRelease": {
			reason: "A provider-helm Release is valid.",
			obj: obj("helm.m.crossplane.io/v1beta1", "Release", "ingress", map[string]any{
				"forProvider": map[string]any{
					"chart":     map[string]any{"name": "ingress-nginx", "repository": "https://kubernetes.github.io/ingress-nginx", "version": "4.11.3"},
					"namespace": "ingress-nginx",
					"values":    map[string]any{"controller": map[string]any{"replicaCount": 2}},
				},
			}),
		},
		"HelmReleaseWithoutChart": {
			reason: "forProvider.chart is required.",
			obj: obj("helm.m.crossplane.io/v1beta1", "Release", "ingress", map[string]any{
				"forProvider": map[string]any{"namespace": "ingress-nginx"},
			}),
			want: []string{"Release/ingress: spec.forProvider.chart: Required value"},
		},
		"Usage": {
			reason: "A Crossplane Usage (protection.crossplane.io) is validated from Crossplane core's CRD.",
			obj: obj("protection.crossplane.io/v1beta1", "Usage", "db-uses-vpc", map[string]any{
				"of": map[string]any{"apiVersion": "ec2.aws.m.upbound.io/v1beta1", "kind": "VPC", "resourceRef": map[string]any{"name": "vpc"}},
				"by": map[string]any{"apiVersion": "rds.aws.m.upbound.io/v1beta1", "kind": "Instance", "resourceRef": map[string]any{"name": "db"}},
			}),
		},
		"UsageWithoutByOrReason": {
			reason: "The Usage CRD's CEL rule wants either by or reason.",
			obj: obj("protection.crossplane.io/v1beta1", "Usage", "keep-vpc", map[string]any{
				"of": map[string]any{"apiVersion": "ec2.aws.m.upbound.io/v1beta1", "kind": "VPC", "resourceRef": map[string]any{"name": "vpc"}},
			}),
			want: []string{`Usage/keep-vpc: spec: Invalid value: either "spec.by" or "spec.reason" must be specified.`},
		},
	}
	v := Shared(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := v.Object(tc.obj)
			if name == "UnknownGroup" && len(got) == 1 && strings.HasPrefix(got[0], tc.want[0]) {
				got = tc.want // the rest of the message is the module cache's path.
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nObject(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestObjectDoesNotModifyInput(t *testing.T) {
	in := rdsInstance(nil)
	before, err := jsonCopy(in)
	if err != nil {
		t.Fatal(err)
	}
	Shared(t).Object(in)
	after, err := jsonCopy(in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("Object(...) modified its input (defaulting must work on a copy): -before, +after:\n%s", diff)
	}
}

func TestUpdate(t *testing.T) {
	// An Instance stored without instanceClass, e.g. before the provider added the rule.
	stored := rdsInstance(nil)
	cases := map[string]struct {
		reason   string
		old, obj map[string]any
		want     []string
	}{
		"Unchanged": {
			reason: "A valid object updated to itself is valid.",
			old:    validVPC(),
			obj:    validVPC(),
		},
		"RatchetingUnchangedSpec": {
			reason: "Validation ratchets like the API server's: a rule on spec is not re-checked while spec is unchanged.",
			old:    stored,
			obj:    with(stored, "metadata.labels", map[string]any{"team": "a"}),
		},
		"RatchetingChangedSpec": {
			reason: "Once spec changes, the rule on spec is checked again.",
			old:    stored,
			obj:    with(stored, "spec.forProvider.tags", map[string]any{"team": "a"}),
			want:   []string{`Instance/db: spec: Invalid value: spec.forProvider.instanceClass is a required parameter`},
		},
		"NameChanged": {
			reason: "metadata.name is immutable.",
			old:    validVPC(),
			obj:    with(validVPC(), "metadata.name", "vpc2"),
			want:   []string{`VPC/vpc2: metadata.name: Invalid value: "vpc2": field is immutable`},
		},
		"KindChanged": {
			reason: "An update keeps apiVersion and kind.",
			old:    validVPC(),
			obj:    with(validVPC(), "kind", "Subnet"),
			want:   []string{"Subnet/vpc: apiVersion: the old object is a ec2.aws.m.upbound.io/v1beta1, Kind=VPC, the new one a ec2.aws.m.upbound.io/v1beta1, Kind=Subnet"},
		},
		"NoOld": {
			reason: "Update needs the old object.",
			obj:    validVPC(),
			want:   []string{"VPC/vpc: <object>: Update needs the old object"},
		},
	}
	v := Shared(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, v.Update(tc.old, tc.obj)); diff != "" {
				t.Errorf("%s\nUpdate(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
