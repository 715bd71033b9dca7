package packaging

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// platforms the function is packaged for, with the ELF machine its binary must carry.
var platforms = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// TestReproducibleBuild builds every package twice into two fresh directories with package/build.sh (what
// `make xpkg` runs), requires identical sha256 for every package, runtime image and binary, and then checks what the
// packages hold. It takes minutes (two cross-compiled binaries per build), so it runs only when XPKG_REPRODUCIBLE=1:
// `make xpkg-test`, which `make test` runs, sets it with CROSSPLANE and IMAGE_TOOL.
func TestReproducibleBuild(t *testing.T) {
	if os.Getenv("XPKG_REPRODUCIBLE") != "1" {
		t.Skip("builds all packages twice (minutes); run with `make xpkg-test` (part of `make test`)")
	}
	for _, v := range []string{"CROSSPLANE", "IMAGE_TOOL"} {
		if p := os.Getenv(v); p == "" {
			t.Fatalf("%s is not set: run this test with `make xpkg-test`, which builds the tools and sets it", v)
		} else if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", v, p, err)
		}
	}

	// Each build runs in its own copy of the sources, at different paths: nothing of the checkout's location may
	// reach the packages, and edits to the working tree during the minutes of building cannot make the two differ.
	// (The builds share the Go build cache; that the compiler's output is reproducible is Go's promise for -trimpath
	// builds, which this does not re-prove.)
	first := copySources(t, root(t), filepath.Join(t.TempDir(), "src"))
	trees := [2]string{first, copySources(t, first, filepath.Join(t.TempDir(), "elsewhere", "platform-environment"))}
	var sums [2]map[string]string
	outs := [2]string{filepath.Join(t.TempDir(), "one"), filepath.Join(t.TempDir(), "two")}
	for i, out := range outs {
		start := time.Now()
		cmd := exec.Command(filepath.Join(trees[i], "package", "build.sh"), out)
		cmd.Dir = trees[i]
		// The registry and version the Configuration's function dependency is rewritten for.
		cmd.Env = append(os.Environ(), "REGISTRY=ghcr.io/cloudpartner", "VERSION=v0.1.0", "PLATFORMS=amd64 arm64")
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Run(); err != nil {
			t.Fatalf("build %d: %v\n%s", i+1, err, log.String())
		}
		t.Logf("build %d took %s:\n%s", i+1, time.Since(start).Round(time.Second), log.String())
		sums[i] = sha256Tree(t, out)
	}
	if diff := cmp.Diff(sums[0], sums[1]); diff != "" {
		t.Errorf("the two builds differ (sha256 by file, -first +second):\n%s", diff)
	}
	var want []string
	for arch := range platforms {
		want = append(want, "function-platform-environment-"+arch+".xpkg")
	}
	want = append(want, "configuration-platform-environment.xpkg")
	for _, f := range want {
		if sums[0][f] == "" {
			t.Errorf("build wrote no %s", f)
		}
	}

	for arch, machine := range platforms {
		t.Run("function-"+arch, func(t *testing.T) {
			checkFunctionPackage(t, filepath.Join(outs[0], "function-platform-environment-"+arch+".xpkg"), arch, machine)
		})
	}
	t.Run("configuration", func(t *testing.T) {
		checkConfigurationPackage(t, filepath.Join(outs[0], "configuration-platform-environment.xpkg"))
	})
}

// copySources copies the repository's sources (not bin/, _output/, .git/ or test work directories) to dst.
func copySources(t *testing.T, src, dst string) string {
	t.Helper()
	skip := map[string]bool{"bin": true, "_output": true, ".git": true, filepath.Join("test", "e2e", "_work"): true}
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if skip[rel] {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p) //nolint:gosec // our own sources.
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// sha256Tree returns the sha256 of every regular file under dir, by relative path.
func sha256Tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p) //nolint:gosec // our build output.
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		s := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(s[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// image is a docker-save style tarball (what xpkg build writes and the runtime tarball is): its config and its
// layers' files, in order.
type image struct {
	config struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
		Created      string `json:"created"`
		Config       struct {
			User         string              `json:"User"`
			Entrypoint   []string            `json:"Entrypoint"`
			ExposedPorts map[string]struct{} `json:"ExposedPorts"`
			Labels       map[string]string   `json:"Labels"`
		} `json:"config"`
	}
	layers []map[string]layerFile
}

type layerFile struct {
	hdr  *tar.Header
	data []byte
}

func readImage(t *testing.T, path string) image {
	t.Helper()
	f, err := os.Open(path) //nolint:gosec // our build output.
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() //nolint:errcheck // read only.
	entries := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries[h.Name] = b
	}
	var manifest []struct {
		Config string
		Layers []string
	}
	if err := json.Unmarshal(entries["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("%s: manifest.json: %v (%d images)", path, err, len(manifest))
	}
	var img image
	if err := json.Unmarshal(entries[manifest[0].Config], &img.config); err != nil {
		t.Fatalf("%s: config: %v", path, err)
	}
	for _, l := range manifest[0].Layers {
		img.layers = append(img.layers, untar(t, entries[l]))
	}
	return img
}

// untar reads a layer, gzip-compressed or not.
func untar(t *testing.T, b []byte) map[string]layerFile {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	files := map[string]layerFile{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = layerFile{hdr: h, data: data}
	}
}

// checkFunctionPackage: one runtime layer (static binary for the platform, /tmp, nothing else, epoch times, root
// owned) plus the package layer; a non-root image whose entrypoint is the binary, serving on 9443.
func checkFunctionPackage(t *testing.T, path, arch string, machine elf.Machine) {
	img := readImage(t, path)
	c := img.config
	if c.Architecture != arch || c.OS != "linux" {
		t.Errorf("platform %s/%s, want linux/%s", c.OS, c.Architecture, arch)
	}
	if c.Config.User != "65532:65532" {
		t.Errorf("user %q, want 65532:65532 (non-root)", c.Config.User)
	}
	if diff := cmp.Diff([]string{"/function"}, c.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint: -want +got:\n%s", diff)
	}
	if _, ok := c.Config.ExposedPorts["9443/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 9443/tcp", c.Config.ExposedPorts)
	}
	if !strings.HasPrefix(c.Created, "1970-01-01T00:00:00") {
		t.Errorf("created %q, want the Unix epoch", c.Created)
	}
	if len(img.layers) != 2 {
		t.Fatalf("%d layers, want 2 (runtime, package)", len(img.layers))
	}
	runtime := img.layers[0]
	var names []string
	for n, f := range runtime {
		names = append(names, n)
		if !f.hdr.ModTime.Equal(time.Unix(0, 0)) || f.hdr.Uid != 0 || f.hdr.Gid != 0 {
			t.Errorf("runtime layer %s: mtime %s uid %d gid %d, want epoch and root", n, f.hdr.ModTime.UTC(), f.hdr.Uid, f.hdr.Gid)
		}
	}
	sort.Strings(names)
	if diff := cmp.Diff([]string{"function", "tmp/"}, names); diff != "" {
		t.Errorf("runtime layer files: -want +got:\n%s", diff)
	}
	bin := runtime["function"]
	e, err := elf.NewFile(bytes.NewReader(bin.data))
	if err != nil {
		t.Fatalf("function is not an ELF binary: %v", err)
	}
	if e.Machine != machine {
		t.Errorf("function binary is %s, want %s", e.Machine, machine)
	}
	for _, p := range e.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("function binary is dynamically linked")
		}
	}
	if bin.hdr.Mode&0o111 == 0 {
		t.Errorf("function mode %o is not executable", bin.hdr.Mode)
	}
	// On a host of the same architecture, run the packaged binary: it must be our function, with the flags
	// Crossplane and the docs rely on.
	if arch == goruntime.GOARCH {
		exe := filepath.Join(t.TempDir(), "function")
		if err := os.WriteFile(exe, bin.data, 0o755); err != nil { //nolint:gosec // an executable we just built.
			t.Fatal(err)
		}
		out, err := exec.Command(exe, "--help").CombinedOutput()
		if err != nil {
			t.Fatalf("packaged function --help: %v\n%s", err, out)
		}
		for _, flag := range []string{"--insecure", "--debug", "--address", "--tls-certs-dir", "--metrics-address"} {
			if !strings.Contains(string(out), flag) {
				t.Errorf("packaged function --help does not mention %s:\n%s", flag, out)
			}
		}
	}
	pkg := string(img.layers[1]["package.yaml"].data)
	if !strings.Contains(pkg, "kind: Function") || !strings.Contains(pkg, "name: function-platform-environment") {
		t.Errorf("package.yaml does not hold the Function metadata:\n%.400s", pkg)
	}
}

// checkConfigurationPackage: the package stream holds the meta Configuration, the XRD, the Composition and the MRAP,
// with the function dependency rewritten for the registry the build was for, and the examples layer the
// PlatformEnvironment examples.
func checkConfigurationPackage(t *testing.T, path string) {
	img := readImage(t, path)
	var pkg, examples string
	for _, l := range img.layers {
		if f, ok := l["package.yaml"]; ok {
			pkg = string(f.data)
		}
		if f, ok := l[".up/examples.yaml"]; ok { // xpkg.XpkgExamplesFile in crossplane v2.2.1
			examples = string(f.data)
		}
	}
	kinds := map[string]int{}
	for _, line := range strings.Split(pkg, "\n") {
		if strings.HasPrefix(line, "kind: ") {
			kinds[strings.TrimPrefix(line, "kind: ")]++
		}
	}
	want := map[string]int{"Configuration": 1, "CompositeResourceDefinition": 1, "Composition": 1, "ManagedResourceActivationPolicy": 1}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("package.yaml kinds: -want +got:\n%s", diff)
	}
	// xpkg build re-serializes the objects; read the Configuration back to find the rewritten dependency.
	var meta metaConfiguration
	for _, doc := range strings.Split(pkg, "\n---") {
		if strings.Contains(doc, "\nkind: Configuration\n") {
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatal(err)
			}
		}
	}
	found := false
	for _, d := range meta.Spec.DependsOn {
		if d.Kind == "Function" {
			found = d.Package == "ghcr.io/cloudpartner/function-platform-environment" && d.Version == ">=v0.1.0"
			if !found {
				t.Errorf("function dependency %s %s, want ghcr.io/cloudpartner/function-platform-environment >=v0.1.0", d.Package, d.Version)
			}
		}
	}
	if !found {
		t.Error("the packaged Configuration has no function dependency")
	}
	if n := strings.Count(examples, "kind: PlatformEnvironment"); n == 0 {
		t.Error(".up/examples.yaml holds no PlatformEnvironment example")
	}
	if strings.Contains(examples, "kind: ConfigMap") || strings.Contains(examples, "kind: AppProject") {
		t.Error(".up/examples.yaml holds install or Argo CD manifests; only PlatformEnvironment examples belong there")
	}
}
