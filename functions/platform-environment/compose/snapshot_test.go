package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFinalSnapshotName(t *testing.T) {
	const uid = "0f6c2b1e-7d4a-4c3b-9e8f-123456789abc"
	cases := map[string]struct {
		reason string
		env    Env
		part   string
		want   string
	}{
		"NoUID": {
			reason: "Without a uid (crossplane render) the name is the AWS name of the part alone.",
			env:    Env{Name: "prod", Namespace: "cloud-consulting"},
			part:   "db-final",
			want:   "cloud-consulting-prod-db-final-96dafc97",
		},
		"UID": {
			reason: "The first 8 hex digits of the uid keep a second life of the environment from colliding with the first one's snapshot.",
			env:    Env{Name: "prod", Namespace: "cloud-consulting", UID: uid},
			part:   "db-final",
			want:   "cloud-consulting-prod-db-final-0f6c2b1e-0fe0b1a6",
		},
		"ShortUID": {
			reason: "A uid shorter than 8 hex digits (after dropping hyphens) is taken whole.",
			env:    Env{Name: "prod", Namespace: "cloud-consulting", UID: "ab-c"},
			part:   "db-final",
			want:   "cloud-consulting-prod-db-final-abc-0269278e",
		},
		"Longest": {
			reason: "Longest namespace and XR name: the RDS rule cuts the name to 63 characters and keeps it unique by its hash.",
			env:    Env{Name: longName, Namespace: longNamespace, UID: uid},
			part:   "db-final",
			want:   "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn-1f00dee5",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.env.FinalSnapshotName(tc.part)); diff != "" {
				t.Errorf("%s\nFinalSnapshotName(%q): -want, +got:\n%s", tc.reason, tc.part, diff)
			}
		})
	}
}
