package apps

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// usage renders a Crossplane Usage: while the composed resource `by` exists, the composed resource `of`
// cannot be deleted (Crossplane's admission webhook refuses it), and once `by` is gone the blocked
// deletion is replayed. Both live in the environment's namespace. A Usage can only be created when both
// exist (Crossplane resolves them to add its in-use label), so it waits for them; once it exists and one
// of them cannot be read, it is not rendered and stays as observed while the spec wants it.
func (b *builder) usage(name, of, by string) compose.Result {
	var res compose.Result
	ofRef, ofOK := b.reference(of)
	byRef, byOK := b.reference(by)
	if !res.Gate(b.env.Observed, name, compose.Needs(ofOK, of+" to exist"), compose.Needs(byOK, by+" to exist")) {
		return res
	}
	res.Add(b.env.New(name, usageAPI, "Usage").Spec(map[string]any{"of": ofRef, "by": byRef, "replayDeletion": true}))
	return res
}

// reference is a Usage's reference to an observed composed resource: its apiVersion, kind and name.
func (b *builder) reference(name string) (map[string]any, bool) {
	apiVersion, ok1 := b.env.Observed.String(name, "apiVersion")
	kind, ok2 := b.env.Observed.String(name, "kind")
	if !ok1 || !ok2 {
		return nil, false
	}
	return map[string]any{
		"apiVersion":  apiVersion,
		"kind":        kind,
		"resourceRef": map[string]any{"name": b.env.ResourceName(name)},
	}, true
}
