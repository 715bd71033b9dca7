// Package cluster renders the EKS cluster (components cluster, nodes and addons): the control plane with
// its IAM role, secrets-encryption KMS key and control-plane log group; access entries and the kubeconfig
// secret; the IAM OIDC provider; the managed node group with its role and launch template; and the EKS
// add-ons with their workload roles.
//
// Creation follows observed readiness: cluster → vpc-cni and kube-proxy → node group → the other add-ons.
// Version upgrades follow PlanVersions: control plane one minor at a time, then the node group, then the
// add-ons. A gate holds back creation only: once a resource exists it is rendered on every pass.
package cluster

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// API versions of the kinds this package composes.
const (
	eksAPI  = "eks.aws.m.upbound.io/v1beta1"
	iamAPI  = "iam.aws.m.upbound.io/v1beta1"
	kmsAPI  = "kms.aws.m.upbound.io/v1beta1"
	ec2API  = "ec2.aws.m.upbound.io/v1beta1"
	logsAPI = "cloudwatchlogs.aws.m.upbound.io/v1beta1"
)

// Composition resource names of this package (the shared ones are in compose).
const (
	clusterRole       = "cluster-role"
	clusterRolePolicy = "cluster-role-policy"
	kmsKey            = "cluster-kms-key"
	kmsAlias          = "cluster-kms-alias"
	logGroup          = "cluster-logs"
	// adminAccessPrefix starts the names of the admins' access entries; each ends in a hash of the
	// principal so that removing one admin touches no other.
	adminAccessPrefix = "cluster-access-admin-"

	nodeRole       = "nodes-role"
	launchTemplate = "nodes-launch-template"
)

// Output is the cluster's desired resources and status.
type Output struct {
	compose.Result
	Outputs *v1alpha1.ClusterOutputs
	// NodeGroup is the composition resource name of the node group workloads run on (compose.NodeGroup
	// unless the group is being or was replaced): what other domains' Usages and gates name.
	NodeGroup string
}

// Build renders the cluster from its resolved spec and the observed state.
func Build(env *compose.Env, r v1alpha1.ResolvedCluster) (Output, error) {
	var out Output
	groups := planNodeGroups(env, r.NodeGroup)
	plan, err := PlanVersions(r.Version, observedVersion(env, compose.Cluster), observedVersion(env, groups.Serving))
	if err != nil {
		return out, err
	}
	out.Merge(controlPlane(env, r, plan))
	out.Merge(access(env, r))
	out.Merge(oidcProvider(env))
	out.Merge(nodes(env, r, plan, groups))
	out.Merge(addons(env, r, plan, groups.Serving))
	out.Outputs = outputs(env, plan, groups.Serving)
	out.NodeGroup = groups.Serving
	return out, nil
}

// observedVersion returns a cluster's or node group's observed Kubernetes version.
// observedVersion is the Kubernetes version a cluster or node group runs: AWS's status, else the version
// last rendered. Empty when neither reads as 1.N: a broken status is treated as not observed rather than
// refusing a spec nobody changed.
func observedVersion(env *compose.Env, name string) string {
	for _, path := range []string{"status.atProvider.version", "spec.forProvider.version"} {
		if v, ok := env.Observed.String(name, path); ok {
			if _, err := minor(v); err == nil {
				return v
			}
		}
	}
	return ""
}

// outputs reads the cluster's identifiers from observed state.
func outputs(env *compose.Env, plan Plan, nodeGroup string) *v1alpha1.ClusterOutputs {
	o := &v1alpha1.ClusterOutputs{Name: env.ClusterName(), Upgrade: plan.Step}
	o.ARN, _ = env.Observed.ARN(compose.Cluster)
	o.Endpoint, _ = env.Observed.String(compose.Cluster, "status.atProvider.endpoint")
	o.Version = observedVersion(env, compose.Cluster)
	o.NodeGroupVersion = observedVersion(env, nodeGroup)
	o.OIDCIssuer, _ = env.OIDCIssuer()
	o.OIDCProviderARN, _ = env.OIDCProviderARN()
	o.ClusterSecurityGroupID, _ = clusterSecurityGroupID(env)
	o.NodeRoleARN, _ = env.Observed.ARN(nodeRole)
	if env.Observed.Ready(compose.ClusterAuth) {
		o.KubeconfigSecret = env.ResourceName(compose.ClusterAuth)
	}
	return o
}

// clusterSecurityGroupID is the security group EKS creates for the control plane's network interfaces;
// nodes must be in it to talk to the control plane.
func clusterSecurityGroupID(env *compose.Env) (string, bool) {
	return env.Observed.String(compose.Cluster, "status.atProvider.vpcConfig.clusterSecurityGroupId")
}

// managedPolicy returns the ARN of an AWS managed policy in the environment's partition.
func managedPolicy(env *compose.Env, name string) string {
	return env.ARN("iam", "", compose.AWSOwned, "policy/"+name)
}

// attach renders a RolePolicyAttachment of an AWS managed policy to a composed role.
func attach(env *compose.Env, name, role, policy string) *compose.MR {
	return env.NewAWS(name, iamAPI, "RolePolicyAttachment").Untagged().ForProvider(map[string]any{
		"roleRef":   env.Ref(role),
		"policyArn": managedPolicy(env, policy),
	})
}

// role renders an IAM role with the given trust policy.
func role(env *compose.Env, name, awsPart, description string, trust compose.PolicyDocument) *compose.MR {
	return env.NewAWS(name, iamAPI, "Role").
		ExternalName(env.AWSName(compose.RuleIAM, awsPart)).
		ForProvider(map[string]any{
			"description":      description + " of " + env.Namespace + "/" + env.Name,
			"assumeRolePolicy": compose.MustJSON(trust),
		})
}
