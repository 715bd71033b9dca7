package compose

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAssembleOwnership(t *testing.T) {
	res := func(name string) *Resource {
		return &Resource{Name: name, Object: map[string]any{"apiVersion": "v1", "kind": "X"}}
	}
	obs := func(names ...string) Observed {
		o := Observed{}
		for _, n := range names {
			o[n] = observedReady("Object", true)
		}
		return o
	}
	cases := map[string]struct {
		reason   string
		observed Observed
		result   Result
		want     []string // desired names, sorted
		err      string
	}{
		"WantedButNotRenderedIsKept": {
			reason:   "A wanted resource the builder cannot render this pass stays as observed.",
			observed: obs("apps-a", "apps-b"),
			result:   Result{Owned: []string{"apps-"}, Wanted: []string{"apps-a", "apps-b"}, Resources: []*Resource{res("apps-a")}},
			want:     []string{"apps-a", "apps-b"},
		},
		"OwnedNotWantedIsRetired": {
			reason:   "What the spec no longer wants under an owned prefix leaves desired state.",
			observed: obs("apps-a", "apps-gone"),
			result:   Result{Owned: []string{"apps-"}, Wanted: []string{"apps-a"}},
			want:     []string{"apps-a"},
		},
		"NotOwnedIsKept": {
			reason:   "Ownership retires only under the owned prefixes.",
			observed: obs("apps-gone", "network-vpc"),
			result:   Result{Owned: []string{"apps-"}},
			want:     []string{"network-vpc"},
		},
		"OlderVersionStaysUntilCurrentRendered": {
			reason:   "By default an older version stays until the current one is rendered.",
			observed: obs("apps-job-1"),
			result:   Result{Owned: []string{"apps-"}, Successions: []Succession{{Prefix: "apps-job-", Current: "apps-job-2"}}},
			want:     []string{"apps-job-1"},
		},
		"OlderVersionRetiredOnceCurrentRendered": {
			reason:   "Once the successor renders, the older version goes.",
			observed: obs("apps-job-1"),
			result: Result{Owned: []string{"apps-"}, Successions: []Succession{{Prefix: "apps-job-", Current: "apps-job-2"}},
				Resources: []*Resource{res("apps-job-2")}},
			want: []string{"apps-job-2"},
		},
		"UnknownCurrentKeepsAll": {
			reason:   "A version that cannot be told this pass keeps every observed one.",
			observed: obs("apps-job-1", "apps-job-2"),
			result:   Result{Owned: []string{"apps-"}, Successions: []Succession{{Prefix: "apps-job-", Current: ""}}},
			want:     []string{"apps-job-1", "apps-job-2"},
		},
		"RetireWhenEveryConditionHolds": {
			reason:   "An explicit rule retires only when every condition holds.",
			observed: obs("database-params-16", "cache-params-6"),
			result: Result{Successions: []Succession{
				{Prefix: "database-params-", Current: "database-params-17", RetireWhen: []Cond{{OK: true}}},
				{Prefix: "cache-params-", Current: "cache-params-7", RetireWhen: []Cond{{OK: true}, {OK: false, Reason: "x"}}},
			}},
			want: []string{"cache-params-6"},
		},
		"UndeclaredRenderIsAnError": {
			reason: "A rendered resource its owner does not want would be retired by the next pass that does not render it.",
			result: Result{Owned: []string{"apps-"}, Resources: []*Resource{res("apps-x")}},
			err:    "apps-x is rendered under an owned prefix but neither wanted nor superseded",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := Assemble(&Env{Name: "prod", Namespace: "ns", Observed: tc.observed}, tc.result)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("%s\nwant error %q, got %v", tc.reason, tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range a.Resources {
				got = append(got, r.Name)
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
