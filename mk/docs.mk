# Documentation (issue 7): the app teams' field reference, generated from the XRD. See docs/app-teams.md.
#
#   make docs    regenerate docs/reference.md from apis/definition.yaml (after `make generate`)
#
# apis/docgen's tests (part of `go test ./...`, so of `make test`) fail while docs/reference.md is stale, while a
# field of the XRD has no row, while a link of the reference or of docs/app-teams.md points nowhere, or while
# docs/app-teams.md names a spec/status field the XRD does not have.

.PHONY: docs
docs: ## Regenerate docs/reference.md (the field reference) from the XRD.
	$(GO) run ./apis/docgen
