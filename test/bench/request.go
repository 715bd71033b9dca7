// Package bench is the performance harness behind `make bench`: it builds the RunFunctionRequests that
// `crossplane render` sends for an example at an observed stage, drives a gRPC FunctionRunnerService with a
// fixed number of them at a fixed concurrency, generates the patch-and-transform Composition the peer
// function runs, and prints the report. The binaries are in cmd/ (the orchestrator) and echo/ (the
// transport floor).
package bench

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/xcrd"
	xpv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"sigs.k8s.io/yaml"
)

// annotationResourceName names a composed resource within its composition; render reads the observed
// resources' names from it.
const annotationResourceName = "crossplane.io/composition-resource-name"

// Capabilities are the ones crossplane render v2.2.1 (and Crossplane v2.4) announce in every request.
var Capabilities = []fnv1.Capability{
	fnv1.Capability_CAPABILITY_CAPABILITIES,
	fnv1.Capability_CAPABILITY_REQUIRED_RESOURCES,
	fnv1.Capability_CAPABILITY_CREDENTIALS,
	fnv1.Capability_CAPABILITY_CONDITIONS,
	fnv1.Capability_CAPABILITY_REQUIRED_SCHEMAS,
}

// Request builds the request `crossplane render EXAMPLE composition functions --xrd=XRD
// --observed-resources=OBSERVED` sends to the first (here: only) pipeline step: the XR read from the
// example and defaulted from the XRD's schema, the observed composed resources keyed by their
// composition-resource-name annotation, empty desired state, an empty context, no credentials and the
// capabilities. observed may be empty: the first reconcile. TestRequestIsRenders proves the equality
// against the real CLI.
func Request(xrdPath, examplePath, observedPath string) (*fnv1.RunFunctionRequest, error) {
	xr, err := readObject(examplePath)
	if err != nil {
		return nil, err
	}
	if err := defaultXR(xr, xrdPath); err != nil {
		return nil, err
	}
	oxr, err := structpb.NewStruct(xr)
	if err != nil {
		return nil, fmt.Errorf("cannot convert %s to a protobuf Struct: %w", examplePath, err)
	}
	resources := map[string]*fnv1.Resource{}
	if observedPath != "" {
		docs, err := ReadStream(observedPath)
		if err != nil {
			return nil, err
		}
		for _, o := range docs {
			md, _ := o["metadata"].(map[string]any)
			ann, _ := md["annotations"].(map[string]any)
			name, _ := ann[annotationResourceName].(string)
			// Render keys by the annotation as it finds it (an object without one lands under ""); the
			// observed files always carry it, so a missing one is a broken file.
			if name == "" {
				return nil, fmt.Errorf("%s: an observed resource (%v) has no %s annotation", observedPath, md["name"], annotationResourceName)
			}
			s, err := structpb.NewStruct(o)
			if err != nil {
				return nil, fmt.Errorf("%s: cannot convert %s to a protobuf Struct: %w", observedPath, name, err)
			}
			resources[name] = &fnv1.Resource{Resource: s}
		}
	}
	return &fnv1.RunFunctionRequest{
		Meta:        &fnv1.RequestMeta{Capabilities: Capabilities},
		Observed:    &fnv1.State{Composite: &fnv1.Resource{Resource: oxr}, Resources: resources},
		Desired:     &fnv1.State{},
		Context:     &structpb.Struct{Fields: map[string]*structpb.Value{}},
		Credentials: map[string]*fnv1.Credentials{},
	}, nil
}

// readObject reads a single-document YAML file.
func readObject(path string) (map[string]any, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the repository's own files.
	if err != nil {
		return nil, err
	}
	obj := map[string]any{}
	if err := yaml.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("cannot parse %s: %w", path, err)
	}
	return obj, nil
}

// ReadStream reads a multi-document YAML file (documents separated by lines of "---"), skipping empty
// and comment-only documents.
func ReadStream(path string) ([]map[string]any, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the repository's own files.
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for i, doc := range splitDocuments(b) {
		obj := map[string]any{}
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("cannot parse document %d of %s: %w", i+1, path, err)
		}
		if len(obj) == 0 {
			continue
		}
		out = append(out, obj)
	}
	return out, nil
}

func splitDocuments(b []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if strings.TrimRight(string(line), " \r\n") == "---" {
			docs = append(docs, bytes.Clone(cur.Bytes()))
			cur.Reset()
			continue
		}
		cur.Write(line)
	}
	return append(docs, cur.Bytes())
}

// defaultXR applies the defaults of the XR's CRD, derived from the XRD as Crossplane derives it — what
// `crossplane render --xrd` does (cmd/crank/render.DefaultValues).
func defaultXR(xr map[string]any, xrdPath string) error {
	b, err := os.ReadFile(xrdPath) //nolint:gosec // the repository's own file.
	if err != nil {
		return err
	}
	xrd := &xpv1.CompositeResourceDefinition{}
	if err := yaml.Unmarshal(b, xrd); err != nil {
		return fmt.Errorf("cannot parse the XRD %s: %w", xrdPath, err)
	}
	crd, err := xcrd.ForCompositeResource(xrd)
	if err != nil {
		return fmt.Errorf("cannot derive the XR's CRD from %s: %w", xrdPath, err)
	}
	apiVersion, _ := xr["apiVersion"].(string)
	var version *extv1.CustomResourceDefinitionVersion
	for i := range crd.Spec.Versions {
		if crd.Spec.Group+"/"+crd.Spec.Versions[i].Name == apiVersion {
			version = &crd.Spec.Versions[i]
		}
	}
	if version == nil {
		return fmt.Errorf("the XRD %s does not define %s", xrdPath, apiVersion)
	}
	var props apiextensions.JSONSchemaProps
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(version.Schema.OpenAPIV3Schema, &props, nil); err != nil {
		return err
	}
	s, err := structuralschema.NewStructural(&props)
	if err != nil {
		return fmt.Errorf("the XR's schema from %s is not structural: %w", xrdPath, err)
	}
	structuraldefaulting.Default(xr, s)
	return nil
}
