# Packaging (issue 7): Function and Configuration xpkgs built offline, without Docker, reproducibly. See docs/packaging.md.
#
#   make xpkg                       Function xpkg per platform + Configuration xpkg into _output/
#   make xpkg-test                  build twice, compare every package's sha256, inspect their contents, publish them to
#                                   an in-memory registry on loopback and read the multi-platform index back (in `make test`)
#   make mrap                       regenerate the ManagedResourceActivationPolicy from the render goldens
#   make publish REGISTRY=... VERSION=...   build for REGISTRY and push (one multi-platform index for the function)

XPKG_OUT   ?= $(ROOT)/_output
REGISTRY   ?= ghcr.io/cloudpartner
VERSION    ?= v0.1.0
IMAGE_TOOL := $(BIN)/image
# An in-memory OCI registry on loopback, for testing `make publish` end to end (tools/image/registry).
REGISTRY_TOOL := $(BIN)/oci-registry

# The image builder is its own module (tools/image) so go-containerregistry stays out of the project's go.mod.
$(IMAGE_TOOL): tools/image/go.mod tools/image/go.sum tools/image/main.go
	@mkdir -p $(BIN)
	cd tools/image && $(GO) build -trimpath -o $(IMAGE_TOOL) .

$(REGISTRY_TOOL): tools/image/go.mod tools/image/go.sum tools/image/registry/main.go
	@mkdir -p $(BIN)
	cd tools/image && $(GO) build -trimpath -o $(REGISTRY_TOOL) ./registry

.PHONY: xpkg
xpkg: $(CROSSPLANE) $(IMAGE_TOOL) ## Build the Function (linux/amd64, linux/arm64) and Configuration packages into _output/.
	GO=$(GO) CROSSPLANE=$(CROSSPLANE) IMAGE_TOOL=$(IMAGE_TOOL) REGISTRY=$(REGISTRY) VERSION=$(VERSION) \
		package/build.sh $(XPKG_OUT)

.PHONY: xpkg-test
xpkg-test: $(CROSSPLANE) $(IMAGE_TOOL) $(REGISTRY_TOOL) ## Build all packages twice (sha256 must match), inspect them, publish to a loopback registry.
	XPKG_REPRODUCIBLE=1 CROSSPLANE=$(CROSSPLANE) IMAGE_TOOL=$(IMAGE_TOOL) REGISTRY_TOOL=$(REGISTRY_TOOL) \
		$(GO) test ./test/packaging/ -run 'TestReproducibleBuild|TestPublish' -count=1 -v -timeout 45m

TEST_EXTRA += xpkg-test

.PHONY: mrap
mrap: ## Regenerate package/configuration/managedresourceactivationpolicy.yaml from test/golden.
	$(GO) run ./package/mrap/gen -goldens test/golden -o package/configuration/managedresourceactivationpolicy.yaml

.PHONY: publish
publish: ## Build for REGISTRY and VERSION, then push (function as one multi-platform index). Not run in CI.
	@test -n "$(filter command line,$(origin REGISTRY))" || { echo "publish: give REGISTRY=<registry/org> on the command line"; exit 1; }
	$(MAKE) xpkg REGISTRY=$(REGISTRY) VERSION=$(VERSION)
	CROSSPLANE=$(CROSSPLANE) REGISTRY=$(REGISTRY) VERSION=$(VERSION) package/publish.sh $(XPKG_OUT)
