package immutable

import (
	"path/filepath"
	"testing"
)

// goldenStages reads one example's golden stages: composition resource name → desired object, per stage.
func goldenStages(t *testing.T, example string) map[string]map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]map[string]any{}
	for _, stage := range stageOrder {
		m := map[string]map[string]any{}
		for _, o := range readObjects(t, filepath.Join(repoRoot(t), "test", "golden", example, stage+".yaml")) {
			if n := str(asMap(asMap(o["metadata"])["annotations"]), "crossplane.io/composition-resource-name"); n != "" {
				m[n] = o
			}
		}
		if len(m) == 0 {
			t.Fatalf("test/golden/%s/%s.yaml holds no composed resource", example, stage)
		}
		out[stage] = m
	}
	return out
}

var (
	examples   = []string{"dev", "prod", "seed-production"}
	stageOrder = []string{"empty", "network", "cluster", "ready"}
)

// TestStagesChangeNoTableField: bringing an environment up is no edit. From one observed stage to the next, a
// composed resource that stays desired must not change a field AWS or Kubernetes cannot update, its name or its
// external name; if it did, the stage would leave it Synced=False (or leak it) halfway through creation.
func TestStagesChangeNoTableField(t *testing.T) {
	for _, ex := range examples {
		stages := goldenStages(t, ex)
		for i := 0; i+1 < len(stageOrder); i++ {
			from, to := stageOrder[i], stageOrder[i+1]
			shared := 0
			for name, old := range stages[from] {
				nw, ok := stages[to][name]
				if !ok {
					continue
				}
				shared++
				for _, c := range Changes(old, nw) {
					t.Errorf("%s %s → %s: %s changes %s (%s): %v → %v", ex, from, to, name, c.Path, c.Reason, c.Old, c.New)
				}
			}
			if shared == 0 {
				t.Errorf("%s %s → %s: no composition resource in both stages", ex, from, to)
			}
		}
	}
}

// TestChangesOnGoldenObjects edits real rendered objects the way the broken edits do, and expects the change
// to be seen.
func TestChangesOnGoldenObjects(t *testing.T) {
	ready := goldenStages(t, "seed-production")["ready"]
	cases := map[string]struct {
		kind     string
		manifest string // the manifest kind, for an Object
		edit     func(o map[string]any)
		want     change
	}{
		"node group instance types": {
			kind: "NodeGroup",
			edit: func(o map[string]any) { forProviderOf(o)["instanceTypes"] = []any{"m7i.xlarge"} },
			want: change{"spec.forProvider.instanceTypes", ReasonForceNew},
		},
		"target group port": {
			kind: "LBTargetGroup",
			edit: func(o map[string]any) { forProviderOf(o)["port"] = 9090 },
			want: change{"spec.forProvider.port", ReasonForceNew},
		},
		"health check request interval": {
			kind: "HealthCheck",
			edit: func(o map[string]any) { forProviderOf(o)["requestInterval"] = 10 },
			want: change{"spec.forProvider.requestInterval", ReasonForceNew},
		},
		"zone name": {
			kind: "Zone",
			edit: func(o map[string]any) { forProviderOf(o)["name"] = "example.org" },
			want: change{"spec.forProvider.name", ReasonForceNew},
		},
		"a smoke-test Job's template": {
			kind: "Object", manifest: "Job",
			edit: func(o map[string]any) {
				tmpl := asMap(asMap(asMap(forProviderOf(o)["manifest"])["spec"])["template"])
				tmpl["metadata"] = map[string]any{"labels": map[string]any{"rollout": "2"}}
			},
			want: change{"spec.forProvider.manifest.spec.template", ReasonImmutable},
		},
		"a ProviderConfig moves": {
			kind: "VPC",
			edit: func(o map[string]any) {
				asMap(o["spec"])["providerConfigRef"] = map[string]any{"kind": "ProviderConfig", "name": "other"}
			},
			want: change{"spec.providerConfigRef", ReasonIdentity},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var old map[string]any
			for _, o := range ready {
				if o["kind"] == tc.kind && (tc.manifest == "" || str(forProviderOf(o)["manifest"], "kind") == tc.manifest) {
					old = o
					break
				}
			}
			if old == nil {
				t.Fatalf("no %s in the seed's ready golden", tc.kind)
			}
			nw := canonical(old).(map[string]any)
			tc.edit(nw)
			got := Changes(old, nw)
			if len(got) != 1 || got[0].Path != tc.want.Path || got[0].Reason != tc.want.Reason {
				t.Errorf("Changes() = %+v, want one %+v", got, tc.want)
			}
		})
	}
}

func forProviderOf(o map[string]any) map[string]any { return asMap(asMap(o["spec"])["forProvider"]) }
