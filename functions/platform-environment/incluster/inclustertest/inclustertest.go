// Package inclustertest is the scaffolding of the in-cluster domains' tests: the seed's applications, the
// other domains' resources as observed, and the walk to a fixed point through environment.BuildInCluster
// (the join the function runs). What every domain's tests share (the seed Env, Find/Has/Names, Ptr,
// JSONCopy, the walk loop) is test/composetest's; this package holds only what is in-cluster's own.
package inclustertest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// Domain is the seed's domain.
const Domain = "cloudpartner.pro"

// BackendSpec and FrontendSpec are the seed's applications (examples/seed-production.yaml).
func BackendSpec() v1alpha1.ApplicationSpec {
	return v1alpha1.ApplicationSpec{
		Name: "backend", Namespace: ct.Namespace, Image: "registry.example.com/backend:1.0.0", Port: 8061, Replicas: ct.Ptr(int32(3)),
		Resources: &v1alpha1.ResourcesSpec{
			Requests: &v1alpha1.ResourceQuantities{CPU: "250m", Memory: "512Mi"},
			Limits:   &v1alpha1.ResourceQuantities{CPU: "500m", Memory: "1Gi"},
		},
		LivenessProbe:  &v1alpha1.ProbeSpec{Path: "/health", InitialDelaySeconds: ct.Ptr(int32(30)), PeriodSeconds: ct.Ptr(int32(10))},
		ReadinessProbe: &v1alpha1.ProbeSpec{Path: "/health", InitialDelaySeconds: ct.Ptr(int32(5)), PeriodSeconds: ct.Ptr(int32(5))},
		EnvFromSecrets: map[string]string{"DATABASE_URL": "database-url", "REDIS_URL": "redis-url", "JWT_SECRET": "jwt-secret"},
		Config:         map[string]string{"GIN_MODE": "release", "PORT": "8061"},
		Route:          &v1alpha1.RouteSpec{PathPatterns: []string{"/api/*"}, Priority: ct.Ptr(int32(100)), HealthCheckPath: "/health"},
		IAM: &v1alpha1.ApplicationIAMSpec{Statements: []v1alpha1.IAMStatement{
			{Sid: "InvokeNovaLite", Actions: []string{"bedrock:InvokeModel"}, Resources: []string{"arn:$(partition):bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"}},
			{Sid: "ReadEnvironmentSecrets", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []string{"arn:$(partition):secretsmanager:$(region):$(account):secret:$(secretsPrefix)*"}},
		}},
		Autoscaling:      &v1alpha1.AutoscalingSpec{MaxReplicas: 10},
		DisruptionBudget: &v1alpha1.DisruptionBudgetSpec{MaxUnavailable: "1"},
		Migration:        &v1alpha1.MigrationSpec{Image: "registry.example.com/migrations:1.0.0", Command: []string{"/migrate"}},
	}
}

// FrontendSpec is the seed's frontend.
func FrontendSpec() v1alpha1.ApplicationSpec {
	return v1alpha1.ApplicationSpec{
		Name: "frontend", Image: "registry.example.com/frontend:1.0.0", Port: 80, Replicas: ct.Ptr(int32(2)),
		Route: &v1alpha1.RouteSpec{Default: true},
	}
}

// Resolve resolves applications and add-ons for the tests, failing on error.
func Resolve(t testing.TB, apps []v1alpha1.ApplicationSpec, addons v1alpha1.AddonsSpec) incluster.Spec {
	t.Helper()
	r, err := environment.ResolveInCluster(apps, addons, ct.Namespace, Domain, "consulting")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return r
}

// Seed is the seed's applications with the default add-ons.
func Seed(t testing.TB) incluster.Spec {
	return Resolve(t, []v1alpha1.ApplicationSpec{BackendSpec(), FrontendSpec()}, v1alpha1.AddonsSpec{})
}

// Others are the other domains' resources the in-cluster domains read, as they are observed once they exist.
func Others(ready func(string) bool, apps ...string) map[string]map[string]any {
	desired := map[string]map[string]any{
		compose.Cluster:                     AWS("eks", "Cluster", map[string]any{"version": "1.35"}),
		compose.ClusterAuth:                 AWS("eks", "ClusterAuth", nil),
		compose.ClusterProviderAccess:       AWS("eks", "AccessEntry", nil),
		compose.ClusterProviderAccessPolicy: AWS("eks", "AccessPolicyAssociation", nil),
		compose.NodeGroup:                   AWS("eks", "NodeGroup", map[string]any{"version": "1.35"}),
		compose.PodIdentityAgent:            AWS("eks", "Addon", nil),
		compose.OIDCProvider:                AWS("iam", "OpenIDConnectProvider", map[string]any{"url": "https://oidc.eks." + ct.Region + ".amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}),
		compose.VPC:                         AWS("ec2", "VPC", nil),
		compose.ApplicationLogGroup:         AWS("cloudwatchlogs", "Group", nil),
		compose.Database: AWS("rds", "Instance", map[string]any{
			"identifier": "cloud-consulting-prod-db", "dbName": "consulting", "port": 5432, "manageMasterUserPassword": true,
		}),
		compose.CacheReplicationGroup: AWS("elasticache", "ReplicationGroup", map[string]any{
			"autoGenerateAuthToken": true,
			"authTokenSecretRef":    map[string]any{"name": "prod-cache-auth-token", "key": "auth-token"},
		}),
	}
	for _, a := range apps {
		desired[compose.TargetGroup(a)] = AWS("elbv2", "LBTargetGroup", map[string]any{"name": "tg-" + a})
	}
	out := map[string]map[string]any{}
	for name, d := range desired {
		out[name] = observe.Resource(name, d, observe.Options{Namespace: ct.Namespace, Region: ct.Region, Ready: ready})
	}
	return out
}

// AWS is a provider-aws managed resource of the service and kind.
func AWS(svc, kind string, fp map[string]any) map[string]any {
	if fp == nil {
		fp = map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{
		"apiVersion": svc + ".aws.m.upbound.io/v1beta1", "kind": kind,
		"metadata": map[string]any{"name": "x"}, "spec": map[string]any{"forProvider": fp},
	})
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// All is ready for every name.
func All(string) bool { return true }

// NotReadyPrefix is ready for every name but those under prefix: a stage whose Jobs or rollouts have not
// finished.
func NotReadyPrefix(prefix string) func(string) bool {
	return func(n string) bool { return !strings.HasPrefix(n, prefix) }
}

// Walk builds, observes what was built (ready or not, as ready says), and builds again until nothing
// changes, as the golden stages do. It returns the last output and the observed state it was built from.
func Walk(t testing.TB, profile string, r incluster.Spec, ready func(string) bool, base map[string]map[string]any) (Output, compose.Observed) {
	t.Helper()
	// base's in-cluster resources (a walk continued from an earlier one) are where the walk starts, which
	// the passes' renders replace; the other domains' stay as they are observed throughout.
	others, start := compose.Observed{}, compose.Observed{}
	for k, v := range base {
		if inCluster(k) {
			start[k] = v
		} else {
			others[k] = v
		}
	}
	var out Output
	observed := ct.Walk(t, others, start, ct.Options(ready), func(observed compose.Observed) []*compose.Resource {
		out = Desired(t, ct.Env(profile, observed), r)
		// Observed state is JSON-shaped, as Crossplane hands it over.
		res := make([]*compose.Resource, len(out.Resources))
		for i, x := range out.Resources {
			res[i] = &compose.Resource{Name: x.Name, Object: ct.JSONCopy(x.Object)}
		}
		return res
	})
	return out, observed
}

// inCluster reports whether the composition resource name is of the in-cluster domains' two components.
func inCluster(name string) bool {
	c := compose.Component(name)
	return c == incluster.AppsComponent || c == incluster.ReleasesComponent
}

// Output is what the in-cluster domains render and publish, as a walk sees it.
type Output = environment.InCluster

// Desired is what reaches Crossplane of a Build: Assemble's desired state, i.e. the rendered resources and
// the observed ones it keeps, of the in-cluster domains' two components only.
func Desired(t testing.TB, env *compose.Env, r incluster.Spec) Output {
	t.Helper()
	out := environment.BuildInCluster(env, &r)
	a, err := compose.Assemble(env, out.Result)
	if err != nil {
		t.Fatal(err)
	}
	built := map[string]*compose.Resource{}
	for _, x := range out.Resources {
		built[x.Name] = x
	}
	d := Output{Outputs: out.Outputs}
	d.Waiting = out.Waiting
	for _, x := range a.Resources {
		if !inCluster(x.Name) {
			continue
		}
		if x.Kept {
			d.Resources = append(d.Resources, &compose.Resource{Name: x.Name, Object: x.Object})
		} else {
			d.Resources = append(d.Resources, built[x.Name])
		}
	}
	return d
}

// ManifestOf is an Object's manifest, JSON-shaped.
func ManifestOf(t testing.TB, r *compose.Resource) map[string]any {
	t.Helper()
	m := ct.JSONCopy(r.Object)
	spec, _ := m["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	man, ok := fp["manifest"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no manifest", r.Name)
	}
	return man
}

// Get reads a dotted path (list indexes as numbers) from a JSON-shaped object.
func Get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

// PolicyOf is an IAM policy resource's document.
func PolicyOf(t testing.TB, r *compose.Resource) compose.PolicyDocument {
	t.Helper()
	return ct.PolicyOf(t, ct.ForProvider(r)["policy"])
}

// LoadTested is the seed with the load test on.
func LoadTested(t testing.TB) incluster.Spec {
	return Resolve(t, []v1alpha1.ApplicationSpec{BackendSpec(), FrontendSpec()}, v1alpha1.AddonsSpec{LoadTest: v1alpha1.LoadTestSpec{Enabled: true, RunID: "r1"}})
}
