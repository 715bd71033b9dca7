package observability

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// logGroup renders the log group Fluent Bit ships the applications' container logs to,
// /aws/eks/<cluster>/application (the EKS control plane writes to /aws/eks/<cluster>/cluster, a name AWS
// fixes and the cluster domain owns), encrypted with the environment's key and kept for the resolved
// retention. It is stateful: deleting the environment must not delete its logs.
func logGroup(env *compose.Env, r v1alpha1.ResolvedObservability) compose.Result {
	var res compose.Result
	res.Add(env.NewAWS(compose.ApplicationLogGroup, apiLogs, "Group").
		ExternalName(env.ApplicationLogGroupName()).
		Stateful().
		ForProvider(map[string]any{
			"retentionInDays": r.LogRetentionDays,
			"kmsKeyIdRef":     env.Ref(key),
		}))
	return res
}
