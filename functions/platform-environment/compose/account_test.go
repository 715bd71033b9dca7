package compose

import "testing"

func TestAccountID(t *testing.T) {
	arn := func(a string) map[string]any {
		return map[string]any{"status": map[string]any{"atProvider": map[string]any{"arn": a}}}
	}
	cases := map[string]struct {
		reason   string
		observed Observed
		want     string
		wantOK   bool
	}{
		"Nothing": {reason: "Nothing observed: no account yet.", observed: Observed{}},
		"GlobalARNsOnly": {
			reason:   "Route 53 ARNs carry no account.",
			observed: Observed{"dns-zone": arn("arn:aws:route53:::hostedzone/Z123")},
		},
		"FirstByName": {
			reason: "The first usable ARN by composition resource name wins.",
			observed: Observed{
				"network-vpc": arn("arn:aws:ec2:us-east-1:222222222222:vpc/vpc-1"),
				"dns-zone":    arn("arn:aws:route53:::hostedzone/Z123"),
				"edge-lb":     arn("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/x/1"),
			},
			want: "111111111111", wantOK: true,
		},
		"NotAnAccount": {
			reason:   "An account field that is not 12 digits is ignored.",
			observed: Observed{"x-y": arn("arn:aws:s3:::bucket"), "y-z": arn("arn:aws:iam::aws:policy/ReadOnly")},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := tc.observed.AccountID()
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("%s\nAccountID() = %q, %v; want %q, %v", tc.reason, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
