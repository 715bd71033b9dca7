package validate

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// The providers' own examples: each file holds the example's kind and the resources it references. Together they
// cover what the composition renders (network, EKS, RDS, ElastiCache, IAM, KMS, DNS, edge, e-mail, in-cluster
// objects): 40 files, ~120 objects of ~45 kinds.
var exampleFiles = []struct {
	mod  module
	path string
}{
	{providerAWS, "examples/ec2/namespaced/v1beta1/vpc.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/subnet.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/internetgateway.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/eip.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/natgateway.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/route.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/routetableassociation.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/securitygroup.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/securitygroupingressrule.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/securitygroupegressrule.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/defaultsecuritygroup.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/vpcendpoint.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/vpcendpointroutetableassociation.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/flowlog.yaml"},
	{providerAWS, "examples/ec2/namespaced/v1beta1/launchtemplate.yaml"},
	{providerAWS, "examples/eks/namespaced/v1beta1/cluster.yaml"},
	{providerAWS, "examples/eks/namespaced/v1beta1/nodegroup.yaml"},
	{providerAWS, "examples/eks/namespaced/v1beta1/addon.yaml"},
	{providerAWS, "examples/eks/namespaced/v1beta1/accessentry.yaml"},
	{providerAWS, "examples/eks/namespaced/v1beta1/podidentityassociation.yaml"},
	{providerAWS, "examples/rds/namespaced/v1beta1/instance.yaml"},
	{providerAWS, "examples/rds/namespaced/v1beta1/subnetgroup.yaml"},
	{providerAWS, "examples/rds/namespaced/v1beta1/parametergroup.yaml"},
	{providerAWS, "examples/elasticache/namespaced/v1beta1/replicationgroup.yaml"},
	{providerAWS, "examples/elasticache/namespaced/v1beta1/subnetgroup.yaml"},
	{providerAWS, "examples/iam/namespaced/v1beta1/role.yaml"},
	{providerAWS, "examples/iam/namespaced/v1beta1/policy.yaml"},
	{providerAWS, "examples/cloudwatchlogs/namespaced/v1beta1/group.yaml"},
	{providerAWS, "examples/kms/namespaced/v1beta1/key.yaml"},
	{providerAWS, "examples/kms/namespaced/v1beta1/alias.yaml"},
	{providerAWS, "examples/secretsmanager/namespaced/v1beta1/secret.yaml"},
	{providerAWS, "examples/route53/namespaced/v1beta1/zone.yaml"},
	{providerAWS, "examples/route53/namespaced/v1beta1/record.yaml"},
	{providerAWS, "examples/acm/namespaced/v1beta1/certificate.yaml"},
	{providerAWS, "examples/elbv2/namespaced/v1beta1/lb.yaml"},
	{providerAWS, "examples/elbv2/namespaced/v1beta1/lblistener.yaml"},
	{providerAWS, "examples/ses/namespaced/v1beta1/domainidentity.yaml"},
	{providerAWS, "examples/s3/namespaced/v1beta1/bucket.yaml"},
	{providerKubernetes, "examples/namespaced/object/object.yaml"},
	{providerHelm, "examples/namespaced/sample/release.yaml"},
}

// example is one object of a provider example file, adapted to what a render produces.
type example struct {
	file string
	obj  map[string]any
	// stale is the object as the provider ships it, when v2.7.0's own CRD rejects it (nil otherwise).
	stale map[string]any
}

// staleExamples are provider-aws v2.7.0 examples that its own CRDs reject: they still use the older schema in which
// nested blocks were single-element lists, or booleans that the CRD now types as strings. Each entry says how the
// object is adapted and which problems the shipped object has; TestObjectStaleProviderExamples checks both.
var staleExamples = map[string]struct {
	adapt func(obj map[string]any)
	want  []string
}{
	"examples/eks/namespaced/v1beta1/addon.yaml Cluster/sample-eks-cluster": {
		adapt: unwrap("spec", "forProvider", "vpcConfig"),
		want: []string{
			`Cluster/sample-eks-cluster: <object>: the CEL rules (x-kubernetes-validations) were not checked because of the other errors (the API server skips them too)`,
			`Cluster/sample-eks-cluster: spec.forProvider.vpcConfig: Invalid value: "array": spec.forProvider.vpcConfig in body must be of type object: "array"`,
			`Cluster/sample-eks-cluster: spec.forProvider.vpcConfig[0].subnetIdRefs: unknown field (not in the Cluster v1beta1 schema)`,
		},
	},
	"examples/eks/namespaced/v1beta1/accessentry.yaml Cluster/access-entry": {
		adapt: func(obj map[string]any) {
			unwrap("spec", "forProvider", "vpcConfig")(obj)
			unwrap("spec", "forProvider", "accessConfig")(obj)
		},
		want: []string{
			`Cluster/access-entry: <object>: the CEL rules (x-kubernetes-validations) were not checked because of the other errors (the API server skips them too)`,
			`Cluster/access-entry: spec.forProvider.accessConfig: Invalid value: "array": spec.forProvider.accessConfig in body must be of type object: "array"`,
			`Cluster/access-entry: spec.forProvider.accessConfig[0].authenticationMode: unknown field (not in the Cluster v1beta1 schema)`,
			`Cluster/access-entry: spec.forProvider.accessConfig[0].bootstrapClusterCreatorAdminPermissions: unknown field (not in the Cluster v1beta1 schema)`,
			`Cluster/access-entry: spec.forProvider.vpcConfig: Invalid value: "array": spec.forProvider.vpcConfig in body must be of type object: "array"`,
			`Cluster/access-entry: spec.forProvider.vpcConfig[0].subnetIdRefs: unknown field (not in the Cluster v1beta1 schema)`,
		},
	},
	"examples/eks/namespaced/v1beta1/podidentityassociation.yaml Cluster/eks-cluster-pia": {
		adapt: unwrap("spec", "forProvider", "vpcConfig"),
		want: []string{
			`Cluster/eks-cluster-pia: <object>: the CEL rules (x-kubernetes-validations) were not checked because of the other errors (the API server skips them too)`,
			`Cluster/eks-cluster-pia: spec.forProvider.vpcConfig: Invalid value: "array": spec.forProvider.vpcConfig in body must be of type object: "array"`,
			`Cluster/eks-cluster-pia: spec.forProvider.vpcConfig[0].subnetIdRefs: unknown field (not in the Cluster v1beta1 schema)`,
		},
	},
	"examples/elasticache/namespaced/v1beta1/replicationgroup.yaml ReplicationGroup/example-x7k2p": {
		// A render must write "true": the CRD types the field as a string.
		adapt: func(obj map[string]any) {
			obj["spec"].(map[string]any)["forProvider"].(map[string]any)["atRestEncryptionEnabled"] = "true"
		},
		want: []string{
			`ReplicationGroup/example-x7k2p: <object>: the CEL rules (x-kubernetes-validations) were not checked because of the other errors (the API server skips them too)`,
			`ReplicationGroup/example-x7k2p: spec.forProvider.atRestEncryptionEnabled: Invalid value: "boolean": spec.forProvider.atRestEncryptionEnabled in body must be of type string: "boolean"`,
		},
	},
}

// unwrap replaces the single-element list at path with its element.
func unwrap(path ...string) func(obj map[string]any) {
	return func(obj map[string]any) {
		m := obj
		for _, k := range path[:len(path)-1] {
			m = m[k].(map[string]any)
		}
		m[path[len(path)-1]] = m[path[len(path)-1]].([]any)[0]
	}
}

func staleKey(path string, obj map[string]any) string {
	return path + " " + id(obj)
}

var examplesOnce struct {
	sync.Once
	examples []example
	err      error
}

// loadExamples reads every object of exampleFiles that Object validates. Other documents (v1 Secrets, ConfigMaps)
// are left out. The examples' uptest placeholder ${Rand.RFC1123Subdomain} becomes a fixed suffix, as a render would
// give a concrete name.
func loadExamples(t testing.TB) []example {
	t.Helper()
	examplesOnce.Do(func() {
		dirs, err := moduleDirs()
		if err != nil {
			examplesOnce.err = err
			return
		}
		for _, f := range exampleFiles {
			b, err := os.ReadFile(filepath.Join(dirs[f.mod], filepath.FromSlash(f.path)))
			if err != nil {
				examplesOnce.err = err
				return
			}
			b = bytes.ReplaceAll(b, []byte("${Rand.RFC1123Subdomain}"), []byte("x7k2p"))
			d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
			for {
				var obj map[string]any
				if err := d.Decode(&obj); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					examplesOnce.err = err
					return
				}
				if api, _ := obj["apiVersion"].(string); !strings.Contains(api, ".m.") {
					continue
				}
				e := example{file: f.mod.Path + "/" + f.path, obj: obj}
				if s, ok := staleExamples[staleKey(f.path, obj)]; ok {
					e.stale = obj
					e.obj, err = jsonCopy(obj)
					if err != nil {
						examplesOnce.err = err
						return
					}
					s.adapt(e.obj)
				}
				examplesOnce.examples = append(examplesOnce.examples, e)
			}
		}
	})
	if examplesOnce.err != nil {
		t.Fatalf("cannot load the provider examples: %v", examplesOnce.err)
	}
	return examplesOnce.examples
}

// TestObjectProviderExamples validates the providers' own examples: a validator that rejected them would be wrong.
func TestObjectProviderExamples(t *testing.T) {
	v := Shared(t)
	kinds := map[string]bool{}
	for _, e := range loadExamples(t) {
		kinds[e.obj["apiVersion"].(string)+"/"+e.obj["kind"].(string)] = true
		if problems := v.Object(e.obj); problems != nil {
			t.Errorf("%s: want no problems, got:\n%s", e.file, strings.Join(problems, "\n"))
		}
	}
	// Guards the table above against shrinking unnoticed (a file with no namespaced object, a moved example).
	if len(kinds) < 40 {
		t.Errorf("the examples cover %d kinds, want at least 40", len(kinds))
	}
}

// TestObjectStaleProviderExamples checks that the validator finds what is wrong in the provider examples that
// v2.7.0's CRDs reject, exactly as the API server would report it.
func TestObjectStaleProviderExamples(t *testing.T) {
	v := Shared(t)
	seen := map[string]bool{}
	for _, e := range loadExamples(t) {
		if e.stale == nil {
			continue
		}
		key := staleKey(strings.TrimPrefix(e.file, providerAWS.Path+"/"), e.stale)
		seen[key] = true
		if diff := cmp.Diff(staleExamples[key].want, v.Object(e.stale)); diff != "" {
			t.Errorf("%s: Object(...): -want, +got:\n%s", key, diff)
		}
	}
	for key := range staleExamples {
		if !seen[key] {
			t.Errorf("%s: no such example object; the table is out of date", key)
		}
	}
}
