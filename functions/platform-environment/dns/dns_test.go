package dns

import (
	"maps"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const testDomain = "cloudpartner.pro"

func seedInput() Input {
	return Input{Domain: testDomain, Spec: Resolve(v1alpha1.DNSSpec{})}
}

var allReady = func(string) bool { return true }
var noneReady = func(string) bool { return false }

// edgeObserved returns the edge's resources the dns domain reads, observed as the providers report them.
func edgeObserved(names ...string) compose.Observed {
	desired := map[string]map[string]any{
		compose.VPC: {"apiVersion": "ec2.aws.m.upbound.io/v1beta1", "kind": "VPC", "metadata": map[string]any{"name": "prod-network-vpc"}},
		compose.Certificate: {"apiVersion": "acm.aws.m.upbound.io/v1beta1", "kind": "Certificate", "metadata": map[string]any{"name": "prod-edge-certificate"},
			"spec": map[string]any{"forProvider": map[string]any{"domainName": testDomain, "subjectAlternativeNames": []any{"*." + testDomain, "api." + testDomain}}}},
		compose.LoadBalancer: {"apiVersion": "elbv2.aws.m.upbound.io/v1beta1", "kind": "LB", "metadata": map[string]any{"name": "prod-edge-lb"},
			"spec": map[string]any{"forProvider": map[string]any{"name": "cloud-consulting-prod-a-1234abcd"}}},
		compose.LoadBalancerHTTPS: {"apiVersion": "elbv2.aws.m.upbound.io/v1beta1", "kind": "LBListener", "metadata": map[string]any{"name": "prod-edge-listener-https"}},
	}
	out := compose.Observed{}
	for _, n := range names {
		out[n] = observe.Resource(n, desired[n], ct.Options(allReady))
	}
	return out
}

// TestBuildPasses walks DNS through the passes in which the edge's and its own values arrive.
func TestBuildPasses(t *testing.T) {
	in := seedInput()
	// The validation record names the observe hook gives the seed's certificate.
	certObs := edgeObserved(compose.Certificate)
	recs, ok := certObs.CertificateValidationRecords(compose.Certificate)
	if !ok || len(recs) != 2 {
		t.Fatalf("the certificate hook must publish 2 distinct validation records, got %v", recs)
	}
	validation := []string{ValidationRecord(recs[0].Name), ValidationRecord(recs[1].Name)}
	type pass struct {
		reason  string
		edge    []string // edge resources observed (all Ready)
		ready   func(string) bool
		names   []string
		waiting string
	}
	passes := []pass{
		{
			reason: "Nothing observed: the zone and www; the validation records wait for the certificate.",
			names:  []string{"dns-www", "dns-zone"},
			ready:  noneReady, waiting: "waiting for the validation options of edge-certificate to write its validation records",
		},
		{
			reason: "The certificate observed: one record for the apex and its wildcard, one for api; the aliases wait for the LB.",
			edge:   []string{compose.Certificate}, ready: noneReady,
			names:   append([]string{"dns-www", "dns-zone"}, validation...),
			waiting: "waiting for the DNS name and hosted zone of edge-lb for the alias records",
		},
		{
			reason: "The LB observed: the aliases; the health check waits for the HTTPS listener.",
			edge:   []string{compose.Certificate, compose.LoadBalancer}, ready: allReady,
			names:   append([]string{"dns-alias-api", "dns-alias-apex", "dns-www", "dns-zone"}, validation...),
			waiting: "the health check of api.cloudpartner.pro starts once edge-listener-https is Ready",
		},
		{
			reason: "The listener Ready and the account known: the health check and the us-east-1 key; the topic waits for the key.",
			edge:   []string{compose.VPC, compose.Certificate, compose.LoadBalancer, compose.LoadBalancerHTTPS}, ready: allReady,
			names:   append([]string{"dns-alarm-key", "dns-alias-api", "dns-alias-apex", "dns-healthcheck", "dns-www", "dns-zone"}, validation...),
			waiting: "waiting for the ARN of dns-alarm-key to encrypt the us-east-1 alarm topic",
		},
		{
			reason: "The key observed: the topic; the alarm waits for the health check's ID first — which is now observed — then the topic's ARN.",
			edge:   []string{compose.VPC, compose.Certificate, compose.LoadBalancer, compose.LoadBalancerHTTPS}, ready: allReady,
			names:   append([]string{"dns-alarm-key", "dns-alarm-topic", "dns-alias-api", "dns-alias-apex", "dns-healthcheck", "dns-www", "dns-zone"}, validation...),
			waiting: "waiting for the ARN of dns-alarm-topic for the health check's alarm",
		},
		{
			reason: "Everything observed: the alarm, nothing waits.",
			edge:   []string{compose.VPC, compose.Certificate, compose.LoadBalancer, compose.LoadBalancerHTTPS}, ready: allReady,
			names: append([]string{"dns-alarm-key", "dns-alarm-topic", "dns-alias-api", "dns-alias-apex", "dns-healthcheck", "dns-healthcheck-alarm", "dns-www", "dns-zone"}, validation...),
		},
	}
	var prev compose.Result
	for i, p := range passes {
		obs := ct.ObserveAll(edgeObserved(p.edge...), prev.Resources, ct.Options(p.ready))
		out := Build(ct.Env("prod", obs), in)
		ct.Validate(t, out.Result.Resources)
		want := append([]string(nil), p.names...)
		sort.Strings(want)
		if diff := cmp.Diff(want, ct.Names(out.Result.Resources)); diff != "" {
			t.Errorf("pass %d: %s\n-want +got:\n%s", i+1, p.reason, diff)
		}
		if got := out.Waiting[component]; got != p.waiting {
			t.Errorf("pass %d: %s\nwaiting = %q, want %q", i+1, p.reason, got, p.waiting)
		}
		prev = out.Result
	}
}

// full returns the observed state after every pass, with the edge observed.
func full(t *testing.T, in Input) compose.Observed {
	t.Helper()
	edge := edgeObserved(compose.VPC, compose.Certificate, compose.LoadBalancer, compose.LoadBalancerHTTPS)
	obs := edge
	for range 6 {
		obs = ct.ObserveAll(maps.Clone(edge), Build(ct.Env("prod", obs), in).Result.Resources, ct.Options(allReady))
	}
	return obs
}

func TestRecords(t *testing.T) {
	in := seedInput()
	obs := full(t, in)
	res := Build(ct.Env("prod", obs), in).Result
	lbName, _ := obs.String(compose.LoadBalancer, "status.atProvider.dnsName")
	lbZone, _ := obs.String(compose.LoadBalancer, "status.atProvider.zoneId")
	recs, _ := obs.CertificateValidationRecords(compose.Certificate)
	zoneRef := map[string]any{"name": "prod-dns-zone"}
	cases := map[string]struct {
		reason string
		name   string
		want   map[string]any
	}{
		"Apex": {
			reason: "The apex is an alias of the load balancer, with the values AWS reported for it.",
			name:   aliasApex,
			want: map[string]any{"zoneIdRef": zoneRef, "name": "cloudpartner.pro", "type": "A",
				"alias": map[string]any{"name": lbName, "zoneId": lbZone, "evaluateTargetHealth": true}},
		},
		"API": {
			reason: "api.<domain> is an alias of the load balancer too.",
			name:   aliasAPI,
			want: map[string]any{"zoneIdRef": zoneRef, "name": "api.cloudpartner.pro", "type": "A",
				"alias": map[string]any{"name": lbName, "zoneId": lbZone, "evaluateTargetHealth": true}},
		},
		"WWW": {
			reason: "www is a CNAME of the apex.",
			name:   www,
			want:   map[string]any{"zoneIdRef": zoneRef, "name": "www.cloudpartner.pro", "type": "CNAME", "ttl": 300, "records": []any{"cloudpartner.pro"}},
		},
		"ValidationApex": {
			reason: "One validation record for the apex and its wildcard, as ACM asked.",
			name:   ValidationRecord(recs[0].Name),
			want: map[string]any{"zoneIdRef": zoneRef, "name": recs[0].Name, "type": "CNAME", "ttl": 60,
				"records": []any{recs[0].Value}, "allowOverwrite": true},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ct.ForProvider(ct.Find(t, res.Resources, tc.name))); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
	if lbName == "" || lbZone == "" || !strings.HasSuffix(recs[0].Value, ".acm-validations.aws.") {
		t.Errorf("the observe hooks must publish the LB's dnsName/zoneId and ACM's record values")
	}
}

func TestZone(t *testing.T) {
	cases := map[string]struct {
		reason     string
		in         Input
		protect    bool
		wantFP     map[string]any
		policies   any
		annotation any
		outputs    func(obs compose.Observed) *v1alpha1.DNSOutputs
	}{
		"Created": {
			reason: "A created zone is orphaned under protection; its name servers go to status, and the delegation is done once ACM validated through it.",
			in:     seedInput(), protect: true,
			wantFP: map[string]any{"name": testDomain, "comment": "Public zone of cloudpartner.pro for cloud-consulting/prod",
				"forceDestroy": false, "tags": map[string]any{"component": "dns", "environment": "cloud-consulting/prod", "managed-by": "crossplane"}},
			policies: []any{"Observe", "Create", "Update", "LateInitialize"},
			outputs: func(obs compose.Observed) *v1alpha1.DNSOutputs {
				id, _ := obs.String(compose.HostedZone, "status.atProvider.zoneId")
				hc, _ := obs.ID(healthCheckName)
				ns := []string{}
				v, _ := obs.Value(compose.HostedZone, "status.atProvider.nameServers")
				for _, x := range v.([]any) {
					ns = append(ns, x.(string))
				}
				return &v1alpha1.DNSOutputs{ZoneID: id, NameServers: ns, HealthCheckID: hc,
					Delegation: "Done: cloudpartner.pro is delegated to this hosted zone (ACM validated the certificate through it)."}
			},
		},
		"CreatedWithoutProtection": {
			reason: "Without protection the zone goes with the environment, records and all.",
			in:     seedInput(),
			wantFP: map[string]any{"name": testDomain, "comment": "Public zone of cloudpartner.pro for cloud-consulting/prod",
				"forceDestroy": true, "tags": map[string]any{"component": "dns", "environment": "cloud-consulting/prod", "managed-by": "crossplane"}},
		},
		"Existing": {
			reason: "An existing zone is observed only, by its ID; no name servers or delegation to report.",
			in:     Input{Domain: testDomain, Spec: Resolve(v1alpha1.DNSSpec{ZoneID: "Z0123456789ABCDEFGHIJ"})}, protect: true,
			wantFP:     map[string]any{"name": testDomain},
			policies:   []any{"Observe"},
			annotation: "Z0123456789ABCDEFGHIJ",
			outputs: func(obs compose.Observed) *v1alpha1.DNSOutputs {
				hc, _ := obs.ID(healthCheckName)
				return &v1alpha1.DNSOutputs{ZoneID: "Z0123456789ABCDEFGHIJ", HealthCheckID: hc}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := full(t, tc.in)
			env := ct.Env("prod", obs)
			env.DeletionProtection = tc.protect
			out := Build(env, tc.in)
			ct.Validate(t, out.Result.Resources)
			if diff := cmp.Diff(tc.wantFP, ct.ForProvider(ct.Find(t, out.Result.Resources, compose.HostedZone))); diff != "" {
				t.Errorf("%s\nforProvider: -want +got:\n%s", tc.reason, diff)
			}
			z := ct.Find(t, out.Result.Resources, compose.HostedZone).Object
			if got := z["spec"].(map[string]any)["managementPolicies"]; !cmp.Equal(got, tc.policies) {
				t.Errorf("%s\nmanagementPolicies = %v, want %v", tc.reason, got, tc.policies)
			}
			var ann any
			if a, ok := z["metadata"].(map[string]any)["annotations"].(map[string]any); ok {
				ann = a["crossplane.io/external-name"]
			}
			if !cmp.Equal(ann, tc.annotation) {
				t.Errorf("%s\nexternal name = %v, want %v", tc.reason, ann, tc.annotation)
			}
			if tc.outputs != nil {
				if diff := cmp.Diff(tc.outputs(obs), out.Outputs); diff != "" {
					t.Errorf("%s\noutputs: -want +got:\n%s", tc.reason, diff)
				}
			}
		})
	}
}

func TestBuildWithoutDomain(t *testing.T) {
	out := Build(ct.Env("prod", compose.Observed{}), Input{})
	if len(out.Resources) != 0 || out.Outputs != nil {
		t.Errorf("without a domain DNS renders nothing, got %v", ct.Names(out.Result.Resources))
	}
	if diff := cmp.Diff([]string{"dns-"}, out.Retired); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestResolve(t *testing.T) {
	off, ten, two := false, int32(10), int32(2)
	cases := map[string]struct {
		reason string
		spec   v1alpha1.DNSSpec
		want   Resolved
	}{
		"Seed": {
			reason: "The seed's health check: /health, failure threshold 3, every 30 s.",
			want:   Resolved{HealthCheck: true, HealthPath: "/health", FailureThreshold: 3, RequestInterval: 30},
		},
		"Explicit": {
			reason: "Explicit values win.",
			spec: v1alpha1.DNSSpec{ZoneID: "Z1", HealthCheck: v1alpha1.HealthCheckSpec{
				Enabled: &off, Path: "/livez", FailureThreshold: &two, RequestIntervalSeconds: &ten}},
			want: Resolved{ZoneID: "Z1", HealthPath: "/livez", FailureThreshold: 2, RequestInterval: 10},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Resolve(tc.spec)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestDelegation checks the delegation step a created zone reports: what to do while the certificate is
// pending (the validation records cannot resolve before the parent delegates), done once ACM issued it.
func TestDelegation(t *testing.T) {
	in := seedInput()
	zoneOnly := func(certReady bool) compose.Observed {
		obs := ct.ObserveAll(nil, Build(ct.Env("prod", compose.Observed{}), in).Result.Resources, ct.Options(allReady))
		c := edgeObserved(compose.Certificate)
		if !certReady {
			c = compose.Observed{compose.Certificate: observe.Resource(compose.Certificate, c[compose.Certificate], ct.Options(noneReady))}
		}
		obs[compose.Certificate] = c[compose.Certificate]
		return obs
	}
	cases := map[string]struct {
		reason    string
		certReady bool
		want      string
	}{
		"Pending": {
			reason: "The certificate waits for validation: the owner of the parent domain must delegate.",
			want: "Delegate cloudpartner.pro to this hosted zone: at the registrar of cloudpartner.pro (or in the parent zone's DNS) set its NS records to " +
				"NS. Until then the records do not resolve and ACM cannot issue the certificate, so the HTTPS listener waits.",
		},
		"Issued": {
			reason: "ACM validated through the zone: the delegation is in place.", certReady: true,
			want: "Done: cloudpartner.pro is delegated to this hosted zone (ACM validated the certificate through it).",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := zoneOnly(tc.certReady)
			o := Build(ct.Env("prod", obs), in).Outputs
			if len(o.NameServers) != 4 {
				t.Fatalf("%s\nname servers = %v, want the zone's 4", tc.reason, o.NameServers)
			}
			want := strings.Replace(tc.want, "NS.", strings.Join(o.NameServers, ", ")+".", 1)
			if o.Delegation != want {
				t.Errorf("%s\ndelegation = %q\n       want %q", tc.reason, o.Delegation, want)
			}
		})
	}
}

func TestBuildLowerCasesDomain(t *testing.T) {
	in := seedInput()
	in.Domain = "CloudPartner.PRO"
	out := Build(ct.Env("prod", compose.Observed{}), in)
	if got := ct.ForProvider(ct.Find(t, out.Result.Resources, compose.HostedZone))["name"]; got != "cloudpartner.pro" {
		t.Errorf("zone name = %v, want the domain in lower case", got)
	}
	if got := ct.ForProvider(ct.Find(t, out.Result.Resources, www))["name"]; got != "www.cloudpartner.pro" {
		t.Errorf("www = %v", got)
	}
}
