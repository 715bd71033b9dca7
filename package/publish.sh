#!/usr/bin/env bash
# Pushes the packages package/build.sh wrote into OUT (`make publish REGISTRY=... VERSION=...` runs both):
#
#   REGISTRY/function-platform-environment:VERSION       one OCI index over the per-platform Function packages
#   REGISTRY/configuration-platform-environment:VERSION  the Configuration package
#
# `crossplane xpkg push -f a.xpkg,b.xpkg` combines per-platform packages into a multi-platform index as it pushes.
# Credentials come from the Docker config (~/.docker/config.json), as for any registry client. Not run in CI.
set -euo pipefail

OUT=${1:?usage: package/publish.sh OUTPUT_DIR}
CROSSPLANE=${CROSSPLANE:?set CROSSPLANE to the crossplane CLI (make tools)}
REGISTRY=${REGISTRY:?set REGISTRY, e.g. REGISTRY=ghcr.io/cloudpartner}
VERSION=${VERSION:?set VERSION, e.g. VERSION=v0.1.0}

FUNCTION=function-platform-environment
CONFIGURATION=configuration-platform-environment

# The Configuration names the function package it depends on: refuse to push one built for another registry.
[[ -f $OUT/build.env ]] || { echo "package/publish.sh: no $OUT/build.env; run make xpkg first" >&2; exit 1; }
# shellcheck disable=SC1091
built_registry=$(. "$OUT/build.env" && echo "$REGISTRY")
built_version=$(. "$OUT/build.env" && echo "$VERSION")
platforms=$(. "$OUT/build.env" && echo "$PLATFORMS")
if [[ $built_registry != "$REGISTRY" || $built_version != "$VERSION" ]]; then
	echo "package/publish.sh: packages were built for REGISTRY=$built_registry VERSION=$built_version;" \
		"rebuild with make xpkg REGISTRY=$REGISTRY VERSION=$VERSION" >&2
	exit 1
fi
(cd "$OUT" && sha256sum -c SHA256SUMS)

files=()
for arch in $platforms; do files+=("$OUT/$FUNCTION-$arch.xpkg"); done
# Push the function first: installing the Configuration resolves its dependency on it.
"$CROSSPLANE" xpkg push -f "$(IFS=,; echo "${files[*]}")" "$REGISTRY/$FUNCTION:$VERSION"
"$CROSSPLANE" xpkg push -f "$OUT/$CONFIGURATION.xpkg" "$REGISTRY/$CONFIGURATION:$VERSION"
echo "package/publish.sh: pushed $REGISTRY/$FUNCTION:$VERSION ($platforms) and $REGISTRY/$CONFIGURATION:$VERSION"
