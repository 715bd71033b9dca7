package validate

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/cloudpartner/platform-environment/package/crdfile"
)

// crdIndex finds the file that defines a group's kind without parsing CRDs. provider-aws alone ships ~2,000 CRD files
// (~100 MB); parsing all of them costs ~3 s and ~500 MB, and a render uses a few dozen. CRD files are named
// <group>_<plural>.yaml, so a group's files are found by name; the kind is read from the few header lines above the
// schema, once per group.
type crdIndex struct {
	dirs []string // CRD directories, searched in order.

	mu     sync.Mutex
	groups map[string]map[string]string // group → kind → file
}

func newCRDIndex(dirs []string) *crdIndex {
	return &crdIndex{dirs: dirs, groups: map[string]map[string]string{}}
}

// file returns the path of the CRD file that defines group/kind.
func (x *crdIndex) file(group, kind string) (string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	kinds, ok := x.groups[group]
	if !ok {
		var err error
		if kinds, err = x.scanGroup(group); err != nil {
			return "", err
		}
		x.groups[group] = kinds
	}
	if len(kinds) == 0 {
		return "", fmt.Errorf("no CRD of group %q in %s", group, x.describe())
	}
	f, ok := kinds[kind]
	if !ok {
		known := make([]string, 0, len(kinds))
		for k := range kinds {
			known = append(known, k)
		}
		sort.Strings(known)
		return "", fmt.Errorf("group %q has no kind %q (it has %d kinds; the closest by name: %s)", group, kind, len(known), closest(kind, known))
	}
	return f, nil
}

func (x *crdIndex) scanGroup(group string) (map[string]string, error) {
	// A file laid out otherwise than controller-gen's is parsed in full.
	return crdfile.GroupKinds(x.dirs, group, func(path string) (string, error) {
		crd, err := readCRD(path)
		if err != nil {
			return "", err
		}
		return crd.Spec.Names.Kind, nil
	})
}

func (x *crdIndex) describe() string {
	return strings.Join(x.dirs, ", ")
}

func readCRD(path string) (*extv1.CustomResourceDefinition, error) {
	b, err := os.ReadFile(path) //nolint:gosec // paths come from the module cache.
	if err != nil {
		return nil, err
	}
	crd := &extv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(b, crd); err != nil {
		return nil, fmt.Errorf("cannot parse CRD %s: %w", path, err)
	}
	return crd, nil
}

// closest lists up to three known kinds that share the longest prefix with kind (case-insensitive), to make a typo
// in a kind quick to fix.
func closest(kind string, known []string) string {
	type scored struct {
		k string
		n int
	}
	l := strings.ToLower(kind)
	s := make([]scored, 0, len(known))
	for _, k := range known {
		kl, n := strings.ToLower(k), 0
		for n < len(kl) && n < len(l) && kl[n] == l[n] {
			n++
		}
		s = append(s, scored{k, n})
	}
	sort.SliceStable(s, func(i, j int) bool { return s[i].n > s[j].n })
	out := make([]string, 0, 3)
	for i := 0; i < len(s) && i < 3; i++ {
		out = append(out, s[i].k)
	}
	return strings.Join(out, ", ")
}
