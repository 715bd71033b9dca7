package observe

import (
	"encoding/base64"
	"strings"
)

// The EKS cluster, node group, add-ons, launch template and OIDC provider, observed the way
// provider-aws reports them (status.atProvider of the .m. CRDs: certificateAuthority and identity are
// lists, identity[0].oidc is a list too).
func init() {
	Register("eks.aws.m.upbound.io", "Cluster", func(obj map[string]any, f Facts) {
		at := atProvider(obj)
		at["arn"] = "arn:aws:eks:" + f.Region + ":" + Account + ":cluster/" + f.ID
		at["version"] = forProviderMap(obj)["version"]
		if !isReady(obj) {
			// While EKS creates the control plane there is no endpoint, issuer or cluster security group.
			at["status"] = "CREATING"
			return
		}
		id := strings.ToUpper(hashHex("eks", f.Region, f.ID)[:32])
		at["status"] = "ACTIVE"
		at["endpoint"] = "https://" + id + ".gr7." + f.Region + ".eks.amazonaws.com"
		at["certificateAuthority"] = []any{map[string]any{
			"data": base64.StdEncoding.EncodeToString([]byte("fake certificate authority of " + f.ID)),
		}}
		at["identity"] = []any{map[string]any{
			"oidc": []any{map[string]any{"issuer": "https://oidc.eks." + f.Region + ".amazonaws.com/id/" + id}},
		}}
		Set(obj, "sg-0"+hashHex("eks-cluster-sg", f.ID)[:16], "status", "atProvider", "vpcConfig", "clusterSecurityGroupId")
		if ecfg, ok := forProviderMap(obj)["encryptionConfig"]; ok {
			at["encryptionConfig"] = ecfg
		}
	})
	Register("eks.aws.m.upbound.io", "NodeGroup", func(obj map[string]any, f Facts) {
		at := atProvider(obj)
		at["arn"] = "arn:aws:eks:" + f.Region + ":" + Account + ":nodegroup/" + f.ID + "/" + uuidOf("nodegroup", f.ID)
		at["version"] = forProviderMap(obj)["version"]
		at["status"] = "CREATING"
		if isReady(obj) {
			at["status"] = "ACTIVE"
		}
		// EKS applies taints in place (UpdateNodegroupConfig) and describes them back.
		if taint, ok := forProviderMap(obj)["taint"]; ok {
			at["taint"] = taint
		}
	})
	Register("eks.aws.m.upbound.io", "Addon", func(obj map[string]any, f Facts) {
		at := atProvider(obj)
		v, _ := forProviderMap(obj)["addonVersion"].(string)
		if v == "" {
			v = "v1.0.0-eksbuild.1" // EKS's default version for the cluster, when none is pinned
		}
		at["addonVersion"] = v
		at["arn"] = "arn:aws:eks:" + f.Region + ":" + Account + ":addon/" + f.ID
	})
	Register("ec2.aws.m.upbound.io", "LaunchTemplate", func(obj map[string]any, f Facts) {
		at := atProvider(obj)
		at["latestVersion"] = int64(1)
		at["defaultVersion"] = int64(1)
		at["arn"] = "arn:aws:ec2:" + f.Region + ":" + Account + ":launch-template/" + f.ID
	})
	Register("iam.aws.m.upbound.io", "OpenIDConnectProvider", func(obj map[string]any, f Facts) {
		// The provider's external name is its ARN, made of the issuer's host and path.
		url, _ := forProviderMap(obj)["url"].(string)
		arn := "arn:aws:iam::" + Account + ":oidc-provider/" + strings.TrimPrefix(url, "https://")
		setExternalName(obj, arn)
		at := atProvider(obj)
		at["id"] = arn
		at["arn"] = arn
	})
}
