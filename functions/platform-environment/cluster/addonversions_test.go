package cluster

import (
	"strings"
	"testing"
)

// TestAddonDefaults checks every row of the default add-on versions: a known add-on, a minor the XRD
// admits, a version EKS's pattern accepts, a source and the day it was read, and one row per (add-on, minor).
func TestAddonDefaults(t *testing.T) {
	known := map[string]bool{}
	for _, a := range addonOrder {
		known[a] = true
	}
	seen := map[string]bool{}
	for _, d := range addonDefaults {
		row := d.Addon + " " + d.Minor
		if !known[d.Addon] {
			t.Errorf("%s: not an add-on this package installs", row)
		}
		if !supported(d.Minor) {
			t.Errorf("%s: %s is not in SupportedVersions %v", row, d.Minor, SupportedVersions)
		}
		if !addonVersionRE.MatchString(d.Version) {
			t.Errorf("%s: %q is not an EKS add-on version", row, d.Version)
		}
		if !strings.HasPrefix(d.Source, "https://") || d.Read == "" {
			t.Errorf("%s: needs its source page and the day it was read (got %q, %q)", row, d.Source, d.Read)
		}
		if seen[row] {
			t.Errorf("%s: listed twice", row)
		}
		seen[row] = true
	}
	// Within an add-on, a newer Kubernetes minor never gets an older version: a step would otherwise
	// hold (never below what runs) and the table would say something the function does not do.
	for _, a := range addonOrder {
		prev := ""
		for _, m := range SupportedVersions {
			v := defaultAddonVersion(a, m)
			if v == "" {
				continue
			}
			if prev != "" {
				if c, _ := compareAddonVersions(v, prev); c < 0 {
					t.Errorf("%s: %s's %s is older than the previous minor's %s", a, m, v, prev)
				}
			}
			prev = v
		}
	}
}

func TestCompareAddonVersions(t *testing.T) {
	cases := map[string]struct {
		a, b string
		want int
		ok   bool
	}{
		"Equal":          {"v1.19.2-eksbuild.1", "v1.19.2-eksbuild.1", 0, true},
		"Build":          {"v1.19.2-eksbuild.10", "v1.19.2-eksbuild.9", 1, true},
		"PatchOverBuild": {"v1.19.2-eksbuild.1", "v1.19.1-eksbuild.40", 1, true},
		"MinorNumeric":   {"v1.9.3-eksbuild.5", "v1.10.1-eksbuild.1", -1, true},
		"Major":          {"v2.0.0-eksbuild.1", "v1.99.99-eksbuild.99", 1, true},
		"NoBuild":        {"v1.19.2", "v1.19.2-eksbuild.1", 0, false},
		"NoV":            {"1.19.2-eksbuild.1", "v1.19.2-eksbuild.1", 0, false},
		"Minimal":        {"v1.34.0-minimal-eksbuild.5", "v1.34.0-eksbuild.5", 0, false},
		"LeadingZero":    {"v1.019.2-eksbuild.1", "v1.19.2-eksbuild.1", 0, false},
		"Empty":          {"", "v1.19.2-eksbuild.1", 0, false},
	}
	for name, tc := range cases {
		got, ok := compareAddonVersions(tc.a, tc.b)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: compareAddonVersions(%q, %q) = %d, %v; want %d, %v", name, tc.a, tc.b, got, ok, tc.want, tc.ok)
		}
		if tc.ok {
			if back, _ := compareAddonVersions(tc.b, tc.a); back != -tc.want {
				t.Errorf("%s: not antisymmetric", name)
			}
		}
	}
}
