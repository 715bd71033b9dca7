package environment_test

import (
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	tapps "github.com/cloudpartner/platform-environment/test/apps"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
	"github.com/cloudpartner/platform-environment/test/validate"
)

// TestRenderedObjectsValid validates everything the package renders, at every stage of a walk and for
// the spec variants the tests use, against the real CRDs (provider-aws, provider-kubernetes v1.3.0,
// provider-helm v1.3.0, Crossplane's Usage), and every Object's manifest strictly against its Kubernetes
// type or the External Secrets CRDs.
func TestRenderedObjectsValid(t *testing.T) {
	v := validate.Shared(t)
	eso, err := tapps.ExternalSecretsCRDs()
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]func(string) bool{
		"cluster": func(n string) bool {
			return !strings.HasPrefix(n, "nodes-") && !strings.HasPrefix(n, "releases-") && !strings.HasPrefix(n, "apps-")
		},
		"nodes": func(n string) bool { return !strings.HasPrefix(n, "releases-") && !strings.HasPrefix(n, "apps-") },
		"ready": it.All,
	}
	specs := map[string]incluster.Spec{
		"seed":     it.Seed(t),
		"loadTest": it.LoadTested(t),
		"minimal": it.Resolve(t, []v1alpha1.ApplicationSpec{{Name: "web", Image: "registry.example.com/web@sha256:" + strings.Repeat("a", 64), Port: 8080,
			DisruptionBudget: &v1alpha1.DisruptionBudgetSpec{MinAvailable: "50%"}, WritablePaths: []string{"/var/cache"}}}, v1alpha1.AddonsSpec{}),
	}
	for specName, r := range specs {
		for stage, ready := range stages {
			for _, profile := range []string{"prod", "dev"} {
				out, _ := it.Walk(t, profile, r, ready, it.Others(ready, "backend", "frontend", "web"))
				for _, res := range out.Resources {
					obj := ct.JSONCopy(res.Object)
					for _, p := range v.Object(obj) {
						t.Errorf("%s/%s/%s: %s", specName, stage, profile, p)
					}
					if res.Object["kind"] != "Object" {
						continue
					}
					m := it.ManifestOf(t, res)
					_, known, err := tapps.DecodeStrict(m)
					switch {
					case err != nil:
						t.Errorf("%s/%s/%s: %s: %v", specName, stage, profile, res.Name, err)
					case !known:
						for _, p := range eso.Validate(m) {
							t.Errorf("%s/%s/%s: %s: %s", specName, stage, profile, res.Name, p)
						}
					}
				}
			}
		}
	}
}
