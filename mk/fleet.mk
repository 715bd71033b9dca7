# Fleet scale (issue 18): N dev environments on the e2e control plane, walked to Ready and left at rest; requests
# per API-server user from an audit log, etcd writes from etcd's metrics. See test/e2e/fleet_test.go and
# docs/packaging.md "Fleet scale".
#
#   make fleet                                 N=1,3 with the harness's widened breaker, 2 minutes at rest
#   make fleet FLEET_N=1,5,10 FLEET_REST=3m    larger
#   make fleet FLEET_TTL=1m                    the function with the fixed one-minute TTL it had before ttl.go
#   make fleet E2E_CROSSPLANE_DEFAULTS=1       Crossplane's own circuit breaker
#
# Not part of `make test` or `make e2e`.
FLEET_N    ?= 1,3
FLEET_REST ?= 2m
FLEET_TTL  ?=

.PHONY: fleet
fleet: e2e-tools $(BIN)/function ## Measure N environments' cost on the e2e control plane (issue 18).
	FLEET=1 E2E_AUDIT=1 E2E_BUDGET=0 FLEET_N=$(FLEET_N) FLEET_REST=$(FLEET_REST) FLEET_TTL=$(FLEET_TTL) \
	E2E_BIN=$(E2E_BIN) FUNCTION_BIN=$(BIN)/function \
		$(GO) test ./test/e2e -tags e2e -count=1 -v -timeout 60m -run '^TestFleet$$'
