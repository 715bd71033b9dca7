# Benchmarks (issue 9): Go benchmarks of RunFunction per observed stage, and a loopback gRPC load test of the built
# function against an echo server (the protobuf/transport floor) and against function-patch-and-transform v0.5.0
# (the peer), in one table. See test/bench/ and the README's "Benchmarks" section.
#
#   make bench                      prints the table and writes it to _output/bench.txt
#   make bench BENCH_REQUESTS=400   more requests per server, stage and concurrency (default 200)
#
# Not part of `make test` (whose go-test target runs every Go benchmark once, -benchtime=1x, so they never rot).

BENCH_OUT      ?= $(ROOT)/_output/bench.txt
BENCH_WORK     ?= $(ROOT)/_output/bench
BENCH_EXAMPLE  ?= seed-production
BENCH_REQUESTS ?= 200
BENCH_ROUNDS   ?= 4
BENCH_CONC     ?= 1,16
BENCH_GOTIME   ?= 2s
BENCH_ECHO     := $(BIN)/bench-echo
BENCH_TOOL     := $(BIN)/bench
PEER           := $(BIN)/function-patch-and-transform

$(BENCH_ECHO): $(shell find test/bench -name '*.go' -not -name '*_test.go') go.mod go.sum
	@mkdir -p $(BIN)
	$(GO) build -o $@ ./test/bench/cmd/echo

$(BENCH_TOOL): $(shell find test/bench -name '*.go' -not -name '*_test.go') go.mod go.sum
	@mkdir -p $(BIN)
	$(GO) build -o $@ ./test/bench/cmd/bench

# The peer speaks the v1beta1 FunctionRunnerService and needs crossplane-runtime v1: its own wrapper module.
$(PEER): tools/function-patch-and-transform/go.mod tools/function-patch-and-transform/go.sum
	@mkdir -p $(BIN)
	cd tools/function-patch-and-transform && $(GO) build -o $(PEER) github.com/crossplane-contrib/function-patch-and-transform

.PHONY: bench
bench: $(BIN)/function $(BENCH_ECHO) $(BENCH_TOOL) $(PEER) ## Benchmark the function (Go benchmarks, gRPC load vs echo and peer) into _output/bench.txt.
	@mkdir -p $(BENCH_WORK)
	@echo "go test -bench BenchmarkRunFunction (-benchtime=$(BENCH_GOTIME)) > $(BENCH_WORK)/gobench.txt"
	@$(GO) test ./functions/platform-environment -run '^$$' -bench BenchmarkRunFunction -benchmem -benchtime=$(BENCH_GOTIME) -count=1 \
		>$(BENCH_WORK)/gobench.txt 2>&1 || { cat $(BENCH_WORK)/gobench.txt; exit 1; }
	$(BENCH_TOOL) --root=$(ROOT) --example=$(BENCH_EXAMPLE) --function=$(BIN)/function --echo=$(BENCH_ECHO) --peer=$(PEER) \
		--gobench=$(BENCH_WORK)/gobench.txt --requests=$(BENCH_REQUESTS) --rounds=$(BENCH_ROUNDS) --concurrency=$(BENCH_CONC) \
		--work=$(BENCH_WORK) --out=$(BENCH_OUT)
