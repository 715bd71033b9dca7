// Package mrap derives, from the render goldens, which managed-resource kinds the Composition composes, and writes
// the ManagedResourceActivationPolicy (MRAP) that activates exactly those.
//
// Crossplane v2 turns a provider's managed-resource CRDs into ManagedResourceDefinitions (MRDs). With providers that
// declare the SafeStart capability (provider-aws v2, provider-kubernetes and provider-helm all do) an MRD stays
// Inactive, and its CRD absent, until an MRAP names it. provider-aws v2.7.0 alone ships ~2,000 CRDs; activating only
// the few dozen we compose keeps the API server small. An MRD is named like its CRD: <plural>.<group>.
package mrap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/package/crdfile"
)

// Groups of objects a render output holds that are no managed resources: the XR itself, the results render prints,
// and Crossplane core kinds a Composition may compose (Usage).
var notManaged = map[string]bool{
	"platform.cloudpartner.pro":   true,
	"render.crossplane.io":        true,
	"protection.crossplane.io":    true,
	"apiextensions.crossplane.io": true,
}

// providerConfigKinds stay plain CRDs when Crossplane converts a provider's CRDs to MRDs (see
// internal/converter/custom_to_managed.go in crossplane v2.4.0), so an MRAP must not name them. The Composition may
// still compose them (a provider-kubernetes ProviderConfig for the new cluster).
var providerConfigKinds = map[string]bool{
	"ProviderConfig":             true,
	"ClusterProviderConfig":      true,
	"ProviderConfigUsage":        true,
	"ClusterProviderConfigUsage": true,
}

// ComposedKinds returns every group/kind in the YAML streams of the render outputs under dir that belongs to a
// provider (everything but the groups in notManaged), sorted.
func ComposedKinds(dir string) ([]schema.GroupKind, error) {
	seen := map[schema.GroupKind]bool{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return nil
		}
		b, err := os.ReadFile(path) //nolint:gosec // walking our own test tree.
		if err != nil {
			return err
		}
		gks, err := kindsIn(b)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, gk := range gks {
			seen[gk] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]schema.GroupKind, 0, len(seen))
	for gk := range seen {
		out = append(out, gk)
	}
	sortGKs(out)
	return out, nil
}

// kindsIn returns the provider group/kinds of the documents of one YAML stream.
func kindsIn(stream []byte) ([]schema.GroupKind, error) {
	var out []schema.GroupKind
	for i, doc := range splitDocs(stream) {
		var tm struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if tm.APIVersion == "" && tm.Kind == "" {
			continue // an empty document or only comments.
		}
		gv, err := schema.ParseGroupVersion(tm.APIVersion)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if gv.Group == "" || notManaged[gv.Group] {
			continue
		}
		out = append(out, schema.GroupKind{Group: gv.Group, Kind: tm.Kind})
	}
	return out, nil
}

// splitDocs splits a YAML stream at lines that are exactly "---".
func splitDocs(stream []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	s := bufio.NewScanner(bytes.NewReader(stream))
	s.Buffer(make([]byte, 0, 1<<20), 1<<26)
	for s.Scan() {
		line := s.Text()
		if strings.TrimRight(line, " ") == "---" {
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	return append(docs, cur.Bytes())
}

// A CRDIndex finds, by group and kind, the CRD files of the providers. CRD files are named <group>_<plural>.yaml
// (one per kind); the kind is read from the few header lines above the schema, so no CRD is parsed in full.
type CRDIndex struct {
	Dirs   []string
	groups map[string]map[string]string // group → kind → plural
}

// NewCRDIndex indexes the CRD directories, searched in order.
func NewCRDIndex(dirs ...string) *CRDIndex {
	return &CRDIndex{Dirs: dirs, groups: map[string]map[string]string{}}
}

// Plural returns the resource name of group/kind, or an error naming what is missing.
func (x *CRDIndex) Plural(gk schema.GroupKind) (string, error) {
	kinds, ok := x.groups[gk.Group]
	if !ok {
		var err error
		if kinds, err = x.scan(gk.Group); err != nil {
			return "", err
		}
		x.groups[gk.Group] = kinds
	}
	if len(kinds) == 0 {
		return "", fmt.Errorf("no provider CRD of group %q in %s", gk.Group, strings.Join(x.Dirs, ", "))
	}
	p, ok := kinds[gk.Kind]
	if !ok {
		return "", fmt.Errorf("provider group %q has no kind %q", gk.Group, gk.Kind)
	}
	return p, nil
}

func (x *CRDIndex) scan(group string) (map[string]string, error) {
	files, err := crdfile.GroupKinds(x.Dirs, group, nil)
	if err != nil {
		return nil, err
	}
	plurals := make(map[string]string, len(files))
	for k, f := range files {
		plurals[k] = crdfile.Plural(group, f)
	}
	return plurals, nil
}

// IsManaged tells whether Crossplane makes an MRD of a provider kind (everything but the ProviderConfig kinds).
func IsManaged(gk schema.GroupKind) bool { return !providerConfigKinds[gk.Kind] }

// MRDNames returns the sorted MRD names (<plural>.<group>) of the managed kinds among gks. Every kind must exist in
// the providers' CRDs: a kind the providers do not have would make the MRAP name nothing, silently.
func MRDNames(x *CRDIndex, gks []schema.GroupKind) ([]string, error) {
	var names []string
	var errs []error
	for _, gk := range gks {
		// Only the namespaced groups we depend on: provider-aws also serves cluster-scoped v1-style groups
		// (ec2.aws.upbound.io) with the same kinds, which a v2 namespaced XR cannot compose.
		if _, _, err := ProviderPackage(gk.Group); err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := x.Plural(gk)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if IsManaged(gk) {
			names = append(names, p+"."+gk.Group)
		}
	}
	sort.Strings(names)
	return names, errors.Join(errs...)
}

// Name of the policy in the cluster. Crossplane's own default policy is named "default".
const Name = "platform-environment"

// Header marks the file as generated and says how to regenerate it.
const Header = "# Code generated by `make mrap` (go run ./package/mrap/gen) from the render goldens in test/golden. DO NOT EDIT.\n" +
	"# It activates exactly the managed-resource kinds the Composition composes. It only has an effect once\n" +
	"# Crossplane's default activate-everything policy is off: see docs/packaging.md.\n"

// Policy is the ManagedResourceActivationPolicy, as in crossplane v2.4.0's
// apiextensions.crossplane.io_managedresourceactivationpolicies.yaml.
type Policy struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Activate []string `json:"activate"`
	} `json:"spec"`
}

// Write writes the policy for the MRD names.
func Write(w io.Writer, names []string) error {
	if len(names) == 0 {
		return errors.New("no managed-resource kinds: the MRAP schema requires at least one activation")
	}
	p := Policy{APIVersion: "apiextensions.crossplane.io/v1alpha1", Kind: "ManagedResourceActivationPolicy"}
	p.Metadata.Name = Name
	p.Spec.Activate = names
	b, err := yaml.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, Header); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Read reads a policy file written by Write.
func Read(path string) (*Policy, error) {
	b, err := os.ReadFile(path) //nolint:gosec // our own file.
	if err != nil {
		return nil, err
	}
	p := &Policy{}
	if err := yaml.UnmarshalStrict(b, p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func sortGKs(gks []schema.GroupKind) {
	sort.Slice(gks, func(i, j int) bool {
		if gks[i].Group != gks[j].Group {
			return gks[i].Group < gks[j].Group
		}
		return gks[i].Kind < gks[j].Kind
	})
}
