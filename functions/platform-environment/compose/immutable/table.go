// Package immutable is the table of what AWS (and Kubernetes) cannot update in place, for every kind the function
// composes: the spec.forProvider fields whose change forces Terraform to replace the resource, the Terraform
// arguments upjet turned into the external name, and the identity and immutable fields of kinds without a Terraform
// type (provider-kubernetes Object manifests, provider-helm Release, Usage, ClusterAuth, the ProviderConfigs).
//
// Crossplane never replaces a managed resource: upjet refuses the update of a ForceNew field ("refuse to update the
// external resource because the following update requires replacing it") and the resource stays Synced=False; the
// API server refuses a change of an immutable manifest field ("field is immutable"). A changed metadata.name or
// external name makes Crossplane or the provider create a new resource and leak the old one. Changes tells, for two
// desired objects of one composition resource, which of these fields differ, so that a test, the plan CLI or a fake
// provider can refuse or plan a replacement.
//
// The data lives in aws.yaml and kubernetes.yaml (embedded); docs/day2-table.md says where it came from and how to
// update it.
package immutable

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"sigs.k8s.io/yaml"
)

//go:embed aws.yaml
var awsYAML []byte

//go:embed kubernetes.yaml
var kubernetesYAML []byte

// Row is what one composed kind cannot update in place.
type Row struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Terraform is the resource type the kind's GetTerraformResourceType returns (provider-aws v2.7.0); empty for
	// kinds that are no Terraform resource.
	Terraform string `json:"terraform,omitempty"`
	// ExternalName says how upjet derives the external name (the crossplane.io/external-name annotation).
	ExternalName ExternalName `json:"externalName,omitempty"`
	// ForceNew lists the spec.forProvider fields whose change forces a replacement.
	ForceNew []Field `json:"forceNew,omitempty"`
	// Identity lists further fields, as paths from the object's root, whose change makes the provider manage another
	// external object (a new one is created, the old one is leaked), e.g. an Object's manifest name.
	Identity []Field `json:"identity,omitempty"`
	// Global says the kind has no region (IAM, Route 53).
	Global bool `json:"global,omitempty"`
	// Conditional says, in words, where Terraform decides ForceNew in its plan (CustomizeDiff, ModifyPlan): a change
	// of these fields replaces the resource only under the condition given. Changes does not report them.
	Conditional []string `json:"conditional,omitempty"`
	// Source says what was read to write the row.
	Source Source `json:"source"`
	Notes  string `json:"notes,omitempty"`
}

// ExternalName is upjet's external-name configuration of a Terraform resource (provider-aws v2.7.0
// config/externalname.go and config/namespaced/<group>/config.go).
type ExternalName struct {
	// Config is the configuration as written in provider-aws, e.g. config.NameAsIdentifier.
	Config string `json:"config,omitempty"`
	// Arguments are the Terraform arguments upjet took out of spec.forProvider because the external name holds their
	// value (the configuration's OmittedFields): changing the external name changes them.
	Arguments []string `json:"arguments,omitempty"`
}

// Field is one field of a row: a dotted path (list items are traversed: a path below a list names that field of
// every item) and the sibling fields that name the same value another way.
type Field struct {
	// Path is relative to spec.forProvider for ForceNew fields and to the object's root for Identity fields.
	Path string `json:"path"`
	// Terraform is the Terraform argument (snake_case) the path stands for, if any.
	Terraform string `json:"terraform,omitempty"`
	// Refs are the sibling fields, in the same object as the path's last element, that resolve into the field
	// (…Ref, …Refs, …Selector, …SecretRef): a change of one of them is a change of the field.
	Refs []string `json:"refs,omitempty"`
	// Set says the field is a set (x-kubernetes-list-type: set; Terraform TypeSet): the order of its items is no
	// change.
	Set bool `json:"set,omitempty"`
}

// Source records what a row was read from.
type Source struct {
	// File is the file read, in the repository the row's kind belongs to (hashicorp/terraform-provider-aws for
	// Terraform resources).
	File string `json:"file,omitempty"`
	// Commit is the commit (or version) of File that was read.
	Commit string `json:"commit,omitempty"`
	// Checked says how the entry was checked against a current file, and which.
	Checked string `json:"checked,omitempty"`
}

// ManifestRow is what the API server refuses to change in a manifest kind that an Object carries.
type ManifestRow struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Immutable lists the manifest paths the API server (or the kind's webhook) refuses to change.
	Immutable []string `json:"immutable,omitempty"`
	// Except lists paths below Immutable that may change (a PVC's spec.resources.requests.storage).
	Except []string `json:"except,omitempty"`
	// When names a manifest field that makes WhenImmutable immutable too, while it is true in the old manifest (a
	// ConfigMap's or Secret's immutable).
	When          string   `json:"when,omitempty"`
	WhenImmutable []string `json:"whenImmutable,omitempty"`
	// Source is where the rule is written (a Kubernetes validation function or a webhook).
	Source string `json:"source"`
	Notes  string `json:"notes,omitempty"`
}

type file struct {
	// Identity lists identity fields of every row of the file (an AWS resource's ProviderConfig); Regional those of
	// every row that is not Global (an AWS resource's region).
	Identity  []Field       `json:"identity,omitempty"`
	Regional  []Field       `json:"regional,omitempty"`
	Rows      []Row         `json:"rows"`
	Manifests []ManifestRow `json:"manifests,omitempty"`
}

type tables struct {
	rows      []Row
	manifests []ManifestRow
	byKind    map[string]int
	byMKind   map[string]int
}

var loaded = sync.OnceValues(func() (*tables, error) { return parse(awsYAML, kubernetesYAML) })

func parse(docs ...[]byte) (*tables, error) {
	t := &tables{byKind: map[string]int{}, byMKind: map[string]int{}}
	for _, d := range docs {
		var f file
		if err := yaml.UnmarshalStrict(d, &f); err != nil {
			return nil, fmt.Errorf("cannot read the table: %w", err)
		}
		for _, r := range f.Rows {
			k := key(r.APIVersion, r.Kind)
			if _, dup := t.byKind[k]; dup {
				return nil, fmt.Errorf("two rows for %s", k)
			}
			common := append([]Field(nil), f.Identity...)
			if !r.Global {
				common = append(common, f.Regional...)
			}
			r.Identity = append(common, r.Identity...)
			t.byKind[k] = len(t.rows)
			t.rows = append(t.rows, r)
		}
		for _, m := range f.Manifests {
			k := key(m.APIVersion, m.Kind)
			if _, dup := t.byMKind[k]; dup {
				return nil, fmt.Errorf("two manifest rows for %s", k)
			}
			t.byMKind[k] = len(t.manifests)
			t.manifests = append(t.manifests, m)
		}
	}
	return t, nil
}

func must() *tables {
	t, err := loaded()
	if err != nil {
		// The table is embedded and TestTable parses it: a broken table never leaves a test run.
		panic(err)
	}
	return t
}

func key(apiVersion, kind string) string { return apiVersion + ", Kind=" + kind }

// Lookup returns the row of a composed kind.
func Lookup(apiVersion, kind string) (Row, bool) {
	t := must()
	i, ok := t.byKind[key(apiVersion, kind)]
	if !ok {
		return Row{}, false
	}
	return t.rows[i], true
}

// LookupManifest returns the row of a manifest kind an Object carries (apiVersion as in the manifest: v1, apps/v1).
func LookupManifest(apiVersion, kind string) (ManifestRow, bool) {
	t := must()
	i, ok := t.byMKind[key(apiVersion, kind)]
	if !ok {
		return ManifestRow{}, false
	}
	return t.manifests[i], true
}

// Rows returns every row, sorted by apiVersion and kind.
func Rows() []Row {
	out := append([]Row(nil), must().rows...)
	sort.Slice(out, func(i, j int) bool { return key(out[i].APIVersion, out[i].Kind) < key(out[j].APIVersion, out[j].Kind) })
	return out
}

// Manifests returns every manifest row, sorted by apiVersion and kind.
func Manifests() []ManifestRow {
	out := append([]ManifestRow(nil), must().manifests...)
	sort.Slice(out, func(i, j int) bool { return key(out[i].APIVersion, out[i].Kind) < key(out[j].APIVersion, out[j].Kind) })
	return out
}

// Paths returns every field path of the row as a path from the object's root, with the …Ref/…Selector forms: what a
// test checks against the kind's CRD.
func (r Row) Paths() []string {
	var out []string
	add := func(prefix string, f Field) {
		out = append(out, prefix+f.Path)
		parent := ""
		if i := strings.LastIndex(f.Path, "."); i >= 0 {
			parent = f.Path[:i+1]
		}
		for _, ref := range f.Refs {
			out = append(out, prefix+parent+ref)
		}
	}
	for _, f := range r.ForceNew {
		add(forProvider+".", f)
	}
	for _, f := range r.Identity {
		add("", f)
	}
	return out
}

const forProvider = "spec.forProvider"
