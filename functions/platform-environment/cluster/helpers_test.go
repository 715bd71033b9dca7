package cluster

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	"github.com/cloudpartner/platform-environment/test/validate"
)

const (
	testProvider = "arn:aws:iam::123456789012:role/crossplane-provider-aws"
	testAdmin    = "arn:aws:iam::123456789012:role/platform-admins"
)

// testEnv is the seed's environment with the given profile and observed state.
func testEnv(profile string, observed compose.Observed) *compose.Env {
	if observed == nil {
		observed = compose.Observed{}
	}
	return &compose.Env{
		Name: "prod", Namespace: "cloud-consulting", Region: "us-east-1", Profile: profile,
		ProviderConfig:     compose.ProviderConfigRef{Kind: "ProviderConfig", Name: "default"},
		DeletionProtection: profile == "prod",
		Zones:              []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		Observed:           observed,
	}
}

// seedSpec is the seed example's cluster section.
func seedSpec() v1alpha1.ClusterSpec {
	return v1alpha1.ClusterSpec{
		Version:                   "1.35",
		EndpointPublicAccessCIDRs: []string{"198.51.100.0/24", "203.0.113.10/32"},
		AdminPrincipalARNs:        []string{testAdmin},
		ProviderPrincipalARN:      testProvider,
	}
}

// resolveSeed resolves the seed's cluster spec for the env.
func resolveSeed(t *testing.T, env *compose.Env) v1alpha1.ResolvedCluster {
	t.Helper()
	r, err := Resolve(seedSpec(), env)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// resolveBuild resolves and builds the cluster of a profile from a spec and observed state, failing the test
// on an error.
func resolveBuild(t *testing.T, profile string, spec v1alpha1.ClusterSpec, observed compose.Observed) (*compose.Env, Output) {
	t.Helper()
	env := testEnv(profile, observed)
	r, err := Resolve(spec, env)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Build(env, r)
	if err != nil {
		t.Fatal(err)
	}
	return env, out
}

// networkObserved is the network as the cluster needs it: ready, with the nodes security group's ID.
func networkObserved(t *testing.T) compose.Observed {
	t.Helper()
	env := testEnv("prod", nil)
	o := compose.Observed{}
	names := append([]string{compose.SecurityGroupNodes, compose.VPC}, env.Subnets(compose.TierPrivate)...)
	for _, n := range names {
		kind := "Subnet"
		switch n {
		case compose.VPC:
			kind = "VPC"
		case compose.SecurityGroupNodes:
			kind = "SecurityGroup"
		}
		o[n] = observe.Resource(n, env.NewAWS(n, ec2API, kind).Resource().Object, observe.Options{Namespace: env.Namespace, Region: env.Region})
	}
	return o
}

// walk renders the cluster over and over, observing what it renders under a readiness policy, until
// nothing changes: the fixed point of a stage. The network's observed resources stay as they are; prev
// is the cluster's observed state the stage starts from. It returns the observed state and the last build.
func walk(t *testing.T, profile string, network, prev compose.Observed, ready func(string) bool) (compose.Observed, Output) {
	t.Helper()
	return walkSpec(t, profile, seedSpec(), network, prev, ready)
}

// walkSpec is walk with another cluster spec.
func walkSpec(t *testing.T, profile string, spec v1alpha1.ClusterSpec, network, prev compose.Observed, ready func(string) bool) (compose.Observed, Output) {
	t.Helper()
	observed := compose.Observed{}
	for _, o := range []compose.Observed{network, prev} {
		for k, v := range o {
			observed[k] = v
		}
	}
	for pass := 0; pass < 20; pass++ {
		env, out := resolveBuild(t, profile, spec, observed)
		a, err := compose.Assemble(env, out.Result)
		if err != nil {
			t.Fatal(err)
		}
		next := compose.Observed{}
		for k, v := range network {
			next[k] = v
		}
		for _, r := range a.Resources {
			if _, ok := network[r.Name]; ok {
				continue
			}
			next[r.Name] = observe.Resource(r.Name, r.Object, observe.Options{Namespace: env.Namespace, Region: env.Region, Ready: ready})
		}
		if reflect.DeepEqual(next, observed) {
			return observed, out
		}
		observed = next
	}
	t.Fatal("no fixed point after 20 passes")
	return nil, Output{}
}

// names returns the sorted composition resource names of the results.
func names(res []*compose.Resource) []string {
	out := make([]string, 0, len(res))
	for _, r := range res {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}

func find(t *testing.T, res []*compose.Resource, name string) *compose.Resource {
	t.Helper()
	for _, r := range res {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource %q among %v", name, names(res))
	return nil
}

func has(res []*compose.Resource, name string) bool {
	for _, r := range res {
		if r.Name == name {
			return true
		}
	}
	return false
}

func forProvider(r *compose.Resource) map[string]any {
	return r.Object["spec"].(map[string]any)["forProvider"].(map[string]any)
}

// jsonRound turns typed values (int32, []string) into what a decoded object holds, for comparisons.
func jsonRound(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// validateAll checks every object against its provider CRD.
func validateAll(t *testing.T, res []*compose.Resource) {
	t.Helper()
	v := validate.Shared(t)
	for _, r := range res {
		if errs := v.Object(r.Object); len(errs) > 0 {
			t.Errorf("%s is not valid:\n  %s", r.Name, strings.Join(errs, "\n  "))
		}
	}
}

// policyOf parses an IAM policy document from a JSON string field.
func policyOf(t *testing.T, s any) compose.PolicyDocument {
	t.Helper()
	str, ok := s.(string)
	if !ok {
		t.Fatalf("policy is a %T, not a string", s)
	}
	var p compose.PolicyDocument
	if err := json.Unmarshal([]byte(str), &p); err != nil {
		t.Fatalf("policy is not a policy document: %v\n%s", err, str)
	}
	return p
}

// noWildcardAdmin fails on any statement that allows Action "*" on Resource "*".
func noWildcardAdmin(t *testing.T, name string, p compose.PolicyDocument) {
	t.Helper()
	for _, s := range p.Statement {
		for _, a := range s.Action {
			for _, r := range s.Resource {
				if a == "*" && r == "*" && s.Effect == "Allow" {
					t.Errorf("%s: statement %q allows Action * on Resource *", name, s.Sid)
				}
			}
		}
	}
}

func jsonCopy(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
