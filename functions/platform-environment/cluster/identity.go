package cluster

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// oidcProvider renders the IAM OIDC provider of the cluster's service-account issuer, which IAM roles for
// service accounts trust (compose.IRSATrustPolicy). It waits for the issuer, which only the observed
// cluster tells.
//
// No thumbprint: for EKS's issuers (oidc.eks.<region>.amazonaws.com) IAM verifies the TLS certificate
// against its own trusted root CAs and ignores thumbprints, and when none is given IAM records the
// current one itself. A pinned thumbprint would only go stale when the certificate rotates.
func oidcProvider(env *compose.Env) compose.Result {
	var res compose.Result
	issuer, ok := env.OIDCIssuer()
	if !res.Gate(env.Observed, compose.OIDCProvider, compose.Known(ok, "the cluster's OIDC issuer ("+compose.Cluster+")")) {
		return res
	}
	if !ok {
		// The provider exists; its URL cannot change, so keep the one it has.
		issuer, _ = env.Observed.String(compose.OIDCProvider, "spec.forProvider.url")
	}
	res.Add(env.NewAWS(compose.OIDCProvider, iamAPI, "OpenIDConnectProvider").ForProvider(map[string]any{
		"url":          issuer,
		"clientIdList": []any{"sts.amazonaws.com"},
	}))
	return res
}
