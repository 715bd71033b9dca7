package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	k8sjson "sigs.k8s.io/json"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
)

// CompositionResourceName is the annotation Crossplane puts on every composed resource.
const CompositionResourceName = "crossplane.io/composition-resource-name"

// State is what an --observed file holds: the composed resources by composition resource name, and the XR if the
// file carries one.
type State struct {
	XR       map[string]any
	Observed compose.Observed
}

// ReadObjects reads a YAML or JSON stream of objects; a `kind: List` (kubectl get -o yaml) contributes its items,
// a `crossplane beta trace -o json` tree every object in it.
func ReadObjects(path string) ([]map[string]any, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the file the user named.
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v (name a readable YAML or JSON file)", path, err)
	}
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	var out []map[string]any
	for i := 1; ; i++ {
		obj := map[string]any{}
		if err := d.Decode(&obj); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: document %d is not YAML or JSON: %v (fix the file's syntax)", path, i, err)
		}
		if len(obj) == 0 {
			continue
		}
		if obj["kind"] == "List" {
			items, _ := obj["items"].([]any)
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					out = append(out, m)
				}
			}
			continue
		}
		if isTrace(obj) {
			if out, err = flattenTrace(obj, out); err != nil {
				return nil, fmt.Errorf("%s: document %d: %v", path, i, err)
			}
			continue
		}
		out = append(out, obj)
	}
}

// isTrace reports whether a document is `crossplane beta trace -o json` output: a tree of
// {"object": <the resource>, "error": …, "children": [<trees>]} (crossplane v2 cmd/crank/common/resource.Resource),
// or, for several traced resources, {"items": [<trees>]} (resource.ResourceList). Neither has a kind.
func isTrace(obj map[string]any) bool {
	if _, ok := obj["kind"]; ok {
		return false
	}
	if _, ok := obj["object"].(map[string]any); ok {
		return true
	}
	items, ok := obj["items"].([]any)
	if !ok || len(items) == 0 {
		return ok // an empty ResourceList
	}
	first, _ := items[0].(map[string]any)
	_, ok = first["object"].(map[string]any)
	return ok
}

// flattenTrace appends every object of a trace tree, parents before children. A node trace could not read carries
// an error and only the object's kind and name: one that is not found is left out (not observed, as Crossplane
// sees it too); any other error leaves the observed state incomplete, and is one.
func flattenTrace(node map[string]any, out []map[string]any) ([]map[string]any, error) {
	o, _ := node["object"].(map[string]any)
	if e, failed := node["error"]; failed && e != nil {
		reason, _ := compose.Lookup(node, "error.ErrStatus.reason").(string)
		if reason != "NotFound" {
			msg, _ := compose.Lookup(node, "error.ErrStatus.message").(string)
			if msg == "" {
				msg = fmt.Sprint(e)
			}
			return nil, fmt.Errorf("the trace could not read %v %v: %s (rerun crossplane beta trace with rights to read it)",
				o["kind"], compose.Lookup(o, "metadata.name"), msg)
		}
		o = nil
	}
	if len(o) > 0 {
		out = append(out, o)
	}
	for _, key := range []string{"children", "items"} {
		kids, _ := node[key].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				var err error
				if out, err = flattenTrace(m, out); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// ReadState reads an --observed file: objects with the composition resource name annotation are the observed
// composed resources; a PlatformEnvironment is the live XR; anything else is ignored (kubectl output may carry
// events, secrets or the Composition).
func ReadState(path string) (*State, error) {
	objs, err := ReadObjects(path)
	if err != nil {
		return nil, err
	}
	s := &State{Observed: compose.Observed{}}
	for _, o := range objs {
		if isXR(o) {
			if s.XR != nil {
				return nil, fmt.Errorf("%s: holds more than one PlatformEnvironment (give the observed state of one environment)", path)
			}
			s.XR = o
			continue
		}
		if name, _ := compose.Lookup(o, "metadata.annotations["+CompositionResourceName+"]").(string); name != "" {
			if _, dup := s.Observed[name]; dup {
				return nil, fmt.Errorf("%s: two objects carry %s %q (give the observed state of one environment)", path, CompositionResourceName, name)
			}
			s.Observed[name] = jsonCopy(o)
		}
	}
	return s, nil
}

func isXR(o map[string]any) bool {
	return o["apiVersion"] == v1alpha1.APIVersion && o["kind"] == v1alpha1.Kind
}

// ReadXR reads the one PlatformEnvironment in a file (the --new or --old spec) and decodes it strictly: an unknown
// field is an error here, where the API server would prune it silently.
func ReadXR(path string) (map[string]any, *v1alpha1.PlatformEnvironment, error) {
	objs, err := ReadObjects(path)
	if err != nil {
		return nil, nil, err
	}
	var obj map[string]any
	for _, o := range objs {
		if !isXR(o) {
			return nil, nil, fmt.Errorf("%s: holds a %v %v, not a PlatformEnvironment (give the file of one %s)", path, o["apiVersion"], o["kind"], v1alpha1.APIVersion+" "+v1alpha1.Kind)
		}
		if obj != nil {
			return nil, nil, fmt.Errorf("%s: holds more than one PlatformEnvironment (give the file of one)", path)
		}
		obj = o
	}
	if obj == nil {
		return nil, nil, fmt.Errorf("%s: holds no PlatformEnvironment (give the file of one %s %s)", path, v1alpha1.APIVersion, v1alpha1.Kind)
	}
	xr, err := DecodeXR(obj)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	return obj, xr, nil
}

// DecodeXR decodes an XR as the function does (environment.Decode), after checking it has no field the API types
// lack. spec.crossplane and status are Crossplane's and pass.
func DecodeXR(obj map[string]any) (*v1alpha1.PlatformEnvironment, error) {
	c := jsonCopy(obj)
	if spec, ok := c["spec"].(map[string]any); ok {
		delete(spec, "crossplane")
	}
	delete(c, "status")
	b, _ := json.Marshal(c)
	strict, err := k8sjson.UnmarshalStrict(b, &v1alpha1.PlatformEnvironment{})
	if err == nil && len(strict) > 0 {
		msgs := make([]string, 0, len(strict))
		for _, e := range strict {
			msgs = append(msgs, e.Error())
		}
		return nil, fmt.Errorf("%s (remove or rename the field: see docs/reference.md)", strings.Join(msgs, "; "))
	}
	return environment.Decode(obj)
}
