package environment

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/addons"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/checks"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/secrets"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/workloads"
)

// InCluster is what runs inside the environment's EKS cluster, rendered by the in-cluster domains and
// joined here.
type InCluster struct {
	compose.Result
	Outputs *v1alpha1.ApplicationsOutputs
}

// ResolveInCluster resolves the in-cluster spec: the add-ons, the checks, then the applications (whose
// routes, secrets and autoscalers need add-ons). databaseName is the database domain's resolved name.
func ResolveInCluster(apps []v1alpha1.ApplicationSpec, addonsSpec v1alpha1.AddonsSpec, xrNamespace, domain, databaseName string) (incluster.Spec, error) {
	s := incluster.Spec{Domain: domain, DatabaseName: databaseName}
	if s.DatabaseName == "" {
		s.DatabaseName = "consulting"
	}
	s.Addons = addons.Resolve(addonsSpec)
	var err error
	if s.Checks, err = checks.Resolve(addonsSpec); err != nil {
		return s, err
	}
	s.Apps, err = workloads.Resolve(apps, s.Addons, xrNamespace, domain)
	return s, err
}

// BuildInCluster renders the in-cluster domains and joins them. Nothing in the cluster is rendered before
// the ProviderConfigs exist; every resource that exists is rendered on every pass (a gate holds back
// creation only) unless a value it is made of is unknown, and then it stays as observed.
//
// The values that cross domains are passed here by name: the database role's readiness from the checks'
// database setup to the applications' migrations, the applications' Deployments to the checks' rollout.
// The parts are merged in dependency order (the ProviderConfigs, the add-ons, the secret stores, the
// namespaces and their secrets, the database setup, the applications, the tests): a component waits for
// the first gate that fails in that order.
func BuildInCluster(env *compose.Env, spec *incluster.Spec) InCluster {
	base := incluster.Builder{Env: env, Spec: spec}
	ad := addons.Build(env, spec)
	sec := secrets.Build(env, spec)
	wl := workloads.Build(env, spec, workloads.Input{DatabaseReady: checks.DatabaseReady(env, spec)})
	ck := checks.Build(env, spec, checks.Input{Deployments: wl.Deployments})

	var out InCluster
	out.Merge(base.Access())
	out.Merge(ad.Result)
	out.Merge(sec.Stores)
	out.Merge(base.Namespaces())
	out.Merge(base.RDSCABundles())
	out.Merge(sec.AppSecrets)
	out.Merge(sec.DatabaseAccess)
	out.Merge(ck.DatabaseSetup)
	out.Merge(wl.Result)
	out.Merge(ck.Tests)
	// Both components are the in-cluster domains': Assemble retires what of them the spec no longer wants
	// (an application, an add-on switched off) and superseded versions' Jobs once their successors render,
	// and keeps as observed whatever is wanted but cannot be rendered this pass.
	out.Own(incluster.ReleasesComponent+"-", incluster.AppsComponent+"-")
	out.Outputs = &v1alpha1.ApplicationsOutputs{Addons: ad.Outputs, Applications: wl.Outputs, SmokeTest: ck.SmokeTest, LoadTest: ck.LoadTest}
	return out
}
