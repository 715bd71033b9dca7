package packaging

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// The install manifests are cluster objects of Crossplane core (Function, Configuration, DeploymentRuntimeConfig,
// ManagedResourceActivationPolicy, Provider) and of provider-aws (ProviderConfig). They are checked against the CRDs
// of the versions we run (Crossplane core v2.4.0, provider-aws v2.7.0), read from the Go module cache, the way
// kube-apiserver checks a create: defaults, OpenAPI schema, unknown fields, CEL rules.
var crdModules = map[string]string{
	"github.com/crossplane/crossplane/v2@v2.4.0": "cluster/crds",
	"github.com/upbound/provider-aws/v2@v2.7.0":  "package/crds",
}

var crdCache struct {
	once sync.Once
	dirs []string
	err  error
}

func installCRDDirs(t *testing.T) []string {
	t.Helper()
	crdCache.once.Do(func() {
		mods := make([]string, 0, len(crdModules))
		for m := range crdModules {
			mods = append(mods, m)
		}
		sort.Strings(mods)
		cmd := exec.Command("go", append([]string{"mod", "download", "-json"}, mods...)...)
		cmd.Dir = os.TempDir() // outside the module: neither reads nor touches go.mod.
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
		out, err := cmd.Output()
		if err != nil {
			crdCache.err = fmt.Errorf("go mod download %v: %w", mods, err)
			return
		}
		dec := json.NewDecoder(strings.NewReader(string(out)))
		for dec.More() {
			var m struct{ Path, Version, Dir, Error string }
			if err := dec.Decode(&m); err != nil {
				crdCache.err = err
				return
			}
			if m.Error != "" {
				crdCache.err = fmt.Errorf("%s@%s: %s", m.Path, m.Version, m.Error)
				return
			}
			crdCache.dirs = append(crdCache.dirs, filepath.Join(m.Dir, crdModules[m.Path+"@"+m.Version]))
		}
	})
	if crdCache.err != nil {
		t.Fatal(crdCache.err)
	}
	return crdCache.dirs
}

// validateObject returns the problems kube-apiserver would report creating obj, or nil. The CRD is found by the
// file naming convention <group>_<plural>.yaml; every CRD of the group is read until one defines the kind.
func validateObject(t *testing.T, obj map[string]any) []string {
	t.Helper()
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return []string{err.Error()}
	}
	crd := findCRD(t, gv.Group, kind)
	if crd == nil {
		return []string{fmt.Sprintf("no CRD defines %s %s", apiVersion, kind)}
	}
	var props *extv1.JSONSchemaProps
	for _, v := range crd.Spec.Versions {
		if v.Name == gv.Version && v.Served {
			props = v.Schema.OpenAPIV3Schema
		}
	}
	if props == nil {
		return []string{fmt.Sprintf("%s: version %s is not served by CRD %s", kind, gv.Version, crd.Name)}
	}
	internal := &apiextensions.JSONSchemaProps{}
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(props, internal, nil); err != nil {
		t.Fatal(err)
	}
	structural, err := structuralschema.NewStructural(internal)
	if err != nil {
		t.Fatal(err)
	}
	// A JSON round trip gives the API server's value types (float64/int64, no Go ints) and an object we may modify.
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	o := map[string]any{}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	defaulting.Default(o, structural)

	var problems []string
	add := func(errs field.ErrorList) {
		for _, e := range errs {
			problems = append(problems, e.Error())
		}
	}
	validator, _, err := validation.NewSchemaValidator(internal)
	if err != nil {
		t.Fatal(err)
	}
	add(validation.ValidateCustomResource(nil, o, validator))
	opts := structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}
	for _, p := range pruning.PruneWithOptions(o, structural, true, opts) {
		problems = append(problems, "unknown field "+p)
	}
	errs, _ := cel.NewValidator(structural, true, celconfig.PerCallLimit).Validate(context.Background(), nil, structural, o, nil, celconfig.RuntimeCELCostBudget)
	add(errs)
	if crd.Spec.Scope == extv1.NamespaceScoped {
		if md, _ := o["metadata"].(map[string]any); md["namespace"] == nil {
			problems = append(problems, "metadata.namespace: required for a namespaced "+kind)
		}
	}
	sort.Strings(problems)
	return problems
}

var crdByKind sync.Map // group/kind → *extv1.CustomResourceDefinition

func findCRD(t *testing.T, group, kind string) *extv1.CustomResourceDefinition {
	t.Helper()
	if crd, ok := crdByKind.Load(group + "/" + kind); ok {
		return crd.(*extv1.CustomResourceDefinition)
	}
	for _, dir := range installCRDDirs(t) {
		files, err := filepath.Glob(filepath.Join(dir, group+"_*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f) //nolint:gosec // module cache.
			if err != nil {
				t.Fatal(err)
			}
			crd := &extv1.CustomResourceDefinition{}
			if err := yaml.Unmarshal(b, crd); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if crd.Spec.Names.Kind == kind {
				crdByKind.Store(group+"/"+kind, crd)
				return crd
			}
		}
	}
	return nil
}
