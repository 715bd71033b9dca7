package cluster

import (
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const (
	testProvider = "arn:aws:iam::123456789012:role/crossplane-provider-aws"
	testAdmin    = "arn:aws:iam::123456789012:role/platform-admins"
)

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
	env := ct.Env(profile, observed)
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
	env := ct.Env("prod", nil)
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
	var out Output
	observed := ct.Walk(t, network, prev, ct.Options(ready), func(observed compose.Observed) []*compose.Resource {
		var env *compose.Env
		env, out = resolveBuild(t, profile, spec, observed)
		return ct.Assemble(t, env, out.Result)
	})
	return observed, out
}
