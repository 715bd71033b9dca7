package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTagsFor(t *testing.T) {
	cases := map[string]struct {
		reason    string
		spec      map[string]string
		component string
		want      map[string]any
	}{
		"OwnershipOnly": {
			reason:    "Without spec tags a resource carries the three ownership tags.",
			component: "nodes",
			want:      map[string]any{"environment": "team/prod", "component": "nodes", "managed-by": "crossplane"},
		},
		"SpecTagsAdded": {
			reason:    "The spec's tags come along.",
			spec:      map[string]string{"cost-center": "42"},
			component: "database",
			want:      map[string]any{"cost-center": "42", "environment": "team/prod", "component": "database", "managed-by": "crossplane"},
		},
		"SpecCannotHideOwner": {
			reason:    "A spec tag with an ownership key is overwritten: the owner always shows.",
			spec:      map[string]string{"environment": "other/env", "component": "x", "managed-by": "hand"},
			component: "cache",
			want:      map[string]any{"environment": "team/prod", "component": "cache", "managed-by": "crossplane"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := &Env{Name: "prod", Namespace: "team", Tags: tc.spec}
			if diff := cmp.Diff(tc.want, env.TagsFor(tc.component)); diff != "" {
				t.Errorf("%s\nTagsFor(%q): -want, +got:\n%s", tc.reason, tc.component, diff)
			}
			got := env.NewAWS(tc.component+"-x", "ec2.aws.m.upbound.io/v1beta1", "VPC").Resource().Object
			fp := got["spec"].(map[string]any)["forProvider"].(map[string]any)
			if diff := cmp.Diff(tc.want, fp["tags"]); diff != "" {
				t.Errorf("%s\nNewAWS tags: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
