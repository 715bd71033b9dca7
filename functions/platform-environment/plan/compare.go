package plan

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose/immutable"
)

// compare lists what changes from the old render to the new one (no objects: everything goes away).
//
// A resource a render kept as observed (compose.Assemble: no builder rendered it this pass, e.g. a superseded Job
// while its successor waits, the old node group during its replacement) is the live object sent back as it is:
// applying it changes nothing. So a resource the new render keeps is unchanged, and one the old render kept is
// compared on the fields the new render sets only — the rest of the live object (late-initialised parameters,
// managementPolicies and other API-server and provider defaults, the external-name annotation) is not Crossplane's
// to change. Comparing a fresh render with a kept live copy field by field showed defaults as changes and the
// external name as a blocked edit.
func compare(oldRender, newRender rendered, observed compose.Observed) View {
	oldDesired, newDesired := oldRender.objects, newRender.objects
	var created, gone []string
	v := View{Resources: []Resource{}}
	for n, nu := range newDesired {
		old, ok := oldDesired[n]
		if !ok {
			created = append(created, n)
			continue
		}
		if newRender.kept[n] {
			continue
		}
		if oldRender.kept[n] {
			old = setBy(old, nu)
		}
		if reflect.DeepEqual(old, nu) {
			continue
		}
		r := describe(n, nu, observed)
		r.Fields = diff(old, nu)
		r.Action = Update
		if ch := blocking(immutable.Changes(old, nu)); len(ch) > 0 {
			r.Action = Blocked
			r.Reason = reasons(ch)
			mark(r.Fields, ch)
		}
		v.Resources = append(v.Resources, r)
	}
	for n := range oldDesired {
		if _, ok := newDesired[n]; !ok {
			gone = append(gone, n)
		}
	}
	sort.Strings(created)
	sort.Strings(gone)

	// A replacement: a resource that goes away while another of its kind and composition-name stem is created
	// (nodes-group → nodes-group-<hash>, database-params-pg16 → database-params-pg17).
	replaced := map[string]bool{}
	for _, c := range created {
		nu := newDesired[c]
		r := describe(c, nu, observed)
		for _, g := range gone {
			old := oldDesired[g]
			if replaced[g] || !sameKind(old, nu) || !sameStem(g, c) {
				continue
			}
			replaced[g] = true
			r.Action, r.Replaces = Replace, g
			r.Fields = diff(old, nu)
			ch := causes(immutable.Changes(old, nu))
			mark(r.Fields, ch)
			r.Reason = reasons(ch)
			break
		}
		if r.Action == "" {
			r.Action = Create
		}
		v.Resources = append(v.Resources, r)
	}
	for _, g := range gone {
		if replaced[g] {
			continue
		}
		old := oldDesired[g]
		r := describe(g, old, observed)
		r.Action = Delete
		if compose.OrphansOnDelete(old) {
			r.Action = Orphan
			r.Reason = "deletion protection: managementPolicies without Delete leave it in AWS"
		}
		v.Resources = append(v.Resources, r)
	}
	for i := range v.Resources {
		r := &v.Resources[i]
		switch r.Action {
		case Create:
			v.Summary.Create++
		case Update:
			v.Summary.Update++
		case Replace:
			v.Summary.Replace++
		case Delete:
			v.Summary.Delete++
		case Orphan:
			v.Summary.Orphan++
		case Blocked:
			v.Summary.Blocked++
		}
		if r.Data && (r.Action == Delete || r.Action == Replace) {
			v.Summary.DataAtRisk++
		}
	}
	// Data at risk first, then by name.
	sort.SliceStable(v.Resources, func(i, j int) bool {
		a, b := v.Resources[i], v.Resources[j]
		if ra, rb := atRisk(a), atRisk(b); ra != rb {
			return ra
		}
		return a.Name < b.Name
	})
	return v
}

// setBy is live restricted to the fields desired sets: what an apply of desired can change. A list is compared
// whole (an apply replaces an atomic list).
func setBy(live, desired map[string]any) map[string]any {
	out := make(map[string]any, len(desired))
	for k, d := range desired {
		l, ok := live[k]
		if !ok {
			continue
		}
		lm, lok := l.(map[string]any)
		dm, dok := d.(map[string]any)
		if lok && dok {
			out[k] = setBy(lm, dm)
			continue
		}
		out[k] = l
	}
	return out
}

func atRisk(r Resource) bool { return r.Data && (r.Action == Delete || r.Action == Replace) }

// describe fills a resource's name, kind, AWS name and data-ness.
func describe(name string, obj map[string]any, observed compose.Observed) Resource {
	av, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group, _, _ := strings.Cut(av, "/")
	r := Resource{Name: name, Kind: group + "/" + kind, Data: compose.DataKinds[group+"/"+kind]}
	if kind == "Object" {
		if m, ok := compose.Lookup(obj, "spec.forProvider.manifest").(map[string]any); ok {
			r.Kind = fmt.Sprintf("%s/Object(%v)", group, m["kind"])
		}
	}
	for _, o := range []map[string]any{observed[name], obj} {
		if s, _ := compose.Lookup(o, "metadata.annotations["+immutable.ExternalNameAnnotation+"]").(string); s != "" {
			r.AWSName = s
			return r
		}
	}
	r.AWSName, _ = compose.Lookup(obj, "metadata.name").(string)
	return r
}

func sameKind(a, b map[string]any) bool {
	return a["apiVersion"] == b["apiVersion"] && a["kind"] == b["kind"]
}

// sameStem reports whether two composition resource names are versions of one resource: one is the other plus a
// "-<suffix>" (nodes-group → nodes-group-<hash>), or both share everything before their last hyphen and both last
// parts carry a digit, as hashes and versions do (database-params-pg16 → -pg17). apps-backend and apps-frontend are
// two resources, not one replaced.
func sameStem(a, b string) bool {
	if strings.HasPrefix(b, a+"-") || strings.HasPrefix(a, b+"-") {
		return true
	}
	i, j := strings.LastIndexByte(a, '-'), strings.LastIndexByte(b, '-')
	return i > 0 && j > 0 && a[:i] == b[:j] && strings.ContainsAny(a[i:], "0123456789") && strings.ContainsAny(b[j:], "0123456789")
}

// blocking drops what a resource that stays may change: nothing here, but a kind without a table row is no
// evidence of a refusal.
func blocking(ch []immutable.Change) []immutable.Change {
	var out []immutable.Change
	for _, c := range ch {
		if c.Reason != immutable.ReasonNoRow {
			out = append(out, c)
		}
	}
	return out
}

// causes are the changes that force a replacement: the fields AWS cannot update, not the new name that follows
// from them (a replacement always has a new name).
func causes(ch []immutable.Change) []immutable.Change {
	var out []immutable.Change
	for _, c := range blocking(ch) {
		if c.Path != "metadata.name" && !strings.Contains(c.Path, immutable.ExternalNameAnnotation) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return blocking(ch)
	}
	return out
}

func reasons(ch []immutable.Change) string {
	parts := make([]string, 0, len(ch))
	for _, c := range ch {
		parts = append(parts, fmt.Sprintf("%s (%s)", c.Path, c.Reason))
	}
	return strings.Join(parts, ", ")
}

// mark sets forcesReplacement on the fields at or below a change's path.
func mark(fields []Field, ch []immutable.Change) {
	for i := range fields {
		for _, c := range ch {
			p := c.Path
			if fields[i].Path == p || strings.HasPrefix(fields[i].Path, p+".") || strings.HasPrefix(fields[i].Path, p+"[") {
				fields[i].ForcesReplacement = true
			}
		}
	}
}

// diff lists the leaves (maps are walked, lists compared whole) that differ between two objects.
func diff(old, nu map[string]any) []Field {
	var out []Field
	walk("", old, nu, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func walk(path string, old, nu any, out *[]Field) {
	om, ook := old.(map[string]any)
	nm, nok := nu.(map[string]any)
	if ook && nok {
		for k, ov := range om {
			walk(join(path, k), ov, nm[k], out)
		}
		for k, nv := range nm {
			if _, ok := om[k]; !ok {
				walk(join(path, k), nil, nv, out)
			}
		}
		return
	}
	if reflect.DeepEqual(old, nu) {
		return
	}
	f := Field{Path: path, Old: old, New: nu}
	if nu == nil {
		f.Unset = true
	}
	*out = append(*out, f)
}

// join builds the dotted path of a map key; a key with a dot (an annotation) is bracketed, as immutable does.
func join(path, k string) string {
	if strings.ContainsAny(k, "./") {
		return path + "[" + k + "]"
	}
	if path == "" {
		return k
	}
	return path + "." + k
}
