package addons

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

func TestResolve(t *testing.T) {
	off := false
	cases := map[string]struct {
		reason string
		spec   v1alpha1.AddonsSpec
		want   incluster.Addons
	}{
		"Defaults": {"Every add-on is on, at its chart's tested version.", v1alpha1.AddonsSpec{}, incluster.Addons{
			LoadBalancerController: incluster.Addon{Enabled: true, Version: "1.17.1"},
			MetricsServer:          incluster.Addon{Enabled: true, Version: "3.13.0"},
			FluentBit:              incluster.Addon{Enabled: true, Version: "0.2.0"},
			ClusterAutoscaler:      incluster.Addon{Enabled: true, Version: "9.52.1"},
			ExternalSecrets:        incluster.Addon{Enabled: true, Version: "0.20.4"},
		}},
		"OffAndPinned": {"A switched-off add-on is off; a given version wins, without its v.", v1alpha1.AddonsSpec{
			FluentBit:       v1alpha1.AddonRelease{Enabled: &off},
			ExternalSecrets: v1alpha1.AddonRelease{Version: "v0.20.3"},
		}, incluster.Addons{
			LoadBalancerController: incluster.Addon{Enabled: true, Version: "1.17.1"},
			MetricsServer:          incluster.Addon{Enabled: true, Version: "3.13.0"},
			FluentBit:              incluster.Addon{Enabled: false, Version: "0.2.0"},
			ClusterAutoscaler:      incluster.Addon{Enabled: true, Version: "9.52.1"},
			ExternalSecrets:        incluster.Addon{Enabled: true, Version: "0.20.3"},
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Resolve(tc.spec)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}
