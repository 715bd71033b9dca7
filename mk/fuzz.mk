# Fuzzing (issue 8): RunFunction over random specs and random observed states. See docs/security.md.
#
#   make fuzz                      each fuzz target for FUZZTIME (default 30s; two targets, about a minute)
#   make fuzz FUZZTIME=10m         longer, e.g. before a release
#
# `go test ./...` (so `make test`) already runs every committed corpus input once, with full CRD validation;
# this target searches for new inputs. A failing input is written to
# functions/platform-environment/testdata/fuzz/<target>/: read it, fix the function, commit the input.
# The first run builds the coverage-instrumented test binary (minutes on two cores); later runs reuse the
# build cache.

FUZZTIME ?= 30s
FUZZ_PKG := ./functions/platform-environment/
FUZZ_TARGETS := FuzzRunFunction FuzzObserved

.PHONY: fuzz
fuzz: ## Fuzz RunFunction (spec and observed state), FUZZTIME per target.
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZTIME)"; \
		$(GO) test $(FUZZ_PKG) -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -parallel 2; \
	done

TEST_EXTRA += fuzz
