package observe

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// The EKS cluster, node group, add-ons, launch template, KMS key and OIDC provider, observed the way
// provider-aws reports them (status.atProvider of the .m. CRDs: certificateAuthority and identity are
// lists, identity[0].oidc is a list too).
func init() {
	Register("eks.aws.m.upbound.io", "Cluster", func(obj map[string]any, f Facts) {
		at := clusterAtProvider(obj)
		at["arn"] = "arn:aws:eks:" + f.Region + ":" + Account + ":cluster/" + f.ID
		at["version"] = clusterForProvider(obj)["version"]
		if !clusterReady(obj) {
			// While EKS creates the control plane there is no endpoint, issuer or cluster security group.
			at["status"] = "CREATING"
			return
		}
		id := strings.ToUpper(clusterHex("eks", f.Region, f.ID)[:32])
		at["status"] = "ACTIVE"
		at["endpoint"] = "https://" + id + ".gr7." + f.Region + ".eks.amazonaws.com"
		at["certificateAuthority"] = []any{map[string]any{
			"data": base64.StdEncoding.EncodeToString([]byte("fake certificate authority of " + f.ID)),
		}}
		at["identity"] = []any{map[string]any{
			"oidc": []any{map[string]any{"issuer": "https://oidc.eks." + f.Region + ".amazonaws.com/id/" + id}},
		}}
		Set(obj, "sg-0"+clusterHex("eks-cluster-sg", f.ID)[:16], "status", "atProvider", "vpcConfig", "clusterSecurityGroupId")
		if ecfg, ok := clusterForProvider(obj)["encryptionConfig"]; ok {
			at["encryptionConfig"] = ecfg
		}
	})
	Register("eks.aws.m.upbound.io", "NodeGroup", func(obj map[string]any, f Facts) {
		at := clusterAtProvider(obj)
		at["arn"] = "arn:aws:eks:" + f.Region + ":" + Account + ":nodegroup/" + f.ID + "/" + clusterUUID("nodegroup", f.ID)
		at["version"] = clusterForProvider(obj)["version"]
		at["status"] = "CREATING"
		if clusterReady(obj) {
			at["status"] = "ACTIVE"
		}
		// EKS applies taints in place (UpdateNodegroupConfig) and describes them back.
		if taint, ok := clusterForProvider(obj)["taint"]; ok {
			at["taint"] = taint
		}
	})
	Register("eks.aws.m.upbound.io", "Addon", func(obj map[string]any, f Facts) {
		at := clusterAtProvider(obj)
		v, _ := clusterForProvider(obj)["addonVersion"].(string)
		if v == "" {
			v = "v1.0.0-eksbuild.1" // EKS's default version for the cluster, when none is pinned
		}
		at["addonVersion"] = v
		at["arn"] = "arn:aws:eks:" + f.Region + ":" + Account + ":addon/" + f.ID
	})
	Register("ec2.aws.m.upbound.io", "LaunchTemplate", func(obj map[string]any, f Facts) {
		at := clusterAtProvider(obj)
		at["latestVersion"] = int64(1)
		at["defaultVersion"] = int64(1)
		at["arn"] = "arn:aws:ec2:" + f.Region + ":" + Account + ":launch-template/" + f.ID
	})
	Register("kms.aws.m.upbound.io", "Key", func(obj map[string]any, f Facts) {
		// Keys are identified by a UUID, which is also their external name.
		id := clusterUUID("kms", f.Name)
		clusterSetExternalName(obj, id)
		at := clusterAtProvider(obj)
		at["id"] = id
		at["keyId"] = id
		at["arn"] = "arn:aws:kms:" + f.Region + ":" + Account + ":key/" + id
	})
	Register("iam.aws.m.upbound.io", "OpenIDConnectProvider", func(obj map[string]any, f Facts) {
		// The provider's external name is its ARN, made of the issuer's host and path.
		url, _ := clusterForProvider(obj)["url"].(string)
		arn := "arn:aws:iam::" + Account + ":oidc-provider/" + strings.TrimPrefix(url, "https://")
		clusterSetExternalName(obj, arn)
		at := clusterAtProvider(obj)
		at["id"] = arn
		at["arn"] = arn
	})
}

func clusterAtProvider(obj map[string]any) map[string]any {
	st, _ := obj["status"].(map[string]any)
	at, _ := st["atProvider"].(map[string]any)
	if at == nil {
		at = map[string]any{}
		Set(obj, at, "status", "atProvider")
	}
	return at
}

func clusterForProvider(obj map[string]any) map[string]any {
	spec, _ := obj["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	if fp == nil {
		return map[string]any{}
	}
	return fp
}

func clusterReady(obj map[string]any) bool {
	st, _ := obj["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Ready" {
			return m["status"] == "True"
		}
	}
	return false
}

func clusterSetExternalName(obj map[string]any, name string) {
	Set(obj, name, "metadata", "annotations", "crossplane.io/external-name")
}

func clusterHex(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(sum[:])
}

// uuid returns a UUID-shaped identifier derived from the parts.
func clusterUUID(parts ...string) string {
	h := clusterHex(parts...)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
