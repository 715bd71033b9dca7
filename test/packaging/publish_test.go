package packaging

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPublish runs what `make publish` runs — package/build.sh for a registry, then package/publish.sh — against an
// in-memory OCI registry on loopback (tools/image/registry), and reads back what was pushed: the function as one
// multi-platform index whose per-platform manifests carry exactly the configs of the built packages, and the
// Configuration. Gated like TestReproducibleBuild; `make xpkg-test` builds the registry and sets REGISTRY_TOOL.
func TestPublish(t *testing.T) {
	if os.Getenv("XPKG_REPRODUCIBLE") != "1" {
		t.Skip("builds and pushes all packages (minutes); run with `make xpkg-test` (part of `make test`)")
	}
	env := map[string]string{}
	for _, v := range []string{"CROSSPLANE", "IMAGE_TOOL", "REGISTRY_TOOL"} {
		if env[v] = os.Getenv(v); env[v] == "" {
			t.Fatalf("%s is not set: run this test with `make xpkg-test`", v)
		}
	}

	addr := startRegistry(t, env["REGISTRY_TOOL"])
	registry := addr + "/cloudpartner"
	const version = "v0.2.0"

	tree := copySources(t, root(t), filepath.Join(t.TempDir(), "src"))
	out := filepath.Join(t.TempDir(), "out")
	run := func(script string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(tree, "package", script), out)
		cmd.Dir = tree
		cmd.Env = append(os.Environ(), "REGISTRY="+registry, "VERSION="+version, "PLATFORMS=amd64 arm64")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("package/%s: %v\n%s", script, err, b)
		}
		t.Logf("package/%s:\n%s", script, b)
	}
	run("build.sh")
	run("publish.sh")

	// The function: one index, one manifest per platform, each the package built for that platform.
	idx := fetchManifest(t, addr, "cloudpartner/function-platform-environment", version)
	if idx.MediaType != "application/vnd.oci.image.index.v1+json" && idx.MediaType != "application/vnd.docker.distribution.manifest.list.v2+json" {
		t.Fatalf("function %s is a %q, want an image index", version, idx.MediaType)
	}
	var got []string
	for _, m := range idx.Manifests {
		p := m.Platform.OS + "/" + m.Platform.Architecture
		got = append(got, p)
		pm := fetchManifest(t, addr, "cloudpartner/function-platform-environment", m.Digest)
		if want := localConfigDigest(t, filepath.Join(out, "function-platform-environment-"+m.Platform.Architecture+".xpkg")); pm.Config.Digest != want {
			t.Errorf("%s: pushed config %s, built package's config %s", p, pm.Config.Digest, want)
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, got); diff != "" {
		t.Errorf("index platforms: -want +got:\n%s", diff)
	}

	// The Configuration: the package built for this registry (its function dependency names it).
	cm := fetchManifest(t, addr, "cloudpartner/configuration-platform-environment", version)
	if want := localConfigDigest(t, filepath.Join(out, "configuration-platform-environment.xpkg")); cm.Config.Digest != want {
		t.Errorf("configuration: pushed config %s, built package's config %s", cm.Config.Digest, want)
	}
}

// startRegistry starts the loopback registry and returns its host:port; it is killed when the test ends.
func startRegistry(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin, "--address=127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	select {
	case addr, ok := <-line:
		if !ok || !strings.HasPrefix(addr, "127.0.0.1:") {
			t.Fatalf("registry printed %q, want its loopback address", addr)
		}
		return addr
	case <-time.After(30 * time.Second):
		t.Fatal("registry did not start within 30s")
	}
	return ""
}

type manifest struct {
	MediaType string `json:"mediaType"`
	Config    struct {
		Digest string `json:"digest"`
	} `json:"config"`
	Manifests []struct {
		Digest   string `json:"digest"`
		Platform struct {
			OS           string `json:"os"`
			Architecture string `json:"architecture"`
		} `json:"platform"`
	} `json:"manifests"`
}

func fetchManifest(t *testing.T, addr, repo, ref string) manifest {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s/v2/%s/manifests/%s", addr, repo, ref), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
	}, ", "))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read only.
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s:%s: %s\n%s", repo, ref, resp.Status, b)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.MediaType == "" {
		m.MediaType = resp.Header.Get("Content-Type")
	}
	return m
}

// localConfigDigest returns the config digest recorded in a package tarball's manifest.json.
func localConfigDigest(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // our build output.
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if files[h.Name], err = io.ReadAll(tr); err != nil {
			t.Fatal(err)
		}
	}
	var mf []struct{ Config string }
	if err := json.Unmarshal(files["manifest.json"], &mf); err != nil || len(mf) != 1 {
		t.Fatalf("%s: manifest.json: %v", path, err)
	}
	// go-containerregistry's tarball names the config blob by its digest.
	return mf[0].Config
}
