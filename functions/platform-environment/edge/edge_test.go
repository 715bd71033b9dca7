package edge

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const testDomain = "cloudpartner.pro"

// seedRoutes are the seed's applications: backend on /api/* with /health, frontend by default.
func seedRoutes() []Route {
	return []Route{
		{App: "backend", Port: 8061, PathPatterns: []string{"/api/*"}, HealthPath: "/health"},
		{App: "frontend", Port: 80, Default: true},
	}
}

// seedInput resolves the seed's edge.
func seedInput(t *testing.T) Input {
	t.Helper()
	r, routes, err := Resolve(v1alpha1.EdgeSpec{}, testDomain, "prod", seedRoutes())
	if err != nil {
		t.Fatal(err)
	}
	return Input{Domain: testDomain, Spec: r, Routes: routes}
}

// network is the observed VPC that tells the account ID.
func network() compose.Observed {
	return compose.Observed{compose.VPC: observe.Resource(compose.VPC, map[string]any{
		"apiVersion": "ec2.aws.m.upbound.io/v1beta1", "kind": "VPC",
		"metadata": map[string]any{"name": "prod-network-vpc"},
	}, ct.Options(nil))}
}

// testProvider is the seed's spec.cluster.providerPrincipalArn.
const testProvider = "arn:aws:iam::123456789012:role/crossplane-provider-aws"

// neighbours is network() plus what the edge reads of other domains: the cluster's access entry of the
// provider's principal and the alarm topic (for the WAF change alert).
func neighbours() compose.Observed {
	out := network()
	out[compose.ClusterProviderAccess] = observe.Resource(compose.ClusterProviderAccess, map[string]any{
		"apiVersion": "eks.aws.m.upbound.io/v1beta1", "kind": "AccessEntry",
		"metadata": map[string]any{"name": "prod-" + compose.ClusterProviderAccess},
		"spec":     map[string]any{"forProvider": map[string]any{"principalArn": testProvider}},
	}, ct.Options(nil))
	out[compose.AlarmTopic] = observe.Resource(compose.AlarmTopic, map[string]any{
		"apiVersion": "sns.aws.m.upbound.io/v1beta1", "kind": "Topic",
		"metadata": map[string]any{"name": "prod-" + compose.AlarmTopic},
	}, ct.Options(nil))
	return out
}

var allReady = func(string) bool { return true }
var noneReady = func(string) bool { return false }

// TestBuildPasses walks the seed's edge through the passes in which AWS's answers arrive and checks what
// each pass renders and waits for; every object of every pass must pass CRD validation.
func TestBuildPasses(t *testing.T) {
	in := seedInput(t)
	always := []string{
		"edge-certificate", "edge-listener-http",
		"edge-logs-bucket", "edge-logs-encryption", "edge-logs-lifecycle", "edge-logs-ownership", "edge-logs-public-access",
		"edge-tg-backend", "edge-tg-frontend", "edge-waf",
	}
	with := func(extra ...string) []string {
		out := append(append([]string{}, always...), extra...)
		sort.Strings(out)
		return out
	}

	// Pass 1: nothing observed.
	out1 := Build(ct.Env("prod", compose.Observed{}), in)
	ct.Validate(t, out1.Result.Resources)
	if diff := cmp.Diff(with(), ct.Names(out1.Result.Resources)); diff != "" {
		t.Errorf("pass 1 (nothing observed): -want +got:\n%s", diff)
	}
	if got := out1.Waiting[component]; got == "" {
		t.Errorf("pass 1: the edge must say what it waits for")
	}

	// Pass 2: the network (account) and pass 1 observed, nothing Ready yet: the bucket policy and the
	// certificate validation appear; the load balancer waits for the policy, the HTTPS listener for ACM.
	obs2 := ct.ObserveAll(neighbours(), out1.Result.Resources, ct.Options(noneReady))
	out2 := Build(ct.Env("prod", obs2), in)
	ct.Validate(t, out2.Result.Resources)
	// The WAF's log group, its key and the account's log resource policy need only the account.
	wafLogs := []string{"edge-waf-logs", "edge-waf-logs-key", "edge-waf-logs-key-alias", "edge-waf-logs-policy"}
	if diff := cmp.Diff(with(append([]string{"edge-certificate-validation", "edge-logs-policy"}, wafLogs...)...), ct.Names(out2.Result.Resources)); diff != "" {
		t.Errorf("pass 2: -want +got:\n%s", diff)
	}
	if got, want := out2.Waiting[component], "waiting for edge-logs-policy to be Ready before creating the load balancer (AWS checks that it may write the access logs)"; got != want {
		t.Errorf("pass 2: waiting = %q, want %q", got, want)
	}

	// Pass 3: everything of pass 2 Ready (policy, certificate issued and validated): the load balancer,
	// the HTTPS listener and its rules appear; the web ACL association waits for the LB's ARN.
	obs3 := ct.ObserveAll(neighbours(), out2.Result.Resources, ct.Options(allReady))
	out3 := Build(ct.Env("prod", obs3), in)
	ct.Validate(t, out3.Result.Resources)
	// The WAF's log group and policy Ready: its logging configuration appears.
	if diff := cmp.Diff(with(append([]string{"edge-certificate-validation", "edge-logs-policy", "edge-lb", "edge-listener-https", "edge-rule-host-api", "edge-rule-path-backend", "edge-waf-logging"}, wafLogs...)...), ct.Names(out3.Result.Resources)); diff != "" {
		t.Errorf("pass 3: -want +got:\n%s", diff)
	}
	if got, want := out3.Waiting[component], "waiting for the ARN of edge-lb to associate the web ACL"; got != want {
		t.Errorf("pass 3: waiting = %q, want %q", got, want)
	}

	// Pass 4: the load balancer observed: the association and the WAF change alert appear and nothing waits.
	obs4 := ct.ObserveAll(neighbours(), out3.Result.Resources, ct.Options(allReady))
	out4 := Build(ct.Env("prod", obs4), in)
	ct.Validate(t, out4.Result.Resources)
	if diff := cmp.Diff(with(append([]string{"edge-certificate-validation", "edge-logs-policy", "edge-lb", "edge-listener-https", "edge-rule-host-api", "edge-rule-path-backend", "edge-waf-association", compose.WAFChangeRule, compose.WAFChangeTarget, "edge-waf-logging"}, wafLogs...)...), ct.Names(out4.Result.Resources)); diff != "" {
		t.Errorf("pass 4: -want +got:\n%s", diff)
	}
	if len(out4.Waiting) != 0 {
		t.Errorf("pass 4: nothing may wait, got %v", out4.Waiting)
	}

	// The outputs come from the observed resources.
	obs5 := ct.ObserveAll(neighbours(), out4.Result.Resources, ct.Options(allReady))
	got := Build(ct.Env("prod", obs5), in).Outputs
	lbARN, _ := obs5.ARN(compose.LoadBalancer)
	dns, _ := obs5.String(compose.LoadBalancer, "status.atProvider.dnsName")
	certARN, _ := obs5.ARN(compose.Certificate)
	aclARN, _ := obs5.ARN(webACL)
	be, _ := obs5.ARN(compose.TargetGroup("backend"))
	fe, _ := obs5.ARN(compose.TargetGroup("frontend"))
	want := &v1alpha1.EdgeOutputs{
		LoadBalancerDNSName: dns, LoadBalancerARN: lbARN, CertificateARN: certARN, CertificateStatus: "ISSUED",
		TargetGroupARNs: map[string]string{"backend": be, "frontend": fe}, WebACLARN: aclARN, URL: "https://cloudpartner.pro",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outputs: -want +got:\n%s", diff)
	}
	if dns == "" || certARN == "" {
		t.Errorf("the observe hooks must publish the LB's dnsName and the certificate's ARN")
	}
}

// TestBuildKeepsGatedResources checks that a gate closing again (a policy or validation observed not
// Ready after a restart) never takes back what exists: the resources stay rendered.
func TestBuildKeepsGatedResources(t *testing.T) {
	in := seedInput(t)
	obs := ct.ObserveAll(network(), Build(ct.Env("prod", compose.Observed{}), in).Result.Resources, ct.Options(allReady))
	for range 3 {
		obs = ct.ObserveAll(network(), Build(ct.Env("prod", obs), in).Result.Resources, ct.Options(allReady))
	}
	// Every edge resource observed; now observe them all not Ready.
	stale := ct.ObserveAll(network(), Build(ct.Env("prod", obs), in).Result.Resources, ct.Options(noneReady))
	out := Build(ct.Env("prod", stale), in)
	for _, n := range []string{compose.LoadBalancer, compose.LoadBalancerHTTPS, "edge-rule-path-backend", "edge-rule-host-api", webACLAssociation, certificateValidation} {
		ct.Find(t, out.Result.Resources, n)
	}
}

func TestBuildWithoutDomain(t *testing.T) {
	out := Build(ct.Env("prod", compose.Observed{}), Input{})
	if len(out.Resources) != 0 {
		t.Errorf("without a domain the edge renders nothing, got %v", ct.Names(out.Result.Resources))
	}
	if diff := cmp.Diff([]string{"edge-"}, out.Retired); diff != "" {
		t.Errorf("without a domain everything an earlier domain made is retired: -want +got:\n%s", diff)
	}
	if out.Outputs != nil {
		t.Errorf("without a domain there are no edge outputs, got %+v", out.Outputs)
	}
}

func TestBuildLowerCasesDomain(t *testing.T) {
	in := seedInput(t)
	in.Domain = "CloudPartner.PRO"
	out := Build(ct.Env("prod", compose.Observed{}), in)
	if got := ct.ForProvider(ct.Find(t, out.Result.Resources, compose.Certificate))["domainName"]; got != "cloudpartner.pro" {
		t.Errorf("domainName = %v, want the domain in lower case", got)
	}
	if got := out.Outputs.URL; got != "https://cloudpartner.pro" {
		t.Errorf("url = %v", got)
	}
}
