#!/usr/bin/env bash
# Builds every package of this repository into OUT, offline and without Docker (`make xpkg` runs it):
#
#   OUT/function-platform-environment-amd64.xpkg   Function package, runtime image for linux/amd64 embedded
#   OUT/function-platform-environment-arm64.xpkg   Function package, runtime image for linux/arm64 embedded
#   OUT/configuration-platform-environment.xpkg    Configuration: XRD, Composition, ManagedResourceActivationPolicy
#   OUT/SHA256SUMS                                 sha256 of the three packages
#
# Two builds of the same tree give the same bytes: static binaries built with -trimpath, no build id and no VCS stamp;
# single-layer images whose files and configs carry the Unix epoch; packages staged from fixed file lists. The
# per-platform function packages become one multi-platform index only when pushed (package/publish.sh).
#
# Environment: CROSSPLANE (crossplane CLI v2.2.1), IMAGE_TOOL (tools/image), GO (default go), REGISTRY and VERSION (the
# function package the Configuration depends on: REGISTRY/function-platform-environment, version >=VERSION).
set -euo pipefail

OUT=${1:?usage: package/build.sh OUTPUT_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GO=${GO:-go}
CROSSPLANE=${CROSSPLANE:?set CROSSPLANE to the crossplane CLI (make tools)}
IMAGE_TOOL=${IMAGE_TOOL:?set IMAGE_TOOL to the image builder (tools/image)}
REGISTRY=${REGISTRY:-ghcr.io/cloudpartner}
VERSION=${VERSION:-v0.1.0}
PLATFORMS=${PLATFORMS:-amd64 arm64}

FUNCTION=function-platform-environment
CONFIGURATION=configuration-platform-environment
# The Configuration package holds exactly these files (xpkg build parses every YAML under its root, so the root is a
# staged copy, never the repository).
XRD=apis/definition.yaml
COMPOSITION=compositions/platform-environment.yaml
MRAP=package/configuration/managedresourceactivationpolicy.yaml

cd "$ROOT"
for f in package/function/crossplane.yaml crossplane.yaml "$XRD" "$COMPOSITION" "$MRAP"; do
	[[ -f $f ]] || { echo "package/build.sh: missing $f" >&2; exit 1; }
done
case $VERSION in v[0-9]*) ;; *) echo "package/build.sh: VERSION must be a semantic version like v0.1.0, got $VERSION" >&2; exit 1 ;; esac

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/stage" "$OUT"/*.xpkg "$OUT/SHA256SUMS"
for arch in $PLATFORMS; do rm -rf "${OUT:?}/linux-$arch"; done
mkdir -p "$OUT/stage/function" "$OUT/stage/configuration" "$OUT/stage/examples"

t0=$SECONDS
# Function: one static binary, runtime image and package per platform.
cp package/function/crossplane.yaml "$OUT/stage/function/crossplane.yaml"
for arch in $PLATFORMS; do
	t=$SECONDS
	dir=$OUT/linux-$arch
	mkdir -p "$dir"
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$GO" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=" \
		-o "$dir/function" ./functions/platform-environment
	"$IMAGE_TOOL" -binary "$dir/function" -arch "$arch" -o "$dir/runtime.tar" \
		-tag "$FUNCTION:runtime-$arch" >"$dir/runtime.digest"
	# --examples-root points at a directory that does not exist: a Function package carries no examples.
	"$CROSSPLANE" xpkg build --package-root="$OUT/stage/function" --examples-root="$OUT/stage/function/no-examples" \
		--embed-runtime-image-tarball="$dir/runtime.tar" -o "$OUT/$FUNCTION-$arch.xpkg"
	echo "package/build.sh: $FUNCTION linux/$arch in $((SECONDS - t))s (image $(cut -d' ' -f1 "$dir/runtime.digest"))"
done

# Configuration: meta + XRD + Composition + MRAP, examples = the PlatformEnvironment manifests at the top of examples/.
t=$SECONDS
sed -e "s#^\(      package: \)ghcr.io/cloudpartner/$FUNCTION\$#\1$REGISTRY/$FUNCTION#" \
	-e "/^      package: .*\/$FUNCTION\$/{n;s#^      version: .*#      version: \">=$VERSION\"#;}" \
	crossplane.yaml >"$OUT/stage/configuration/crossplane.yaml"
grep -q "^      package: $REGISTRY/$FUNCTION\$" "$OUT/stage/configuration/crossplane.yaml" ||
	{ echo "package/build.sh: crossplane.yaml has no dependency on ghcr.io/cloudpartner/$FUNCTION to rewrite" >&2; exit 1; }
cp "$XRD" "$OUT/stage/configuration/definition.yaml"
cp "$COMPOSITION" "$OUT/stage/configuration/composition.yaml"
cp "$MRAP" "$OUT/stage/configuration/managedresourceactivationpolicy.yaml"
shopt -s nullglob
for f in examples/*.yaml; do
	if grep -q '^kind: PlatformEnvironment$' "$f"; then cp "$f" "$OUT/stage/examples/"; fi
done
shopt -u nullglob
[[ -n $(ls -A "$OUT/stage/examples") ]] || { echo "package/build.sh: no PlatformEnvironment example in examples/*.yaml" >&2; exit 1; }
"$CROSSPLANE" xpkg build --package-root="$OUT/stage/configuration" --examples-root="$OUT/stage/examples" \
	-o "$OUT/$CONFIGURATION.xpkg"
echo "package/build.sh: $CONFIGURATION in $((SECONDS - t))s (depends on $REGISTRY/$FUNCTION >=$VERSION)"

printf 'REGISTRY=%q\nVERSION=%q\nPLATFORMS=%q\n' "$REGISTRY" "$VERSION" "$PLATFORMS" >"$OUT/build.env"
(cd "$OUT" && sha256sum -- *.xpkg >SHA256SUMS && cat SHA256SUMS)
echo "package/build.sh: all packages in $((SECONDS - t0))s"
