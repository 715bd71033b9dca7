package email

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const account = observe.Account

// testEnv is the seed's prod environment in the namespace team, without zones (email needs none).
func testEnv(o compose.Observed) *compose.Env {
	return ct.Env("prod", o, ct.InNamespace("team"), ct.WithZones())
}

var seed = Resolved{Enabled: true, Domain: "cloudpartner.pro", Sender: "info@cloudpartner.pro", Regions: []string{"us-east-1", "us-west-2"}, Events: defaultEvents}

// withZone is what the dns domain renders: the hosted zone.
var withZone = map[string]string{compose.HostedZone: "Zone"}

// observeAll observes every rendered resource, ready, and gives the identities their DKIM tokens and
// verification status as SES reports them.
func observeAll(o compose.Observed, rs []*compose.Resource) {
	for _, r := range rs {
		region, _ := r.Object["spec"].(map[string]any)["forProvider"].(map[string]any)["region"].(string)
		obj := observe.Resource(r.Name, r.Object, observe.Options{Namespace: "team", Region: region})
		if r.Object["kind"] == "EmailIdentity" {
			observe.Set(obj, []any{region + "-tok1", region + "-tok2", region + "-tok3"}, "status", "atProvider", "dkimSigningAttributes", "tokens")
			observe.Set(obj, "PENDING", "status", "atProvider", "dkimSigningAttributes", "status")
			observe.Set(obj, "PENDING", "status", "atProvider", "verificationStatus")
			observe.Set(obj, false, "status", "atProvider", "verifiedForSendingStatus")
		}
		o[r.Name] = obj
	}
}

// TestBuildPasses walks the seed's email setup through the passes in which observed values arrive.
func TestBuildPasses(t *testing.T) {
	obs := compose.Observed{}
	perRegion := func(parts ...string) []string {
		var out []string
		for _, region := range seed.Regions {
			for _, p := range parts {
				out = append(out, compose.EmailRegionPrefix(region)+p)
			}
		}
		sort.Strings(out)
		// The domain's DMARC record goes into the zone from the first pass: it needs nothing from SES.
		return append([]string{dmarcResource}, out...)
	}

	// Pass 1: nothing observed. Identities and configuration sets start at once (verification takes time).
	out := Build(testEnv(obs), seed, withZone)
	if diff := cmp.Diff(perRegion("configuration-set", "identity"), ct.Names(out.Resources)); diff != "" {
		t.Errorf("pass 1 (-want +got):\n%s", diff)
	}
	if !strings.Contains(out.Waiting[component], "account id") {
		t.Errorf("pass 1: waiting = %q", out.Waiting[component])
	}

	// Pass 2: the account is known (an ARN is observed), the tokens too: keys and DKIM records render;
	// topics wait for their keys.
	observeAll(obs, out.Resources)
	out = Build(testEnv(obs), seed, withZone)
	if diff := cmp.Diff(perRegion("configuration-set", "dkim-1", "dkim-2", "dkim-3", "identity", "key"), ct.Names(out.Resources)); diff != "" {
		t.Errorf("pass 2 (-want +got):\n%s", diff)
	}
	if !strings.Contains(out.Waiting[component], "KMS key") {
		t.Errorf("pass 2: waiting = %q", out.Waiting[component])
	}

	// Pass 3: the keys are observed: topics and event destinations render. A fixed point.
	observeAll(obs, out.Resources)
	out = Build(testEnv(obs), seed, withZone)
	observeAll(obs, out.Resources)
	out = Build(testEnv(obs), seed, withZone)
	if diff := cmp.Diff(perRegion("configuration-set", "dkim-1", "dkim-2", "dkim-3", "events", "events-topic", "identity", "key"), ct.Names(out.Resources)); diff != "" {
		t.Errorf("pass 4 (-want +got):\n%s", diff)
	}
	if len(out.Waiting) != 0 {
		t.Errorf("pass 4: still waiting: %v", out.Waiting)
	}
	ct.Validate(t, out.Resources)

	got := ct.ByName(out.Resources)
	for _, region := range seed.Regions {
		p := compose.EmailRegionPrefix(region)
		id := got[p+"identity"]
		if en := id.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; en != "cloudpartner.pro" {
			t.Errorf("%s: identity external name = %v", region, en)
		}
		if ct.ForProvider(id)["region"] != region {
			t.Errorf("%s: identity region = %v", region, ct.ForProvider(id)["region"])
		}
		rec := ct.ForProvider(got[p+"dkim-2"])
		want := map[string]any{
			"name": region + "-tok2._domainkey.cloudpartner.pro", "type": "CNAME", "ttl": 1800,
			"records": []any{region + "-tok2.dkim.amazonses.com"}, "zoneIdRef": map[string]any{"name": "prod-dns-zone"},
		}
		if diff := cmp.Diff(want, rec); diff != "" {
			t.Errorf("%s: DKIM record (-want +got):\n%s", region, diff)
		}
		ev := ct.ForProvider(got[p+"events"])["eventDestination"].(map[string]any)
		if diff := cmp.Diff([]any{"SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "RENDERING_FAILURE", "DELIVERY_DELAY"}, ev["matchingEventTypes"]); diff != "" {
			t.Errorf("%s: event types (-want +got):\n%s", region, diff)
		}
		if ev["enabled"] != true || ev["snsDestination"].(map[string]any)["topicArnRef"].(map[string]any)["name"] != "prod-"+p+"events-topic" {
			t.Errorf("%s: event destination = %v", region, ev)
		}
		topic := ct.ForProvider(got[p+"events-topic"])
		keyARN, _ := obs.ARN(p + "key")
		if topic["kmsMasterKeyId"] != keyARN || topic["region"] != region {
			t.Errorf("%s: topic key %v region %v", region, topic["kmsMasterKeyId"], topic["region"])
		}
		var kp compose.PolicyDocument
		if err := json.Unmarshal([]byte(ct.ForProvider(got[p+"key"])["policy"].(string)), &kp); err != nil {
			t.Fatal(err)
		}
		ses := kp.Statement[1]
		if ses.Principal["Service"] != "ses.amazonaws.com" || ses.Condition["StringEquals"]["aws:SourceAccount"] != account {
			t.Errorf("%s: SES key statement = %+v", region, ses)
		}
	}

	// Status: the primary region first, with what SES reported.
	if len(out.Outputs.Regions) != 2 || out.Outputs.Regions[0].Region != "us-east-1" {
		t.Fatalf("regions = %+v", out.Outputs.Regions)
	}
	r0 := out.Outputs.Regions[0]
	if r0.VerificationStatus != "PENDING" || r0.DKIMStatus != "PENDING" || r0.IdentityARN == "" || r0.EventsTopicARN == "" ||
		r0.ConfigurationSet != configurationSetName(testEnv(nil)) || len(r0.DKIMRecords) != 3 {
		t.Errorf("primary region status = %+v", r0)
	}
	if out.Outputs.Sender != "info@cloudpartner.pro" || !strings.Contains(out.Outputs.ProductionAccess, "sandbox") {
		t.Errorf("outputs = %+v", out.Outputs)
	}
}

func TestBuildVariants(t *testing.T) {
	// Everything of the seed observed, for the variants to start from.
	obs := compose.Observed{}
	for i := 0; i < 3; i++ {
		observeAll(obs, Build(testEnv(obs), seed, withZone).Resources)
	}
	cases := map[string]struct {
		reason      string
		r           Resolved
		domains     map[string]string
		wantRecords bool
		noDMARC     bool // the DMARC record is not rendered even with a zone
		wantRetired []string
		wantAbsent  []string
	}{
		"NoHostedZone": {
			reason: "Without a hosted zone the DKIM records are only listed in status, for the domain's DNS operator.",
			r:      seed, domains: map[string]string{}, wantRecords: false,
		},
		"AdoptedZone": {
			reason: "An existing zone (spec.dns.zoneId) gets the DKIM records but not the DMARC record, which may hold the owner's own policy: status lists it.",
			r:      func() Resolved { r := seed; r.AdoptedZone = true; return r }(), domains: withZone, wantRecords: true, noDMARC: true,
		},
		"FallbackRemoved": {
			reason:  "A fallback region the spec no longer names is retired, all of it.",
			r:       Resolved{Enabled: true, Domain: "cloudpartner.pro", Sender: "info@cloudpartner.pro", Regions: []string{"us-east-1"}, Events: defaultEvents},
			domains: withZone, wantRecords: true,
			wantRetired: []string{
				"email-us-west-2-configuration-set", "email-us-west-2-dkim-1", "email-us-west-2-dkim-2", "email-us-west-2-dkim-3",
				"email-us-west-2-events", "email-us-west-2-events-topic", "email-us-west-2-identity", "email-us-west-2-key",
			},
			wantAbsent: []string{"email-us-west-2-identity"},
		},
		"Disabled": {
			reason: "Email off retires everything of it.", r: Resolved{}, domains: withZone,
			wantRetired: []string{"email-"}, wantAbsent: []string{"email-us-east-1-identity"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := Build(testEnv(obs), tc.r, tc.domains)
			got := ct.ByName(out.Resources)
			if tc.r.Enabled {
				if (got["email-us-east-1-dkim-1"] != nil) != tc.wantRecords {
					t.Errorf("%s\nDKIM record rendered = %v, want %v", tc.reason, got["email-us-east-1-dkim-1"] != nil, tc.wantRecords)
				}
				// DMARC (p=none, report-only to start): in the zone with the DKIM records, always in status.
				if want := tc.wantRecords && !tc.noDMARC; (got[dmarcResource] != nil) != want {
					t.Errorf("%s\nDMARC record rendered = %v, want %v", tc.reason, got[dmarcResource] != nil, want)
				}
				wantDMARC := &v1alpha1.DNSRecordOutput{Name: "_dmarc.cloudpartner.pro", Type: "TXT", Value: "v=DMARC1; p=none"}
				if diff := cmp.Diff(wantDMARC, out.Outputs.DMARCRecord); diff != "" {
					t.Errorf("%s\nDMARC record in status (-want +got):\n%s", tc.reason, diff)
				}
				if r := got[dmarcResource]; r != nil {
					fp := ct.ForProvider(r)
					if fp["name"] != "_dmarc.cloudpartner.pro" || fp["type"] != "TXT" || !cmp.Equal(fp["records"], []any{"v=DMARC1; p=none"}) {
						t.Errorf("%s\nDMARC record = %v", tc.reason, fp)
					}
				}
				if len(out.Outputs.Regions[0].DKIMRecords) != 3 {
					t.Errorf("%s\nstatus lists %d DKIM records, want 3", tc.reason, len(out.Outputs.Regions[0].DKIMRecords))
				}
				want := v1alpha1.DNSRecordOutput{Name: "us-east-1-tok1._domainkey.cloudpartner.pro", Type: "CNAME", Value: "us-east-1-tok1.dkim.amazonses.com"}
				if diff := cmp.Diff(want, out.Outputs.Regions[0].DKIMRecords[0]); diff != "" {
					t.Errorf("DKIM record in status (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(tc.wantRetired, out.Retired); diff != "" {
				t.Errorf("%s\nretired (-want +got):\n%s", tc.reason, diff)
			}
			for _, n := range tc.wantAbsent {
				if got[n] != nil {
					t.Errorf("%s\n%s still rendered", tc.reason, n)
				}
			}
		})
	}
}
