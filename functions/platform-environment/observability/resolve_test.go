package observability

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
		spec    v1alpha1.ObservabilitySpec
		profile string
		want    v1alpha1.ResolvedObservability
		wantErr string
	}{
		"Prod": {
			reason: "Prod keeps logs a year and has CloudTrail on.", profile: "prod",
			want: v1alpha1.ResolvedObservability{LogRetentionDays: 365, CloudTrail: true, TrailRetentionDays: 365},
		},
		"Staging": {
			reason: "Staging keeps logs 90 days, no trail.", profile: "staging",
			want: v1alpha1.ResolvedObservability{LogRetentionDays: 90, TrailRetentionDays: 90},
		},
		"Dev": {
			reason: "Dev keeps logs 30 days, no trail.", profile: "dev",
			want: v1alpha1.ResolvedObservability{LogRetentionDays: 30, TrailRetentionDays: 90},
		},
		"Overrides": {
			reason: "Explicit values win over the profile.", profile: "dev",
			spec: v1alpha1.ObservabilitySpec{LogRetentionDays: ct.Ptr(int32(7)), CloudTrail: ct.Ptr(true), TrailRetentionDays: ct.Ptr(int32(731)), Compliance: ct.Ptr(true)},
			want: v1alpha1.ResolvedObservability{LogRetentionDays: 7, CloudTrail: true, TrailRetentionDays: 731, Compliance: true},
		},
		"TrailOffInProd": {
			reason: "An organization trail exists: prod may turn ours off.", profile: "prod",
			spec: v1alpha1.ObservabilitySpec{CloudTrail: ct.Ptr(false)},
			want: v1alpha1.ResolvedObservability{LogRetentionDays: 365, TrailRetentionDays: 365},
		},
		"BadEmail": {
			reason: "An alarm e-mail must be an address.", profile: "prod",
			spec:    v1alpha1.ObservabilitySpec{AlarmEmails: []string{"ops@example.com", "not-an-address"}},
			wantErr: "spec.observability.alarmEmails[1]: \"not-an-address\" is not an e-mail address",
		},
		"DuplicateEmail": {
			reason: "Addresses differing in case only are the same subscription.", profile: "prod",
			spec:    v1alpha1.ObservabilitySpec{AlarmEmails: []string{"ops@example.com", "OPS@example.com"}},
			wantErr: "spec.observability.alarmEmails[1]: \"OPS@example.com\" is listed twice",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Resolve(tc.spec, tc.profile)
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
