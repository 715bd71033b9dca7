package email

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestResolve(t *testing.T) {
	cases := map[string]struct {
		reason  string
		spec    v1alpha1.EmailSpec
		domain  string
		want    Resolved
		wantErr string
	}{
		"NoDomain": {reason: "Without a domain, SES is off.", want: Resolved{}},
		"Seed": {
			reason: "The seed: info@cloudpartner.pro, falling back from us-east-1 to us-west-2.",
			domain: "cloudpartner.pro",
			spec:   v1alpha1.EmailSpec{Sender: "info@cloudpartner.pro", FallbackRegion: "us-west-2"},
			want: Resolved{Enabled: true, Domain: "cloudpartner.pro", Sender: "info@cloudpartner.pro",
				Regions: []string{"us-east-1", "us-west-2"}, Events: defaultEvents},
		},
		"Defaults": {
			reason: "A domain alone: on, info@<domain>, the primary region only, the default events.",
			domain: "Example.COM",
			want:   Resolved{Enabled: true, Domain: "example.com", Sender: "info@example.com", Regions: []string{"us-east-1"}, Events: defaultEvents},
		},
		"Off": {reason: "Turned off explicitly.", domain: "example.com", spec: v1alpha1.EmailSpec{Enabled: ct.Ptr(false)}, want: Resolved{Domain: "example.com"}},
		"SubdomainSender": {
			reason: "A subdomain's address is covered by the domain identity.", domain: "example.com",
			spec: v1alpha1.EmailSpec{Sender: "noreply@mail.example.com", Events: []string{"CLICK", "BOUNCE", "SEND"}},
			want: Resolved{Enabled: true, Domain: "example.com", Sender: "noreply@mail.example.com", Regions: []string{"us-east-1"},
				Events: []string{"SEND", "BOUNCE", "CLICK"}},
		},
		"EnabledWithoutDomain": {
			reason: "SES cannot verify nothing.", spec: v1alpha1.EmailSpec{Enabled: ct.Ptr(true)},
			wantErr: "spec.email.enabled: SES needs a domain",
		},
		"ForeignSender": {
			reason: "An address of another domain is not verified by this identity.", domain: "example.com",
			spec: v1alpha1.EmailSpec{Sender: "info@example.org"}, wantErr: "spec.email.sender: \"info@example.org\" is not an address of spec.domain",
		},
		"LookalikeSender": {
			reason: "notexample.com is not a subdomain of example.com.", domain: "example.com",
			spec: v1alpha1.EmailSpec{Sender: "info@notexample.com"}, wantErr: "spec.email.sender:",
		},
		"SameRegionFallback": {
			reason: "A fallback in the primary region falls with it.", domain: "example.com",
			spec: v1alpha1.EmailSpec{FallbackRegion: "us-east-1"}, wantErr: "spec.email.fallbackRegion: \"us-east-1\" is the environment's own region",
		},
		"BadFallback": {
			reason: "Not a region.", domain: "example.com",
			spec: v1alpha1.EmailSpec{FallbackRegion: "west"}, wantErr: "spec.email.fallbackRegion: \"west\" is not a region",
		},
		"BadEvent": {
			reason: "Not an SES event type.", domain: "example.com",
			spec: v1alpha1.EmailSpec{Events: []string{"SEND", "OPENED"}}, wantErr: "spec.email.events[1]: \"OPENED\" is not an SES event type",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Resolve(tc.spec, tc.domain, "us-east-1")
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("%s\nerror = %v, want prefix %q", tc.reason, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s\nunexpected error: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nResolve (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}
