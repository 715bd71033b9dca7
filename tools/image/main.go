// Command image writes the function's runtime image as an OCI tarball (the
// docker-save format that `crossplane xpkg build --embed-runtime-image-tarball`
// reads) without Docker.
//
// The image is one layer holding the static function binary and an empty /tmp.
// Every timestamp is the Unix epoch and every owner is root, so the same binary
// always gives the same image digest. The process runs as 65532:65532
// (distroless "nonroot"), so a Pod security context with runAsNonRoot holds.
//
// It is its own module (tools/image) so that go-containerregistry does not
// enter the project's go.mod.
package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// nonRoot is distroless' "nonroot" user. Crossplane's default function
// Deployment also runs as this uid.
const nonRoot = "65532:65532"

// elfMachine maps a GOARCH to the ELF machine a binary for it must carry, so
// that an amd64 binary can never be packaged as the arm64 image.
var elfMachine = map[string]elf.Machine{
	"amd64": elf.EM_X86_64,
	"arm64": elf.EM_AARCH64,
}

func main() {
	bin := flag.String("binary", "", "path to the static linux function binary")
	out := flag.String("o", "runtime.tar", "output tarball")
	tag := flag.String("tag", "function-platform-environment:runtime", "image reference recorded in the tarball (never pushed)")
	arch := flag.String("arch", "amd64", "GOARCH of the binary: amd64 or arm64")
	source := flag.String("source", "https://github.com/cloudpartner/platform-environment", "org.opencontainers.image.source label")
	flag.Parse()

	if err := run(*bin, *out, *tag, *arch, *source); err != nil {
		log.Fatal(err)
	}
}

func run(bin, out, tag, arch, source string) error {
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	if err := checkStatic(data, arch); err != nil {
		return fmt.Errorf("%s: %w", bin, err)
	}

	layer, err := layerOf(data)
	if err != nil {
		return err
	}

	epoch := v1.Time{Time: time.Unix(0, 0).UTC()}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer:   layer,
		History: v1.History{CreatedBy: "tools/image: static function binary", Created: epoch},
	})
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS = "linux"
	cf.Architecture = arch
	cf.Created = epoch
	cf.Config.Entrypoint = []string{"/function"}
	cf.Config.User = nonRoot
	cf.Config.WorkingDir = "/"
	// Crossplane mounts the function's server certificates here and sets the
	// same variable; setting it in the image keeps `docker run` and Crossplane
	// behaving alike.
	cf.Config.Env = []string{"TLS_SERVER_CERTS_DIR=/tls/server"}
	cf.Config.ExposedPorts = map[string]struct{}{"9443/tcp": {}}
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.source": source,
		"org.opencontainers.image.title":  "function-platform-environment",
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return err
	}

	ref, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	if err := tarball.WriteToFile(out, ref, img); err != nil {
		return err
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	// Only what identifies the image: build.sh keeps this line next to the package, and two builds must agree.
	fmt.Printf("%s linux/%s\n", d, arch)
	return nil
}

// layerOf builds the single, uncompressed-then-gzipped layer. Headers carry no
// owner names, uid/gid 0 and the epoch, so nothing of the build machine leaks
// into the digest.
func layerOf(binary []byte) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	hdrs := []*tar.Header{
		// Go's os.TempDir and the SDK's TLS loading need nothing else, but a
		// writable /tmp keeps readOnlyRootFilesystem pods working with an
		// emptyDir mounted over it and plain pods working without one.
		{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: epoch, Format: tar.FormatPAX},
		{Typeflag: tar.TypeReg, Name: "function", Mode: 0o755, Size: int64(len(binary)), ModTime: epoch, Format: tar.FormatPAX},
	}
	for _, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(binary); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layerBytes := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerBytes)), nil
	})
}

// checkStatic refuses a binary for another architecture or one that needs a
// dynamic loader: the image has no libc, so such a binary would only fail at
// Pod start.
func checkStatic(data []byte, arch string) error {
	want, ok := elfMachine[arch]
	if !ok {
		return fmt.Errorf("unsupported arch %q (want amd64 or arm64)", arch)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not an ELF binary: %w", err)
	}
	if f.Machine != want {
		return fmt.Errorf("built for %s, not %s (GOARCH=%s)", f.Machine, want, arch)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("dynamically linked; build with CGO_ENABLED=0")
		}
	}
	return nil
}
