package checks

import (
	"maps"
	"slices"
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// testRun is the state of the current rollout's test Job (current), or, while it does not exist yet, of
// the one there is.
func (b *builder) testRun(prefix, jobPrefix, current string) *v1alpha1.TestRunStatus {
	n := ""
	if current != "" && b.Env.Observed.Exists(current) {
		n = current
	} else {
		for _, o := range slices.Sorted(maps.Keys(b.Env.Observed)) {
			if strings.HasPrefix(o, prefix) && !strings.HasSuffix(o, "-script") {
				n = o
				break
			}
		}
	}
	if n == "" {
		return nil
	}
	phase, msg := b.JobPhase(n)
	job := jobPrefix + n[len(prefix):]
	if m, ok := b.ObservedManifest(n); ok {
		if md, ok := m["metadata"].(map[string]any); ok {
			if s, ok := md["name"].(string); ok {
				job = s
			}
		}
	}
	return &v1alpha1.TestRunStatus{Job: job, Phase: phase, Message: msg}
}
