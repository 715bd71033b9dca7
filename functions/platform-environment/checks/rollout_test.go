package checks

import (
	"testing"
)

func TestSameManifest(t *testing.T) {
	rendered := map[string]any{"spec": map[string]any{"replicas": int32(3), "volumes": []any{map[string]any{"name": "tmp", "emptyDir": map[string]any{}}}, "env": []any{}}}
	cases := map[string]struct {
		observed map[string]any
		want     bool
	}{
		"as rendered, numbers read back as float64": {map[string]any{"spec": map[string]any{"replicas": 3.0, "volumes": []any{map[string]any{"name": "tmp", "emptyDir": map[string]any{}}}, "env": []any{}}}, true},
		"empty objects, lists and nulls dropped":    {map[string]any{"spec": map[string]any{"replicas": 3.0, "volumes": []any{map[string]any{"name": "tmp"}}, "strategy": nil}}, true},
		"a value changed":                           {map[string]any{"spec": map[string]any{"replicas": 4.0, "volumes": []any{map[string]any{"name": "tmp"}}}}, false},
		"a field added":                             {map[string]any{"spec": map[string]any{"replicas": 3.0, "volumes": []any{map[string]any{"name": "tmp"}}, "paused": true}}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := sameManifest(tc.observed, rendered); got != tc.want {
				t.Errorf("sameManifest() = %v, want %v", got, tc.want)
			}
		})
	}
}
