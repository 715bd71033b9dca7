// Package upgrade checks that a function upgrade is no hidden edit. Existing environments get the new function's
// output at their next reconcile, with the spec unchanged: a table field (what AWS or Kubernetes cannot update in
// place, compose/immutable) that renders differently from the previous release leaves the resource Synced=False
// forever, and a changed metadata.name or external name creates a second resource and leaks the first. So each
// example's ready golden (test/golden/<example>/ready.yaml, everything observed Ready) is compared with the previous
// release's (testdata/previous-release/<example>/ready.yaml): every composed resource rendered by both must agree on
// every table field, and every resource of the previous release must still be rendered, unless declaredReplacements
// names it. docs/day2-table.md says how to refresh the baseline at a release.
package upgrade

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose/immutable"
	"github.com/cloudpartner/platform-environment/test/clirender"
)

var examples = []string{"seed-production", "dev", "prod"}

// declaredReplacement is a change of a table field between releases that the new release replaces on purpose (a new
// composition resource and metadata.name, the old one kept until its successor has taken over) or that the release
// notes tell operators about. Path is the change's path as immutable.Changes reports it ("metadata.name",
// "spec.forProvider.description", ...); "retired" declares that the resource is no longer rendered.
type declaredReplacement struct {
	example, resource, path, reason string
}

// declaredReplacements are this release's replacements of what the previous one rendered (docs/release-notes.md).
var declaredReplacements = []declaredReplacement{
	// The smoke-test and migration Jobs are named after their template now (a Job's template is immutable): the
	// release's Job of each rollout has a new name, runs once more, and the earlier one is retired once it renders.
	{"seed-production", "apps-smoke-test-7bfac5f85d", "retired", "smoke-test Jobs are named per template: it runs once more under a new name"},
	{"seed-production", "apps-app-backend-migration-a4032c5f78", "retired", "migration Jobs are named per template: it runs once more under a new name"},
	{"dev", "apps-smoke-test-588b177728", "retired", "smoke-test Jobs are named per template: it runs once more under a new name"},
	{"prod", "apps-smoke-test-31066988dd", "retired", "smoke-test Jobs are named per template: it runs once more under a new name"},
	// Database TLS verified (issue 15.9): the Deployments mount the RDS CA bundle, a new rollout, so its load test
	// (named per rollout) runs under a new name.
	{"seed-production", "apps-load-test-88f797f5a4", "retired", "the load test is named per rollout: the CA bundle mount is a new rollout"},
	{"seed-production", "apps-load-test-88f797f5a4-script", "retired", "the load test is named per rollout: the CA bundle mount is a new rollout"},
}

func declared(example, resource, path string) bool {
	for _, d := range declaredReplacements {
		if d.example == example && d.resource == resource && d.path == path {
			return true
		}
	}
	return false
}

// TestUpgradeChangesNoTableField compares each example's ready golden with the previous release's.
func TestUpgradeChangesNoTableField(t *testing.T) {
	used := map[declaredReplacement]bool{}
	for _, ex := range examples {
		t.Run(ex, func(t *testing.T) {
			prev := clirender.Composed(t, filepath.Join("testdata", "previous-release", ex, "ready.yaml"))
			cur := clirender.Composed(t, filepath.Join(clirender.Root(), "test", "golden", ex, "ready.yaml"))
			names := make([]string, 0, len(prev))
			for n := range prev {
				names = append(names, n)
			}
			sort.Strings(names)
			compared := 0
			for _, n := range names {
				c, ok := cur[n]
				if !ok {
					// Crossplane deletes what desired state omits: an upgrade that stops rendering a resource retires it.
					if declared(ex, n, "retired") {
						markUsed(used, ex, n, "retired")
						continue
					}
					t.Errorf("%s (%v): rendered by the previous release, not by this one: Crossplane would delete it; declare it in declaredReplacements (path \"retired\") if that is meant", n, prev[n]["kind"])
					continue
				}
				compared++
				for _, ch := range immutable.Changes(prev[n], c) {
					if declared(ex, n, ch.Path) {
						markUsed(used, ex, n, ch.Path)
						continue
					}
					t.Errorf("%s (%v): %s changed since the previous release (%s): %v → %v; AWS or Kubernetes cannot update it in place — "+
						"render the old value for existing resources, or replace the resource (new composition resource name and metadata.name) and declare it in declaredReplacements",
						n, c["kind"], ch.Path, ch.Reason, values(ch.Old), values(ch.New))
				}
			}
			t.Logf("%s: %d resources of the previous release compared, %d rendered now", ex, compared, len(cur))
		})
	}
	for _, d := range declaredReplacements {
		if !used[d] {
			t.Errorf("declaredReplacements: %s %s %s no longer differs from the baseline: remove the entry (or refresh the baseline, docs/day2-table.md)", d.example, d.resource, d.path)
		}
	}
}

func markUsed(used map[declaredReplacement]bool, example, resource, path string) {
	for _, d := range declaredReplacements {
		if d.example == example && d.resource == resource && d.path == path {
			used[d] = true
		}
	}
}

func values(m map[string]any) string {
	if len(m) == 0 {
		return "(unset)"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, m[k]))
	}
	return strings.Join(parts, " ")
}
