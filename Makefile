# PlatformEnvironment — one entry point for building, rendering and testing.
# Topic-specific targets live in mk/*.mk (e2e, packaging, bench, ...); they append to TEST_EXTRA
# to have `make test` run their checks too.

SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT       := $(abspath .)
BIN        := $(ROOT)/bin
GO         ?= go
CROSSPLANE := $(BIN)/crossplane
CROSSPLANE_VERSION := v2.2.1

EXAMPLE  ?= examples/seed-production.yaml
# OBSERVED defaults to the example's last golden stage (everything observed and Ready). Set OBSERVED=
# (empty) for the first reconcile, or to any observed-state file. Files outside examples/ default to empty.
OBSERVED ?= $(if $(filter examples/%.yaml,$(EXAMPLE)),$(patsubst examples/%.yaml,test/observed/%/ready.yaml,$(EXAMPLE)))
# FUNCTION_ADDRESS: where the local function listens; empty picks a free loopback port.
FUNCTION_ADDRESS ?=

TEST_EXTRA :=
# Embedded tables (prices, the day-2 table, the XRD) are inputs too: a yaml-only edit must rebuild the binary.
FUNCTION_SOURCES := $(shell find functions apis \( -name '*.go' -not -name '*_test.go' \) -o \( -name '*.yaml' -not -path '*/testdata/*' \))
# Included before the rules below so that their TEST_EXTRA additions reach `test`.
-include mk/*.mk


.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(CROSSPLANE): tools/crossplane-cli/go.mod tools/crossplane-cli/go.sum
	@mkdir -p $(BIN)
	cd tools/crossplane-cli && $(GO) build -ldflags "-X github.com/crossplane/crossplane/v2/internal/version.version=$(CROSSPLANE_VERSION)" -o $(CROSSPLANE) github.com/crossplane/crossplane/v2/cmd/crank

.PHONY: tools
tools: $(CROSSPLANE) ## Build the pinned CLIs into bin/.

$(BIN)/function: $(FUNCTION_SOURCES) go.mod go.sum
	@mkdir -p $(BIN)
	$(GO) build -o $@ ./functions/platform-environment

.PHONY: function
function: $(BIN)/function ## Build the composition function binary.

.PHONY: generate
generate: ## Regenerate the XRD (apis/definition.yaml) from the Go types.
	$(GO) run ./apis/generate

.PHONY: render
render: $(CROSSPLANE) $(BIN)/function ## Render EXAMPLE (default: the seed) at OBSERVED (default: everything Ready).
	@scripts/render.sh "$(CROSSPLANE)" "$(BIN)/function" "$(EXAMPLE)" "$(OBSERVED)" "$(FUNCTION_ADDRESS)"

.PHONY: golden
golden: $(CROSSPLANE) $(BIN)/function ## Rewrite the render golden files (read every diff before committing).
	UPDATE_GOLDEN=1 $(GO) test ./functions/platform-environment/ -run TestObservedStages -count=1
	UPDATE_GOLDEN=1 CROSSPLANE=$(CROSSPLANE) FUNCTION_BIN=$(BIN)/function $(GO) test ./test/golden/ -run TestRenderGolden -count=1

.PHONY: go-test
go-test: $(CROSSPLANE) $(BIN)/function
	CROSSPLANE=$(CROSSPLANE) FUNCTION_BIN=$(BIN)/function $(GO) test ./... -count=1
	$(GO) test ./... -run '^$$' -bench . -benchtime=1x -count=1

.PHONY: test
test: go-test $(TEST_EXTRA) ## Run every test.

