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

# A fuzz worker panics ("deadlocked!", exit status 2, no failing input) when one input takes over 10 s. The
# targets load the examples and the CRD validator before fuzzing (warmUp in fuzz_test.go), which was the slow
# first input under heavy load; a worker that still dies that way while the coordinator gathers baseline
# coverage is retried once. A failing input always fails the target, and every corpus input also runs in
# plain `go test`.
.PHONY: fuzz
fuzz: ## Fuzz RunFunction (spec and observed state), FUZZTIME per target.
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZTIME)"; \
		log=$$(mktemp); \
		$(GO) test $(FUZZ_PKG) -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -parallel 2 >$$log 2>&1; rc=$$?; \
		grep -v 'gathering baseline coverage' $$log | tail -n 40; \
		if [ $$rc -ne 0 ] && grep -q 'hung or terminated unexpectedly' $$log && ! grep -q 'Failing input written' $$log; then \
			echo "fuzz: $$t: a worker died without a failing input; retrying once"; \
			$(GO) test $(FUZZ_PKG) -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -parallel 2 >$$log 2>&1; rc=$$?; \
			grep -v 'gathering baseline coverage' $$log | tail -n 40; \
		fi; \
		rm -f $$log; \
		[ $$rc -eq 0 ] || exit $$rc; \
	done

TEST_EXTRA += fuzz
