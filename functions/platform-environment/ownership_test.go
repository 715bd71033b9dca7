package main

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// The declared ownership, pinned. Owned prefixes are where Assemble retires what the spec no longer wants;
// successor prefixes are where it retires older versions. Both decide deletions in live environments, so
// a change to either must show up here, and the fuzz oracle excuses a missing observed resource only under
// the successor prefixes of this table (never from what the implementation declares).

// ownedPrefixes are the prefixes a domain owns.
var ownedPrefixes = []string{"apps-", "releases-"}

// successorPrefixes are the per-version resources of the seed at its ready stage: the database parameter
// group per engine family, the database setup Job per endpoint, the smoke and load tests per rollout, and
// an application's migration Job per version (apps-app-<name>-migration-).
var successorPrefixes = []string{
	"apps-app-backend-migration-",
	"apps-database-setup-",
	"apps-load-test-",
	"apps-smoke-test-",
	"database-params-",
}

// isSuccessorPrefix reports whether name is a per-version resource (under a pinned successor prefix; an
// application's migration Jobs under apps-app-<name>-migration-).
func successorPrefix(name string) (string, bool) {
	for _, p := range successorPrefixes {
		if strings.HasPrefix(name, p) {
			return p, true
		}
	}
	if strings.HasPrefix(name, "apps-app-") {
		if i := strings.Index(name, "-migration-"); i > 0 {
			return name[:i+len("-migration-")], true
		}
	}
	return "", false
}

func TestDeclaredOwnership(t *testing.T) {
	var got *compose.Assembled
	renderEnvironment = func(xr *v1alpha1.PlatformEnvironment, o compose.Observed) (*compose.Assembled, v1alpha1.PlatformEnvironmentStatus, error) {
		a, st, err := render(xr, o)
		got = a
		return a, st, err
	}
	t.Cleanup(func() { renderEnvironment = render })
	base := loadFuzzBase(t)
	rsp := runRequest(t, deepCopyMap(base.xrs[0]), base.observed[0][len(goldenStages)])
	if msg := fatal(rsp); msg != "" {
		t.Fatal(msg)
	}
	owned := append([]string(nil), got.Owned...)
	sort.Strings(owned)
	if diff := cmp.Diff(ownedPrefixes, owned); diff != "" {
		t.Errorf("owned prefixes (-pinned +declared):\n%s", diff)
	}
	var succ []string
	for _, s := range got.Successions {
		succ = append(succ, s.Prefix)
	}
	sort.Strings(succ)
	if diff := cmp.Diff(successorPrefixes, succ); diff != "" {
		t.Errorf("successor prefixes (-pinned +declared):\n%s", diff)
	}
}

func TestEmptied(t *testing.T) {
	obs := func(spec any) map[string]any { return map[string]any{"spec": spec} }
	cases := map[string]struct {
		reason            string
		observed, desired map[string]any
		want              []string
	}{
		"ValueLost": {
			reason:   "The LB controller re-rendered with the VPC's ID unread.",
			observed: obs(map[string]any{"forProvider": map[string]any{"values": map[string]any{"vpcId": "vpc-1"}}}),
			desired:  obs(map[string]any{"forProvider": map[string]any{"values": map[string]any{"vpcId": ""}}}),
			want:     []string{"spec.forProvider.values.vpcId"},
		},
		"InList": {
			reason:   "An ExternalSecret re-rendered with an empty key.",
			observed: obs(map[string]any{"data": []any{map[string]any{"key": "k"}}}),
			desired:  obs(map[string]any{"data": []any{map[string]any{"key": ""}}}),
			want:     []string{"spec.data[0].key"},
		},
		"Changed": {
			reason:   "A changed value is the spec's business, not a lost one.",
			observed: obs(map[string]any{"a": "x"}),
			desired:  obs(map[string]any{"a": "y"}),
		},
		"EmptyBoth": {
			reason:   "A field empty on purpose (observed from desired) is not lost.",
			observed: obs(map[string]any{"a": ""}),
			desired:  obs(map[string]any{"a": ""}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, emptied(tc.observed, tc.desired)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
