package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// schema decodes a YAML schema fragment, as the XRD would hold it.
func schema(t *testing.T, y string) *apiextv1.JSONSchemaProps {
	t.Helper()
	p := &apiextv1.JSONSchemaProps{}
	if err := yaml.Unmarshal([]byte(y), p); err != nil {
		t.Fatalf("bad test schema: %v", err)
	}
	return p
}

func TestTypeName(t *testing.T) {
	cases := map[string]struct {
		reason string
		schema string
		want   string
	}{
		"Integer":     {reason: "the format follows the type", schema: "{type: integer, format: int32}", want: "integer (int32)"},
		"ListOfText":  {reason: "lists name their items", schema: "{type: array, items: {type: string}}", want: "list of string"},
		"ListOfObj":   {reason: "lists of objects", schema: "{type: array, items: {type: object, properties: {a: {type: string}}}}", want: "list of object"},
		"Map":         {reason: "additionalProperties make a map", schema: "{type: object, additionalProperties: {type: string}}", want: "map of string"},
		"MapOfLists":  {reason: "maps of lists nest", schema: "{type: object, additionalProperties: {type: array, items: {type: integer}}}", want: "map of list of integer"},
		"IntOrString": {reason: "quantities and percentages", schema: "{x-kubernetes-int-or-string: true}", want: "integer or string"},
		"FreeForm":    {reason: "preserved unknown fields", schema: "{type: object, x-kubernetes-preserve-unknown-fields: true}", want: "object, free-form"},
		"AnyOf":       {reason: "alternatives are listed", schema: "{anyOf: [{type: integer}, {type: string}]}", want: "any of integer | string"},
		"Nullable":    {reason: "nullable is said", schema: "{type: string, nullable: true}", want: "string, nullable"},
		"Untyped":     {reason: "no type at all", schema: "{}", want: "any"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, typeName(schema(t, tc.schema))); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestConstraints(t *testing.T) {
	cases := map[string]struct {
		reason     string
		schema     string
		ownSection bool
		want       []string
	}{
		"Enum": {
			reason: "enum values as written in YAML; numeric-looking strings quoted",
			schema: `{type: string, enum: ["1.34", "1.35"]}`,
			want:   []string{"one of `\"1.34\"`, `\"1.35\"`"},
		},
		"Range": {
			reason: "minimum and maximum",
			schema: "{type: integer, minimum: 1, maximum: 60000}",
			want:   []string{"`1` to `60000`"},
		},
		"ExclusiveRange": {
			reason: "exclusive bounds",
			schema: "{type: number, minimum: 0, exclusiveMinimum: true, maximum: 1.5}",
			want:   []string{"&gt; `0`, ≤ `1.5`"},
		},
		"Length": {
			reason: "length and pattern",
			schema: "{type: string, minLength: 1, maxLength: 40, pattern: '^(a|b)$'}",
			want:   []string{"1 to 40 characters", "pattern `^(a\\|b)$`"},
		},
		"ListItems": {
			reason: "a list's size, uniqueness and its items' constraints",
			schema: "{type: array, maxItems: 8, x-kubernetes-list-type: set, items: {type: string, maxLength: 18}}",
			want:   []string{"at most 8 items", "items unique", "each item: at most 18 characters"},
		},
		"ListMap": {
			reason: "a map-type list is unique by its keys",
			schema: "{type: array, minItems: 1, x-kubernetes-list-type: map, x-kubernetes-list-map-keys: [name], items: {type: object, properties: {name: {type: string}}}}",
			want:   []string{"at least 1 item", "unique by `name`"},
		},
		"MapValues": {
			reason: "a map's size and its values' constraints",
			schema: "{type: object, maxProperties: 40, additionalProperties: {type: string, maxLength: 256}}",
			want:   []string{"at most 40 entries", "each value: at most 256 characters"},
		},
		"Immutable": {
			reason: "self == oldSelf marks the field immutable; the message explains",
			schema: "{type: string, x-kubernetes-validations: [{rule: 'self == oldSelf', message: 'spec.region is immutable'}]}",
			want:   []string{"**immutable**: spec.region is immutable"},
		},
		"RuleWithoutMessage": {
			reason: "a rule without a message is shown as the rule",
			schema: "{type: string, x-kubernetes-validations: [{rule: 'self.size() > 2 || self == \"a\"'}]}",
			want:   []string{"rule `self.size() > 2 \\|\\| self == \"a\"`"},
		},
		"ObjectRulesInSection": {
			reason:     "an object with its own section lists its rules there, not in the parent's row",
			schema:     "{type: object, properties: {a: {type: string}}, x-kubernetes-validations: [{rule: 'true', message: m}]}",
			ownSection: true,
			want:       nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, constraints(schema(t, tc.schema), tc.ownSection)); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestRenderShapes renders a small XRD with the shapes the real one may grow into (a map of objects, a
// list of lists, int-or-string, two versions) and checks the sections and rows they produce.
func TestRenderShapes(t *testing.T) {
	const in = `
apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata: {name: things.example.org}
spec:
  group: example.org
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    deprecated: true
    schema:
      openAPIV3Schema:
        properties:
          spec:
            required: [size]
            properties:
              size: {x-kubernetes-int-or-string: true, description: "Size, e.g. 10% or 3."}
              pools:
                type: object
                additionalProperties:
                  type: object
                  description: Pool is one pool.
                  properties:
                    count: {type: integer, default: 1}
              matrix: {type: array, items: {type: array, items: {type: string}}}
  - name: v1beta1
    served: true
    schema:
      openAPIV3Schema:
        properties:
          spec:
            properties:
              size: {type: integer}
`
	x, err := parseXRD([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := render(x)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		"| apiVersion | `example.org/v1alpha1` (deprecated), `example.org/v1beta1` |",
		"## Version v1alpha1",
		"## Version v1beta1",
		"## v1alpha1 `spec`",
		"### v1alpha1 `spec.pools{}`",
		"In [`spec`](#v1alpha1-spec). Pool is one pool.",
		"| `pools` | [map of object](#v1alpha1-specpools) |",
		"| `count` | integer | `1` |",
		"| `size` **required** | integer or string |  |  | Size, e.g. 10% or 3. |",
		"| `matrix` | list of list of string |",
		"## v1beta1 `spec`",
		"| `size` | integer |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the rendered reference lacks %q:\n%s", want, got)
		}
	}
	checkLinks(t, "rendered", got, map[string]string{"rendered": got})
}

func TestParseXRDRefuses(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		want   string
	}{
		"NotAnXRD":  {reason: "another kind", in: "kind: CustomResourceDefinition", want: `kind "CustomResourceDefinition" is not a CompositeResourceDefinition`},
		"NoKind":    {reason: "no names", in: "kind: CompositeResourceDefinition", want: "spec.names.kind is empty"},
		"NoVersion": {reason: "no versions", in: "kind: CompositeResourceDefinition\nspec: {names: {kind: X}}", want: "spec.versions is empty"},
		"NoSchema":  {reason: "a version without a schema", in: "kind: CompositeResourceDefinition\nspec: {names: {kind: X}, versions: [{name: v1}]}", want: "version v1 has no schema.openAPIV3Schema"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parseXRD([]byte(tc.in))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
