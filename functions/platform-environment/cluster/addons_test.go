package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestAddons(t *testing.T) {
	spec := seedSpec()
	spec.AddonVersions.CoreDNS = "v1.12.1-eksbuild.2"
	observed, out := walkSpec(t, "prod", spec, networkObserved(t), nil, func(string) bool { return true })
	env := testEnv("prod", observed)
	res := out.Resources
	ebsRole, _ := env.Observed.ARN(ebsCSIRole)
	tags := map[string]any{"component": "addons", "environment": "cloud-consulting/prod", "managed-by": "crossplane"}
	base := func(name string, extra map[string]any) map[string]any {
		m := map[string]any{
			"region": "us-east-1", "clusterNameRef": map[string]any{"name": "prod-cluster-eks"}, "addonName": name,
			"resolveConflictsOnCreate": "OVERWRITE", "resolveConflictsOnUpdate": "PRESERVE", "tags": tags,
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := map[string]struct {
		reason string
		want   map[string]any
	}{
		"addons-vpc-cni": {
			reason: "vpc-cni assumes its own role (IRSA), not the nodes'.",
			want:   base(AddonVPCCNI, map[string]any{"serviceAccountRoleArnRef": map[string]any{"name": "prod-addons-vpc-cni-role"}}),
		},
		"addons-kube-proxy": {reason: "Unpinned: EKS's default version.", want: base(AddonKubeProxy, nil)},
		"addons-coredns": {
			reason: "Pinned.",
			want:   base(AddonCoreDNS, map[string]any{"addonVersion": "v1.12.1-eksbuild.2"}),
		},
		"addons-pod-identity-agent": {reason: "The Pod Identity agent.", want: base(AddonPodIdentityAgent, nil)},
		"addons-ebs-csi": {
			reason: "The EBS CSI driver's controller gets its role through Pod Identity.",
			want: base(AddonEBSCSIDriver, map[string]any{"podIdentityAssociation": []any{
				map[string]any{"roleArn": ebsRole, "serviceAccount": "ebs-csi-controller-sa"},
			}}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := jsonRound(t, forProvider(find(t, res, name)))
			if diff := cmp.Diff(jsonRound(t, tc.want), got); diff != "" {
				t.Errorf("%s\nforProvider (-want +got):\n%s", tc.reason, diff)
			}
		})
	}

	// The roles: vpc-cni trusts aws-node through the OIDC provider, the EBS CSI driver trusts Pod Identity.
	cniTrust := policyOf(t, forProvider(find(t, res, vpcCNIRole))["assumeRolePolicy"])
	wantCNI, ok := env.IRSATrustPolicy("kube-system", "aws-node")
	if !ok {
		t.Fatal("no IRSA trust policy")
	}
	if diff := cmp.Diff(wantCNI, cniTrust); diff != "" {
		t.Errorf("vpc-cni trust (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(compose.PodIdentityTrustPolicy(), policyOf(t, forProvider(find(t, res, ebsCSIRole))["assumeRolePolicy"])); diff != "" {
		t.Errorf("EBS CSI trust (-want +got):\n%s", diff)
	}
	for name, policy := range map[string]string{
		vpcCNIRole + "-policy": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
		ebsCSIRole + "-policy": "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
	} {
		if got := forProvider(find(t, res, name))["policyArn"]; got != policy {
			t.Errorf("%s: policyArn %v, want %s", name, got, policy)
		}
	}
}

// TestAddonGates checks that coredns, the agent and the EBS CSI driver wait for the node group, and the
// driver for the agent.
func TestAddonGates(t *testing.T) {
	cases := map[string]struct {
		reason string
		ready  func(string) bool
		absent []string
		want   string
	}{
		"NodesNotReady": {
			reason: "Nothing to run on yet.",
			ready:  func(n string) bool { return n != compose.NodeGroup },
			absent: []string{"addons-coredns", "addons-pod-identity-agent", "addons-ebs-csi"},
			want:   "addons-coredns waits for nodes-group to be Ready",
		},
		"AgentNotReady": {
			reason: "The EBS CSI driver's credentials come from the agent.",
			ready:  func(n string) bool { return n != compose.PodIdentityAgent },
			absent: []string{"addons-ebs-csi"},
			want:   "addons-ebs-csi waits for addons-pod-identity-agent to be Ready",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, out := walk(t, "prod", networkObserved(t), nil, tc.ready)
			for _, n := range tc.absent {
				if has(out.Resources, n) {
					t.Errorf("%s\n%s was rendered", tc.reason, n)
				}
			}
			if got := out.Waiting["addons"]; got != tc.want {
				t.Errorf("%s\nwaiting = %q, want %q", tc.reason, got, tc.want)
			}
		})
	}
}
