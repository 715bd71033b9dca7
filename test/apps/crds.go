package apps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// ExternalSecretsModule is the External Secrets Operator release whose CRDs the manifests must fit: the
// version of the chart the function installs (apps.externalSecretsChart). Its CRDs are read from the Go
// module cache, never committed.
const ExternalSecretsModule = "github.com/external-secrets/external-secrets@v0.20.4"

// CRDs validates manifests of CRD kinds the way the API server validates a create: unknown fields (which
// it would prune, or refuse with fieldValidation=Strict), the OpenAPI schema and the CEL rules.
type CRDs struct {
	schemas map[string]*crdSchema // by apiVersion/kind
}

type crdSchema struct {
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

var (
	esoOnce sync.Once
	esoCRDs *CRDs
	esoErr  error
)

// ExternalSecretsCRDs loads the operator's CRDs once per process (downloading the module if needed).
func ExternalSecretsCRDs() (*CRDs, error) {
	esoOnce.Do(func() {
		dir, err := moduleDir(ExternalSecretsModule)
		if err != nil {
			esoErr = err
			return
		}
		esoCRDs, esoErr = LoadCRDs(filepath.Join(dir, "config", "crds", "bases"))
	})
	return esoCRDs, esoErr
}

// moduleDir returns a module's directory in the module cache, downloading it outside this repository's
// module so that go.mod is neither read nor touched.
func moduleDir(mod string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	runErr := cmd.Run()
	var r struct{ Dir, Error string }
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return "", fmt.Errorf("go mod download %s: %v (%v: %s)", mod, err, runErr, errb.String())
	}
	if r.Error != "" || r.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", mod, r.Error)
	}
	return r.Dir, nil
}

// LoadCRDs reads every CRD in dir and compiles the schema of each served version.
func LoadCRDs(dir string) (*CRDs, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	c := &CRDs{schemas: map[string]*crdSchema{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		crd := &extv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(b, crd); err != nil || crd.Kind != "CustomResourceDefinition" {
			continue // kustomization.yaml and the like
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			internal := &apiextensions.CustomResourceValidation{}
			if err := extv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v.Schema, internal, nil); err != nil {
				return nil, fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
			}
			ss, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
			}
			sv, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
			}
			c.schemas[crd.Spec.Group+"/"+v.Name+"/"+crd.Spec.Names.Kind] = &crdSchema{
				structural: ss, validator: sv, cel: cel.NewValidator(ss, true, celconfig.PerCallLimit),
			}
		}
	}
	if len(c.schemas) == 0 {
		return nil, fmt.Errorf("no CRDs in %s", dir)
	}
	return c, nil
}

// Knows reports whether the kind's CRD is loaded.
func (c *CRDs) Knows(apiVersion, kind string) bool {
	_, ok := c.schemas[apiVersion+"/"+kind]
	return ok
}

// Validate returns every problem of the manifest, sorted; nil means valid.
func (c *CRDs) Validate(manifest map[string]any) []string {
	apiVersion, _ := manifest["apiVersion"].(string)
	kind, _ := manifest["kind"].(string)
	s, ok := c.schemas[apiVersion+"/"+kind]
	if !ok {
		return []string{"no CRD serves " + apiVersion + " " + kind}
	}
	b, err := json.Marshal(manifest)
	if err != nil {
		return []string{err.Error()}
	}
	var obj map[string]any
	if err := utiljson.Unmarshal(b, &obj); err != nil {
		return []string{err.Error()}
	}
	var problems []string
	pruned := pruning.PruneWithOptions(deepCopyJSON(obj), s.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, p := range pruned {
		problems = append(problems, p+": unknown field")
	}
	for _, e := range apiservervalidation.ValidateCustomResource(nil, obj, s.validator) {
		problems = append(problems, e.Error())
	}
	if len(problems) == 0 && s.cel != nil {
		errs, _ := s.cel.Validate(context.Background(), nil, s.structural, obj, nil, celconfig.RuntimeCELCostBudget)
		for _, e := range errs {
			problems = append(problems, e.Error())
		}
	}
	sort.Strings(problems)
	return problems
}

func deepCopyJSON(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = utiljson.Unmarshal(b, &out)
	return out
}
