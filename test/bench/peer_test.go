package bench

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/crossplane/crossplane-runtime/v2/pkg/fieldpath"
	"github.com/google/go-cmp/cmp"
)

func TestFieldPath(t *testing.T) {
	cases := map[string]struct {
		reason string
		path   []string
		want   string
	}{
		"Simple": {
			reason: "Plain names are joined by periods.",
			path:   []string{"spec", "forProvider", "region"},
			want:   "spec.forProvider.region",
		},
		"Index": {
			reason: "Array indexes follow their field without a period.",
			path:   []string{"spec", "forProvider", "subnetIdRefs", "[1]", "name"},
			want:   "spec.forProvider.subnetIdRefs[1].name",
		},
		"Slashes": {
			reason: "A name with periods or slashes goes in brackets.",
			path:   []string{"spec", "forProvider", "tags", "kubernetes.io/role/elb"},
			want:   "spec.forProvider.tags[kubernetes.io/role/elb]",
		},
		"LeadingBracket": {
			reason: "A bracketed name at the start has no period before it.",
			path:   []string{"a.b", "c"},
			want:   "[a.b].c",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := fieldPath(tc.path)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nfieldPath(...): -want, +got:\n%s", tc.reason, diff)
			}
			// And crossplane-runtime reads it back as the same segments.
			seg, err := fieldpath.Parse(got)
			if err != nil {
				t.Fatalf("fieldpath.Parse(%q): %v", got, err)
			}
			var back []string
			for _, s := range seg {
				if s.Type == fieldpath.SegmentIndex {
					back = append(back, "["+strconv.FormatUint(uint64(s.Index), 10)+"]")
					continue
				}
				back = append(back, s.Field)
			}
			if diff := cmp.Diff(tc.path, back); diff != "" {
				t.Errorf("%s\nfieldpath.Parse(%q): -want, +got:\n%s", tc.reason, got, diff)
			}
		})
	}
}

func TestPatchable(t *testing.T) {
	cases := map[string]struct {
		reason string
		path   []string
		want   bool
	}{
		"Plain":   {reason: "Names and indexes can be written.", path: []string{"spec", "[0]", "x"}, want: true},
		"Numeric": {reason: "A numeric map key would read as an index.", path: []string{"data", "443"}, want: false},
		"Quote":   {reason: "Quotes are trimmed from bracketed names.", path: []string{"a", `"b"`}, want: false},
		"Bracket": {reason: "A bracket inside a name ends the segment.", path: []string{"a", "b]c"}, want: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := patchable(tc.path); got != tc.want {
				t.Errorf("%s\npatchable(%q) = %t, want %t", tc.reason, tc.path, got, tc.want)
			}
		})
	}
}

func TestStripRenderMetadata(t *testing.T) {
	rendered := map[string]any{
		"apiVersion": "ec2.aws.m.upbound.io/v1beta1",
		"kind":       "VPC",
		"metadata": map[string]any{
			"name":            "prod-network-vpc",
			"namespace":       "cloud-consulting",
			"annotations":     map[string]any{annotationResourceName: "network-vpc"},
			"labels":          map[string]any{labelComposite: "prod", "team": "a"},
			"ownerReferences": []any{map[string]any{"kind": "PlatformEnvironment"}},
		},
		"spec": map[string]any{"forProvider": map[string]any{"region": "us-east-1"}},
	}
	want := map[string]any{
		"apiVersion": "ec2.aws.m.upbound.io/v1beta1",
		"kind":       "VPC",
		"metadata": map[string]any{
			"name":   "prod-network-vpc",
			"labels": map[string]any{"team": "a"},
		},
		"spec": map[string]any{"forProvider": map[string]any{"region": "us-east-1"}},
	}
	if diff := cmp.Diff(want, StripRenderMetadata(rendered)); diff != "" {
		t.Errorf("StripRenderMetadata(...): -want, +got:\n%s", diff)
	}
	if _, ok := rendered["metadata"].(map[string]any)["ownerReferences"]; !ok {
		t.Error("StripRenderMetadata modified its input")
	}
}

// TestNewPeerInput generates the peer's Composition from the committed golden render of the seed and checks
// that it composes every golden resource and that every patch copies, from the request's XR, exactly the
// value the base already holds — so the peer's output is our render.
func TestNewPeerInput(t *testing.T) {
	root := repoRoot()
	req, err := Request(filepath.Join(root, "apis", "definition.yaml"), filepath.Join(root, "examples", "seed-production.yaml"),
		filepath.Join(root, "test", "observed", "seed-production", "ready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	golden, err := ReadStream(filepath.Join(root, "test", "golden", "seed-production", "ready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	xr := req.GetObserved().GetComposite().GetResource().AsMap()
	in, err := NewPeerInput(golden, xr)
	if err != nil {
		t.Fatal(err)
	}
	if in.Resources != len(golden)-1 {
		t.Errorf("templates: got %d, want one per composed resource of the golden (%d)", in.Resources, len(golden)-1)
	}
	if in.Patches == 0 {
		t.Error("no FromCompositeFieldPath patches: the seed's region alone should give one per regional resource")
	}
	pxr := fieldpath.Pave(xr)
	patches := 0
	for _, r := range in.Input["resources"].([]any) {
		tmpl := r.(map[string]any)
		base := fieldpath.Pave(tmpl["base"].(map[string]any))
		ps, _ := tmpl["patches"].([]any)
		for _, p := range ps {
			p := p.(map[string]any)
			patches++
			from, err := pxr.GetValue(p["fromFieldPath"].(string))
			if err != nil {
				t.Fatalf("%s: from %s: %v", tmpl["name"], p["fromFieldPath"], err)
			}
			to, err := base.GetValue(p["toFieldPath"].(string))
			if err != nil {
				t.Fatalf("%s: to %s: %v", tmpl["name"], p["toFieldPath"], err)
			}
			if from != to {
				t.Errorf("%s: patch %s → %s copies %v over %v", tmpl["name"], p["fromFieldPath"], p["toFieldPath"], from, to)
			}
		}
	}
	if patches != in.Patches {
		t.Errorf("counted %d patches, PeerInput says %d", patches, in.Patches)
	}
}
