package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose/immutable"
)

// TestImmutableTablePathsExist holds the day-2 table (compose/immutable) to the real CRDs: every field path it lists,
// with its …Ref/…Selector forms, exists in the kind's schema; a set field is a set there and a list field marked set
// is one; every reference form the CRD has for a ForceNew field is listed (a change through a reference is a change
// of the field); and the Terraform arguments the table says upjet turned into the external name are indeed absent
// from spec.forProvider.
func TestImmutableTablePathsExist(t *testing.T) {
	v := Shared(t)
	for _, r := range immutable.Rows() {
		t.Run(r.Kind+"."+r.APIVersion, func(t *testing.T) {
			gv, err := schema.ParseGroupVersion(r.APIVersion)
			if err != nil {
				t.Fatal(err)
			}
			s, err := v.schema(gv.WithKind(r.Kind))
			if err != nil {
				t.Fatalf("no CRD for the row: %v", err)
			}
			root := s.Structural()
			for _, p := range r.Paths() {
				if _, err := lookupPath(root, p); err != nil {
					t.Errorf("%s: %v", p, err)
				}
			}
			fp, err := lookupPath(root, "spec.forProvider")
			if err != nil {
				if len(r.ForceNew) > 0 {
					t.Fatal(err)
				}
				return
			}
			for _, f := range r.ForceNew {
				n, err := lookupPath(fp, f.Path)
				if err != nil {
					continue // reported above
				}
				isSet := n.Type == "array" && n.Extensions.XListType != nil && *n.Extensions.XListType == "set"
				if isSet != f.Set {
					t.Errorf("%s: the table says set: %v, the CRD says x-kubernetes-list-type %v", f.Path, f.Set, listType(n))
				}
				for _, ref := range refForms(fp, f.Path) {
					if !contains(f.Refs, ref) {
						t.Errorf("%s: the CRD has %s beside it; list it in refs", f.Path, ref)
					}
				}
			}
			for _, arg := range r.ExternalName.Arguments {
				if _, err := lookupPath(fp, camel(arg)); err == nil {
					t.Errorf("externalName.arguments lists %s, but spec.forProvider.%s exists: upjet did not take it out", arg, camel(arg))
				}
			}
		})
	}
}

// TestImmutableTableMatchesProviderAWS checks each row's Terraform type and external-name configuration against the
// provider-aws sources of the version the package runs (the module cache).
func TestImmutableTableMatchesProviderAWS(t *testing.T) {
	dirs, err := moduleDirs()
	if err != nil {
		t.Fatal(err)
	}
	dir := dirs[providerAWS]
	en, err := os.ReadFile(filepath.Join(dir, "config", "externalname.go")) //nolint:gosec // the module cache.
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range immutable.Rows() {
		if r.Terraform == "" {
			continue
		}
		t.Run(r.Kind+"."+r.APIVersion, func(t *testing.T) {
			gv, err := schema.ParseGroupVersion(r.APIVersion)
			if err != nil {
				t.Fatal(err)
			}
			group := strings.TrimSuffix(gv.Group, ".aws.m.upbound.io")
			got, err := terraformType(filepath.Join(dir, "apis", "namespaced", group, gv.Version), r.Kind)
			if err != nil {
				t.Fatal(err)
			}
			if got != r.Terraform {
				t.Errorf("terraform: the table says %s, %s GetTerraformResourceType returns %s", r.Terraform, providerAWS, got)
			}
			m := regexp.MustCompile(`(?m)^\t"` + regexp.QuoteMeta(r.Terraform) + `":\s*(.+),\s*$`).FindSubmatch(en)
			if m == nil {
				t.Fatalf("config/externalname.go of %s has no entry for %s", providerAWS, r.Terraform)
			}
			if string(m[1]) != r.ExternalName.Config {
				t.Errorf("externalName.config: the table says %s, config/externalname.go says %s", r.ExternalName.Config, m[1])
			}
		})
	}
}

func terraformType(dir, kind string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "zz_*_terraformed.go"))
	if err != nil {
		return "", err
	}
	re := regexp.MustCompile(`func \(mg \*` + regexp.QuoteMeta(kind) + `\) GetTerraformResourceType\(\) string \{\s*return "([^"]+)"`)
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // the module cache.
		if err != nil {
			return "", err
		}
		if m := re.FindSubmatch(b); m != nil {
			return string(m[1]), nil
		}
	}
	return "", fmt.Errorf("no GetTerraformResourceType of %s in %s", kind, dir)
}

// lookupPath walks a dotted path through a structural schema; below a list it walks the items. Below a field that
// preserves unknown fields (an Object's manifest) every path exists.
func lookupPath(s *structuralschema.Structural, path string) (*structuralschema.Structural, error) {
	walked := ""
	for _, k := range strings.Split(path, ".") {
		if s.Type == "array" && s.Items != nil {
			s = s.Items
		}
		if s.Extensions.XPreserveUnknownFields && len(s.Properties) == 0 {
			return s, nil
		}
		c, ok := s.Properties[k]
		if !ok {
			return nil, fmt.Errorf("no field %q below %q in the CRD", k, strings.TrimPrefix(walked, "."))
		}
		s = &c
		walked += "." + k
	}
	return s, nil
}

// refForms returns the reference fields upjet generates beside a field, that the CRD has: fooRef/fooSelector for
// foo, fooRefs/fooSelector for the list foos, fooSecretRef for a sensitive foo.
func refForms(fp *structuralschema.Structural, path string) []string {
	parent := fp
	last := path
	if i := strings.LastIndex(path, "."); i >= 0 {
		var err error
		if parent, err = lookupPath(fp, path[:i]); err != nil {
			return nil
		}
		last = path[i+1:]
	}
	if parent.Type == "array" && parent.Items != nil {
		parent = parent.Items
	}
	base := strings.TrimSuffix(last, "s")
	var out []string
	for _, c := range []string{last + "Ref", last + "Selector", base + "Refs", base + "Selector"} {
		if _, ok := parent.Properties[c]; ok && c != last && !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func listType(s *structuralschema.Structural) string {
	if s.Extensions.XListType == nil {
		return "(none)"
	}
	return *s.Extensions.XListType
}

// camel is upjet's name for a Terraform argument: snake_case to lowerCamelCase.
func camel(snake string) string {
	parts := strings.Split(snake, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}
