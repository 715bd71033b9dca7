# End-to-end test on a real control plane (issue 6): etcd, kube-apiserver, kube-controller-manager, Crossplane core
# and our function, all inside `unshare -n` on loopback. See test/e2e/README.md.
#
#   make e2e-tools   build the pinned control-plane binaries into bin/e2e/
#   make e2e         e2e-tools + the function, then the Go test package test/e2e (build tag e2e)
#   make e2e-chaos   the chaos loop (issue 17.9, TestChaos): on demand only, in neither make test, make e2e nor CI

E2E_BIN := $(BIN)/e2e
# Built binaries are kept outside the clone, keyed by the wrapper's go.mod/go.sum, the ldflags and the Go version, so a
# fresh clone on the same machine links nothing (the Go build cache alone still costs ~1 min of linking per run).
E2E_TOOLS_CACHE ?= $(HOME)/.cache/platform-environment/e2e-tools
E2E_TIMEOUT ?= 40m
E2E_RUN ?= .

K8S_VERSION := v1.35.4
K8S_LDFLAGS := -X k8s.io/component-base/version.gitVersion=$(K8S_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35
CROSSPLANE_CORE_VERSION := v2.4.0
CROSSPLANE_CORE_LDFLAGS := -X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=$(CROSSPLANE_CORE_VERSION)

E2E_K8S_BINS := $(E2E_BIN)/kube-apiserver $(E2E_BIN)/kube-controller-manager $(E2E_BIN)/kubectl
E2E_TOOLS := $(E2E_K8S_BINS) $(E2E_BIN)/etcd $(E2E_BIN)/crossplane

# $(call e2e-build,<wrapper dir under tools/>,<ldflags>,<name>=<package> ...)
# Builds every package into the keyed cache directory unless it is already complete there, then hard-links (or
# copies) the binaries into bin/e2e/ and touches them so make sees them newer than the wrapper's go.sum.
# Each build writes into a directory of its own (mktemp) and renames it into place when complete, so two clones
# building at once do not write into each other's files; the first to finish wins (rename(2) refuses a non-empty
# target) and the other discards its copy. A directory without .complete (an interrupted older layout) is replaced.
define e2e-build
	@set -euo pipefail; \
	key=$$( { cat tools/$(1)/go.mod tools/$(1)/go.sum; echo '$(2)'; $(GO) version; } | sha256sum | cut -c1-16); \
	dir=$(E2E_TOOLS_CACHE)/$(1)-$$key; \
	if [ ! -f $$dir/.complete ]; then \
		echo "e2e-tools: building $(1) into $$dir"; start=$$(date +%s); \
		mkdir -p $(E2E_TOOLS_CACHE); tmp=$$(mktemp -d $$dir.tmp.XXXXXX); chmod 755 $$tmp; trap 'rm -rf "$$tmp"' EXIT; \
		for nv in $(3); do \
			(cd tools/$(1) && $(GO) build -ldflags '$(2)' -o $$tmp/$${nv%%=*} $${nv#*=}); \
		done; \
		touch $$tmp/.complete; \
		if ! mv -T $$tmp $$dir 2>/dev/null && [ ! -f $$dir/.complete ]; then rm -rf $$dir; mv -T $$tmp $$dir; fi; \
		echo "e2e-tools: built $(1) in $$(( $$(date +%s) - start ))s"; \
	fi; \
	mkdir -p $(E2E_BIN); \
	for nv in $(3); do n=$${nv%%=*}; ln -f $$dir/$$n $(E2E_BIN)/$$n 2>/dev/null || cp -f $$dir/$$n $(E2E_BIN)/$$n; touch $(E2E_BIN)/$$n; done
endef

# One `go build` per binary: building the three Kubernetes commands in one invocation peaks at ~2.4 GB; separately
# they share the build cache, so the second and third cost mostly linking.
$(E2E_K8S_BINS) &: tools/kubernetes/go.mod tools/kubernetes/go.sum
	$(call e2e-build,kubernetes,$(K8S_LDFLAGS),kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager kubectl=k8s.io/kubernetes/cmd/kubectl)

$(E2E_BIN)/etcd: tools/etcd/go.mod tools/etcd/go.sum
	$(call e2e-build,etcd,,etcd=go.etcd.io/etcd/server/v3)

$(E2E_BIN)/crossplane: tools/crossplane-core/go.mod tools/crossplane-core/go.sum
	$(call e2e-build,crossplane-core,$(CROSSPLANE_CORE_LDFLAGS),crossplane=github.com/crossplane/crossplane/v2/cmd/crossplane)

.PHONY: e2e-tools
e2e-tools: $(E2E_TOOLS) ## Build the control-plane binaries for the end-to-end test into bin/e2e/.

.PHONY: e2e
e2e: e2e-tools $(BIN)/function ## Run the end-to-end test on a real control plane (needs unshare -n, i.e. root).
	E2E_BIN=$(E2E_BIN) FUNCTION_BIN=$(BIN)/function \
		$(GO) test ./test/e2e -tags e2e -count=1 -v -timeout $(E2E_TIMEOUT) -run '$(E2E_RUN)'

# The chaos loop (test/e2e/chaos_test.go): for CHAOS_DURATION, random SIGKILLs of the function, Crossplane core and
# the API server during seed and dev walks and teardowns. CHAOS_SEED=<n> replays a run's choices (it prints its seed).
CHAOS_DURATION ?= 15m
CHAOS_SEED ?=
E2E_CHAOS_TIMEOUT ?= 60m

.PHONY: e2e-chaos
e2e-chaos: e2e-tools $(BIN)/function ## Run the chaos loop on the e2e control plane (CHAOS_DURATION=15m, CHAOS_SEED=<n>).
	E2E_CHAOS=1 CHAOS_DURATION=$(CHAOS_DURATION) CHAOS_SEED=$(CHAOS_SEED) E2E_BUDGET=0 \
		E2E_BIN=$(E2E_BIN) FUNCTION_BIN=$(BIN)/function \
		$(GO) test ./test/e2e -tags e2e -count=1 -v -timeout $(E2E_CHAOS_TIMEOUT) -run '^TestChaos$$'
