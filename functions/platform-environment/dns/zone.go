package dns

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// zone renders the hosted zone. A created zone is stateful: with deletion protection it is orphaned when
// the environment goes (its name servers are delegated from elsewhere), without it it is deleted with
// whatever records it holds. An existing zone is observed only: the environment adds records to it and
// never changes or deletes it.
func zone(env *compose.Env, in Input) compose.Result {
	var res compose.Result
	if in.Spec.ZoneID != "" {
		z := env.NewAWS(compose.HostedZone, route53, "Zone").Untagged().ExternalName(in.Spec.ZoneID).
			ForProvider(map[string]any{"name": in.Domain})
		z.Spec(map[string]any{"managementPolicies": []any{"Observe"}})
		res.Add(z)
		return res
	}
	res.Add(env.NewAWS(compose.HostedZone, route53, "Zone").Stateful().ForProvider(map[string]any{
		"name":         in.Domain,
		"comment":      "Public zone of " + in.Domain + " for " + env.Namespace + "/" + env.Name,
		"forceDestroy": !env.DeletionProtection,
	}))
	return res
}
