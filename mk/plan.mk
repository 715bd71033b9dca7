# The plan CLI (docs/plan.md): what an edit of a PlatformEnvironment will do, offline.
#   make plan NEW=<xr.yaml> [OLD=<xr.yaml>] [OBSERVED=<file>] [PLAN_FORMAT=text|json|markdown]
# OBSERVED counts only when given (command line or environment): the Makefile's default is the render target's
# (the example's ready stage), and `make plan NEW=x.yaml` alone plans a new environment.

PLAN_FORMAT   ?= text
PLAN_OBSERVED := $(if $(filter command line environment,$(origin OBSERVED)),$(OBSERVED))

$(BIN)/penv: $(FUNCTION_SOURCES) go.mod go.sum
	@mkdir -p $(BIN)
	$(GO) build -o $@ ./functions/platform-environment/cmd/penv

.PHONY: penv
penv: $(BIN)/penv ## Build the plan CLI (bin/penv).

.PHONY: plan
plan: $(BIN)/penv ## Plan an edit: NEW=<xr.yaml> [OLD=<xr.yaml>] [OBSERVED=<file>] (exit 2: changes, 3: needs a human).
	@test -n "$(NEW)" || { echo "make plan: set NEW=<xr.yaml> (and OLD=, OBSERVED= for a live environment)" >&2; exit 1; }
	@$(BIN)/penv plan --new "$(NEW)" $(if $(OLD),--old "$(OLD)") $(if $(PLAN_OBSERVED),--observed "$(PLAN_OBSERVED)") -o $(PLAN_FORMAT)
