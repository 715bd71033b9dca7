package checks

import (
	"strings"
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
		want   incluster.Checks
		err    string
	}{
		"Defaults": {"The smoke test is on, the load test off.", v1alpha1.AddonsSpec{}, incluster.Checks{SmokeTest: true}, ""},
		"SmokeOff": {"The smoke test can be switched off.", v1alpha1.AddonsSpec{SmokeTest: v1alpha1.SmokeTestSpec{Enabled: &off}}, incluster.Checks{}, ""},
		"LoadTest": {"The load test takes the seed's stages and 500 ms, and needs no domain (it targets a Service).", v1alpha1.AddonsSpec{LoadTest: v1alpha1.LoadTestSpec{Enabled: true}},
			incluster.Checks{SmokeTest: true, LoadTest: &incluster.LoadTest{MaxResponseMs: 500, Stages: seedLoadStages}}, ""},
		"LoadTestRun": {"A run id is carried.", v1alpha1.AddonsSpec{LoadTest: v1alpha1.LoadTestSpec{Enabled: true, RunID: "r1"}},
			incluster.Checks{SmokeTest: true, LoadTest: &incluster.LoadTest{RunID: "r1", MaxResponseMs: 500, Stages: seedLoadStages}}, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Resolve(tc.spec)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("%s: error %v, want one naming %s", tc.reason, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}
