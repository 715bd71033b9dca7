package crdfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// controller-gen's layout: names before versions.
const header = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: %s
spec:
  group: ec2.aws.m.upbound.io
  names:
    categories:
    - crossplane
    kind: %s
    plural: %s
  scope: Namespaced
  versions:
  - name: v1beta1
`

// versionsFirst names the kind only after the versions.
const versionsFirst = `spec:
  group: ec2.aws.m.upbound.io
  versions:
  - name: v1beta1
  names:
    kind: Odd
`

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGroupKinds(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	vpc := write(t, first, "ec2.aws.m.upbound.io_vpcs.yaml", fmt.Sprintf(header, "vpcs", "VPC", "vpcs"))
	write(t, second, "ec2.aws.m.upbound.io_vpcs.yaml", fmt.Sprintf(header, "vpcs", "VPC", "vpcs"))
	subnet := write(t, second, "ec2.aws.m.upbound.io_subnets.yaml", `  names:
    kind: "Subnet"
  versions:
`)
	write(t, first, "rds.aws.m.upbound.io_instances.yaml", fmt.Sprintf(header, "instances", "Instance", "instances"))
	odd := t.TempDir()
	oddFile := write(t, odd, "ec2.aws.m.upbound.io_odds.yaml", versionsFirst)

	cases := map[string]struct {
		reason string
		dirs   []string
		full   func(string) (string, error)
		want   map[string]string
		err    bool
	}{
		"FirstDirectoryWins": {
			reason: "A kind in two directories is the first directory's; other groups' files are not read.",
			dirs:   []string{first, second},
			want:   map[string]string{"VPC": vpc, "Subnet": subnet},
		},
		"VersionsFirstIsAnError": {
			reason: "Without a fallback a file that names its kind after the versions is an error.",
			dirs:   []string{odd},
			err:    true,
		},
		"VersionsFirstFallsBack": {
			reason: "With a fallback the file is read in full.",
			dirs:   []string{odd},
			full:   func(string) (string, error) { return "Odd", nil },
			want:   map[string]string{"Odd": oddFile},
		},
		"FallbackError": {
			reason: "The fallback's error is returned.",
			dirs:   []string{odd},
			full:   func(string) (string, error) { return "", errors.New("unparsable") },
			err:    true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := GroupKinds(tc.dirs, "ec2.aws.m.upbound.io", tc.full)
			if (err != nil) != tc.err {
				t.Fatalf("%s\nGroupKinds(): error %v, want error %v", tc.reason, err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got); !tc.err && diff != "" {
				t.Errorf("%s\nGroupKinds(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	if p := Plural("ec2.aws.m.upbound.io", vpc); p != "vpcs" {
		t.Errorf("Plural(%q) = %q, want vpcs", vpc, p)
	}
}
