package validate

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/xcrd"
	xpv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// modulePath identifies this repository's go.mod when looking for the repository root.
const modulePath = "github.com/cloudpartner/platform-environment"

// xrdFile is the generated XRD, relative to the repository root.
const xrdFile = "apis/definition.yaml"

// xrSchemas are the served versions of the XR's CRD.
type xrSchemas struct {
	group, kind string
	versions    map[string]*crdSchema
}

// xrSchema returns the XR CRD's schema for gvk. The XRD is read and turned into a CRD once per Validator.
func (v *Validator) xrSchema(gvk schema.GroupVersionKind) (*crdSchema, error) {
	v.xrOnce.Do(func() { v.xr, v.xrErr = v.loadXR() })
	if v.xrErr != nil {
		return nil, v.xrErr
	}
	if gvk.Group != v.xr.group || gvk.Kind != v.xr.kind {
		return nil, fmt.Errorf("%s is not the XR; %s defines %s.%s", gvk, v.xrdPath, v.xr.kind, v.xr.group)
	}
	s, ok := v.xr.versions[gvk.Version]
	if !ok {
		return nil, fmt.Errorf("%s does not serve version %s of %s", v.xrdPath, gvk.Version, gvk.Kind)
	}
	return s, nil
}

// loadXR derives the XR's CRD from the XRD the way Crossplane does (xcrd.ForCompositeResource), after checking the
// XRD against Crossplane's own XRD CRD, and checks the derived CRD the way kube-apiserver checks a CRD on create:
// Crossplane cannot establish an XRD whose CRD the API server rejects.
func (v *Validator) loadXR() (*xrSchemas, error) {
	path := v.xrdPath
	if path == "" {
		root, err := repoRoot()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(root, filepath.FromSlash(xrdFile))
		v.xrdPath = path
	}
	b, err := os.ReadFile(path) //nolint:gosec // the repository's own file, or one a test chose.
	if err != nil {
		return nil, fmt.Errorf("cannot read the XRD: %w", err)
	}

	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("cannot parse the XRD %s: %w", path, err)
	}
	doc, err := jsonCopy(raw)
	if err != nil {
		return nil, fmt.Errorf("cannot parse the XRD %s: %w", path, err)
	}
	gvk, problems := typeOf(doc)
	if problems != nil {
		return nil, fmt.Errorf("XRD %s: %s", path, strings.Join(problems, "; "))
	}
	if gvk.Group != xpv1.Group || gvk.Kind != xpv1.CompositeResourceDefinitionKind {
		return nil, fmt.Errorf("%s is a %s, not a %s.%s", path, gvk, xpv1.CompositeResourceDefinitionKind, xpv1.Group)
	}
	xrdSchema, err := v.schema(gvk)
	if err != nil {
		return nil, fmt.Errorf("cannot load Crossplane's CRD for %s: %w", gvk, err)
	}
	if problems := xrdSchema.Validate(doc, nil); problems != nil {
		return nil, fmt.Errorf("the XRD %s is invalid: %s", path, strings.Join(prefixed(id(doc), problems), "; "))
	}

	// The v1 and v2 XRD types share their fields. v2 defaults scope to Namespaced, v1 to LegacyCluster: doc was
	// defaulted by the validation above, so it carries the right one.
	xrd := &xpv1.CompositeResourceDefinition{}
	if err := jsonInto(doc, xrd); err != nil {
		return nil, fmt.Errorf("cannot decode the XRD %s: %w", path, err)
	}
	crd, err := xcrd.ForCompositeResource(xrd)
	if err != nil {
		return nil, fmt.Errorf("cannot derive the XR's CRD from %s: %w", path, err)
	}
	if err := checkCRD(crd); err != nil {
		return nil, fmt.Errorf("the API server would reject the CRD that Crossplane derives from %s: %w", path, err)
	}

	xr := &xrSchemas{group: crd.Spec.Group, kind: crd.Spec.Names.Kind, versions: map[string]*crdSchema{}}
	for _, ver := range crd.Spec.Versions {
		if !ver.Served {
			continue
		}
		s, err := newCRDSchema(crd, ver.Name)
		if err != nil {
			return nil, err
		}
		xr.versions[ver.Name] = s
	}
	return xr, nil
}

// checkCRD validates a CRD as kube-apiserver validates its creation: structural schema, defaults against the schema,
// CEL rules compiled and within the cost limits, names.
func checkCRD(crd *extv1.CustomResourceDefinition) error {
	c := crd.DeepCopy()
	// Crossplane makes the XRD the CRD's controller; the XRD read from a file has no uid yet.
	c.OwnerReferences = nil
	extv1.SetObjectDefaults_CustomResourceDefinition(c)
	internal := &apiextensions.CustomResourceDefinition{}
	if err := extv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(c, internal, nil); err != nil {
		return err
	}
	errs := crdvalidation.ValidateCustomResourceDefinition(context.Background(), internal)
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msgs = append(msgs, fieldError(e))
	}
	return errors.New(strings.Join(msgs, "; "))
}

// repoRoot walks up from the working directory (a test's package directory) to this repository's go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isModuleRoot(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s above the working directory", modulePath)
		}
		dir = parent
	}
}

func isModuleRoot(goMod string) bool {
	f, err := os.Open(goMod) //nolint:gosec // a go.mod above the working directory.
	if err != nil {
		return false
	}
	defer f.Close() //nolint:errcheck // read only.
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Fields(s.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == modulePath
		}
	}
	return false
}

// jsonInto decodes a JSON-shaped object into a typed one.
func jsonInto(obj map[string]any, into any) error {
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}
