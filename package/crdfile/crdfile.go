// Package crdfile finds the CRD files of a group's kinds without parsing CRDs. provider-aws alone ships ~2,000
// CRD files (~100 MB) and parsing all of them costs seconds and hundreds of MB, while a render uses a few dozen.
// CRD files are named <group>_<plural>.yaml (one per kind), so a group's files are found by name, and the kind
// is read from the few header lines above the schema. The activation policy generator (package/mrap), the CRD
// validation of rendered objects (test/validate) and the end-to-end suite's CRD install share it.
package crdfile

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// GroupKinds returns the kind → path of every CRD file of the group in dirs; a kind found in an earlier
// directory wins. A file whose header does not name its kind before its versions is passed to full, which
// reads the kind otherwise (nil: that is an error).
func GroupKinds(dirs []string, group string, full func(path string) (string, error)) (map[string]string, error) {
	kinds := map[string]string{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, group+"_*.yaml"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			k, ok, err := HeaderKind(f)
			switch {
			case err != nil:
				return nil, err
			case !ok && full == nil:
				return nil, fmt.Errorf("%s: spec.names.kind not found before spec.versions", f)
			case !ok:
				if k, err = full(f); err != nil {
					return nil, err
				}
			}
			if _, dup := kinds[k]; !dup {
				kinds[k] = f
			}
		}
	}
	return kinds, nil
}

// Plural returns the plural a CRD file's name carries (<group>_<plural>.yaml).
func Plural(group, path string) string {
	return strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), group+"_"), ".yaml")
}

// HeaderKind reads spec.names.kind from the top of a CRD file, where controller-gen writes the names block
// before the versions. ok is false when the versions come first (a file laid out otherwise).
func HeaderKind(path string) (kind string, ok bool, err error) {
	f, err := os.Open(path) //nolint:gosec // paths come from the module cache.
	if err != nil {
		return "", false, err
	}
	defer f.Close() //nolint:errcheck // read only.
	s := bufio.NewScanner(f)
	inNames := false
	for s.Scan() {
		line := s.Text()
		switch {
		case line == "  names:":
			inNames = true
		case inNames && strings.HasPrefix(line, "    kind: "):
			return strings.Trim(strings.TrimPrefix(line, "    kind: "), `"' `), true, nil
		case inNames && !strings.HasPrefix(line, "    "):
			inNames = false
		case strings.HasPrefix(line, "  versions:"):
			return "", false, nil
		}
	}
	if err := s.Err(); err != nil {
		return "", false, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return "", false, fmt.Errorf("%s: no spec.names.kind", path)
}
