package cluster

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// LogTypes are all five control-plane log types (FSBP EKS.8).
var LogTypes = []any{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// LogGroupName is the control-plane log group: EKS writes to this fixed name, so we create it first to
// own its retention and encryption instead of letting EKS create it with neither.
func LogGroupName(env *compose.Env) string { return "/aws/eks/" + env.ClusterName() + "/cluster" }

// controlPlane renders the cluster's IAM role, its KMS key, the control-plane log group and the cluster.
func controlPlane(env *compose.Env, r v1alpha1.ResolvedCluster, plan Plan) compose.Result {
	var res compose.Result
	res.Add(role(env, clusterRole, "eks-cluster", "EKS control plane", compose.AssumeRolePolicy("eks.amazonaws.com")))
	res.Add(attach(env, clusterRolePolicy, clusterRole, "AmazonEKSClusterPolicy"))

	res.Merge(kms(env, r))

	res.Add(env.NewAWS(logGroup, logsAPI, "Group").
		ExternalName(LogGroupName(env)).
		Stateful().
		ForProvider(map[string]any{
			"retentionInDays":           r.LogRetentionDays,
			"kmsKeyIdRef":               env.Ref(kmsKey),
			"deletionProtectionEnabled": env.DeletionProtection,
		}))

	keyARN, keyOK := env.Observed.ARN(kmsKey)
	if !res.Gate(env.Observed, compose.Cluster,
		compose.Known(keyOK, "the KMS key's ARN ("+kmsKey+")"),
		env.Observed.ReadyCond(logGroup)) {
		return res
	}
	if !keyOK {
		// The cluster exists but its key's ARN is not observed (the key is being re-observed). Encryption
		// cannot be turned off or moved to another key, so keep what the cluster has.
		keyARN, _ = env.Observed.String(compose.Cluster, "spec.forProvider.encryptionConfig.provider.keyArn")
	}
	vpc := map[string]any{
		"subnetIdRefs":          env.Refs(env.Subnets(compose.TierPrivate)...),
		"endpointPrivateAccess": true,
		"endpointPublicAccess":  len(r.EndpointPublicAccessCIDRs) > 0,
	}
	if len(r.EndpointPublicAccessCIDRs) > 0 {
		cidrs := make([]any, len(r.EndpointPublicAccessCIDRs))
		for i, c := range r.EndpointPublicAccessCIDRs {
			cidrs[i] = c
		}
		vpc["publicAccessCidrs"] = cidrs
	}
	fp := map[string]any{
		"version":    plan.ControlPlane,
		"roleArnRef": env.Ref(clusterRole),
		// No extra security groups: EKS creates the cluster security group for the control plane's
		// interfaces and the nodes; the network's nodes group (open to the ALB) stays off the control plane.
		"vpcConfig":              vpc,
		"enabledClusterLogTypes": LogTypes,
		// Updated in place (UpdateClusterConfig).
		"upgradePolicy": map[string]any{"supportType": r.SupportType},
		"accessConfig": map[string]any{
			"authenticationMode": "API",
			// Every admin is an explicit access entry, the provider's identity included.
			"bootstrapClusterCreatorAdminPermissions": false,
		},
		// vpc-cni, kube-proxy and coredns are installed as managed add-ons, not as EKS's unmanaged copies.
		"bootstrapSelfManagedAddons": false,
	}
	if keyARN != "" {
		fp["encryptionConfig"] = map[string]any{
			"resources": []any{"secrets"},
			"provider":  map[string]any{"keyArn": keyARN},
		}
	}
	res.Add(env.NewAWS(compose.Cluster, eksAPI, "Cluster").
		ExternalName(r.Name).
		ForProvider(fp))
	if plan.Step != "" {
		res.Wait("cluster", "upgrading: "+plan.Step)
		res.Upgrading("cluster", plan.Step)
	}
	if plan.Ahead != "" {
		res.Warn("cluster", plan.Ahead)
	}
	return res
}

// kms renders the key that encrypts the cluster's Kubernetes secrets and its control-plane logs, and its
// alias. The key policy names the account, which the function learns from observed ARNs, and the cluster
// role, so the key waits for both.
func kms(env *compose.Env, r v1alpha1.ResolvedCluster) compose.Result {
	var res compose.Result
	account, acctOK := env.Observed.AccountID()
	roleARN, roleOK := env.Observed.ARN(clusterRole)
	// A key that exists keeps its policy (kept as observed) while the account or the role is re-observed.
	if res.Gate(env.Observed, kmsKey,
		compose.Needs(acctOK, "the AWS account ID (read from observed ARNs)"),
		compose.Needs(roleOK, "the cluster role's ARN ("+clusterRole+")")) {
		res.Add(env.NewAWS(kmsKey, kmsAPI, "Key").Stateful().ForProvider(map[string]any{
			"description":          "EKS secrets and control-plane logs of " + env.Namespace + "/" + env.Name,
			"enableKeyRotation":    true,
			"deletionWindowInDays": env.KeyDeletionWindow(),
			"policy":               compose.MustJSON(KeyPolicy(env, account, roleARN, r.ProviderPrincipalARN)),
		}))
	}
	res.Add(env.NewAWS(kmsAlias, kmsAPI, "Alias").Untagged().
		ExternalName("alias/" + env.AWSName(compose.RuleGeneric, "eks")).
		ForProvider(map[string]any{"targetKeyIdRef": env.Ref(kmsKey)}))
	return res
}

// KeyPolicy is the cluster key's policy: the account administers the key through IAM (AWS's default, so
// the key can never become unmanageable); EKS uses it through the cluster role and grants the provider's
// identity creates; CloudWatch Logs may use it for this cluster's control-plane log group only.
func KeyPolicy(env *compose.Env, account, clusterRoleARN, providerARN string) compose.PolicyDocument {
	p := env.Partition()
	logGroupARN := compose.ARN(p, "logs", env.Region, account, "log-group:"+LogGroupName(env))
	return compose.Policy(
		compose.Statement{
			Sid:       "AccountAdministersTheKey",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": compose.AccountRoot(p, account)},
			Action:    []string{"kms:*"},
			Resource:  []string{"*"},
		},
		compose.Statement{
			Sid:       "ClusterRoleUsesTheKey",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": clusterRoleARN},
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"},
			Resource:  []string{"*"},
		},
		compose.Statement{
			Sid:       "ClusterCreatorGrantsEKS",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": providerARN},
			Action:    []string{"kms:CreateGrant", "kms:DescribeKey"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}},
		},
		compose.Statement{
			Sid:       "CloudWatchLogsEncryptsTheControlPlaneLogs",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "logs." + env.Region + ".amazonaws.com"},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": logGroupARN}},
		},
	)
}
