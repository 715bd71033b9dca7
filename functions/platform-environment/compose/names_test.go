package compose

import (
	"regexp"
	"strings"
	"testing"
)

// The longest names Kubernetes admits: a 63-character namespace and a 63-character XR name (Crossplane
// caps XR names at 63 because they become label values).
var (
	longNamespace = strings.Repeat("n", 63)
	longName      = "x" + strings.Repeat("9", 61) + "z"
)

func TestResourceName(t *testing.T) {
	cases := map[string]struct {
		reason   string
		env      Env
		resource string
		want     string
	}{
		"Short": {
			reason:   "Short names are <xr>-<resource>, readable as they are.",
			env:      Env{Name: "prod", Namespace: "cloud-consulting"},
			resource: "network-vpc",
			want:     "prod-network-vpc",
		},
		"DotsInXRName": {
			reason:   "XR names may hold dots; composed names stay DNS labels.",
			env:      Env{Name: "prod.v2", Namespace: "team"},
			resource: "network-vpc",
			want:     "prod-v2-network-vpc",
		},
		"Longest": {
			reason:   "Over 63 characters the name is cut and ends in a hash of the full identity.",
			env:      Env{Name: longName, Namespace: longNamespace},
			resource: "network-subnet-private-a",
			want:     (longName + "-network-subnet-private-a")[:54] + "-" + shortHash(longNamespace, longName, "network-subnet-private-a"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := tc.env.ResourceName(tc.resource)
			if got != tc.want {
				t.Errorf("%s\nResourceName(%q) = %q, want %q", tc.reason, tc.resource, got, tc.want)
			}
			if len(got) > 63 || !regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`).MatchString(got) {
				t.Errorf("%q is not a DNS label", got)
			}
		})
	}
}

func TestAWSName(t *testing.T) {
	rules := map[string]struct {
		rule    NameRule
		pattern string
	}{
		"ALB":         {RuleALB, `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`},
		"RDS":         {RuleRDS, `^[a-z]([a-z0-9]|-[a-z0-9])*$`},
		"ElastiCache": {RuleElastiCache, `^[a-z]([a-z0-9]|-[a-z0-9])*$`},
		"IAM":         {RuleIAM, `^[A-Za-z0-9+=,.@_-]+$`},
		"EKS":         {RuleEKS, `^[A-Za-z][A-Za-z0-9_-]*$`},
		"S3":          {RuleS3, `^[a-z][a-z0-9-]*[a-z0-9]$`},
		"Generic":     {RuleGeneric, `^[a-z0-9-]+$`},
	}
	envs := map[string]Env{
		"Seed":        {Name: "prod", Namespace: "cloud-consulting"},
		"Longest":     {Name: longName, Namespace: longNamespace},
		"DigitsFirst": {Name: "1st", Namespace: "9-team"},
		"Dots":        {Name: "a.b.c", Namespace: "team"},
	}
	for rn, r := range rules {
		for en, env := range envs {
			t.Run(rn+"/"+en, func(t *testing.T) {
				got := env.AWSName(r.rule, "part")
				if len(got) > r.rule.Max {
					t.Errorf("%q is %d characters, over the limit %d", got, len(got), r.rule.Max)
				}
				if !regexp.MustCompile(r.pattern).MatchString(got) || strings.Contains(got, "--") {
					t.Errorf("%q does not match %s (or has \"--\")", got, r.pattern)
				}
				if again := env.AWSName(r.rule, "part"); again != got {
					t.Errorf("not stable: %q then %q", got, again)
				}
			})
		}
	}
}

func TestAWSNameUnique(t *testing.T) {
	// Namespace "a-b" with XR "c" and namespace "a" with XR "b-c" read the same joined by hyphens; the
	// hash of the identity keeps them apart. So do two parts cut to the same prefix.
	a := (&Env{Namespace: "a-b", Name: "c"}).AWSName(RuleALB, "lb")
	b := (&Env{Namespace: "a", Name: "b-c"}).AWSName(RuleALB, "lb")
	if a == b {
		t.Errorf("different environments share the AWS name %q", a)
	}
	long := &Env{Namespace: longNamespace, Name: longName}
	if x, y := long.AWSName(RuleALB, "tg-frontend"), long.AWSName(RuleALB, "tg-backend"); x == y {
		t.Errorf("different parts share the cut AWS name %q", x)
	}
}

func TestAWSNameSeed(t *testing.T) {
	env := &Env{Name: "prod", Namespace: "cloud-consulting"}
	got := env.AWSName(RuleEKS, "eks")
	want := "cloud-consulting-prod-eks-" + shortHash("cloud-consulting", "prod", "eks")
	if got != want {
		t.Errorf("AWSName = %q, want %q", got, want)
	}
}
