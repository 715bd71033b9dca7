package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestOIDCProvider checks that the OIDC provider waits for the observed issuer and trusts it for STS.
func TestOIDCProvider(t *testing.T) {
	env := ct.Env("prod", compose.Observed{})
	res := oidcProvider(env)
	if len(res.Resources) != 0 || res.Waiting["cluster"] != "cluster-oidc waits for the cluster's OIDC issuer (cluster-eks)" {
		t.Errorf("without an issuer: rendered %v, waiting %v", ct.Names(res.Resources), res.Waiting)
	}

	all, env := readyBuild(t, "prod")
	issuer, ok := env.OIDCIssuer()
	if !ok {
		t.Fatal("no issuer observed")
	}
	got := ct.JSON(ct.ForProvider(ct.Find(t, all, compose.OIDCProvider)))
	want := ct.JSON(map[string]any{
		"url": issuer, "clientIdList": []any{"sts.amazonaws.com"},
		"tags": map[string]any{"component": "cluster", "environment": "cloud-consulting/prod", "managed-by": "crossplane"},
	})

	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OIDC provider (-want +got):\n%s", diff)
	}
}
