package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestAddons(t *testing.T) {
	spec := seedSpec()
	spec.AddonVersions.CoreDNS = "v1.12.1-eksbuild.2"
	observed, out := walkSpec(t, "prod", spec, networkObserved(t), nil, func(string) bool { return true })
	env := ct.Env("prod", observed)
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
			want: base(AddonVPCCNI, map[string]any{"serviceAccountRoleArnRef": map[string]any{"name": "prod-addons-vpc-cni-role"},
				"addonVersion": "v1.21.1-eksbuild.1"}),
		},
		"addons-kube-proxy": {reason: "Unpinned: the table's version for 1.35.", want: base(AddonKubeProxy, map[string]any{"addonVersion": "v1.35.3-eksbuild.13"})},
		"addons-coredns": {
			reason: "Pinned.",
			want:   base(AddonCoreDNS, map[string]any{"addonVersion": "v1.12.1-eksbuild.2"}),
		},
		"addons-pod-identity-agent": {
			reason: "The table has no agent version for 1.35: created at EKS's default, then kept at the version it runs.",
			want:   base(AddonPodIdentityAgent, map[string]any{"addonVersion": "v1.0.0-eksbuild.1"}),
		},
		"addons-ebs-csi": {
			reason: "The EBS CSI driver's controller gets its role through Pod Identity.",
			want: base(AddonEBSCSIDriver, map[string]any{"addonVersion": "v1.57.1-eksbuild.1", "podIdentityAssociation": []any{
				map[string]any{"roleArn": ebsRole, "serviceAccount": "ebs-csi-controller-sa"},
			}}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ct.JSON(ct.ForProvider(ct.Find(t, res, name)))
			if diff := cmp.Diff(ct.JSON(tc.want), got); diff != "" {
				t.Errorf("%s\nforProvider (-want +got):\n%s", tc.reason, diff)
			}
			if got := annotation(ct.Find(t, res, name), followsAnnotation); got != "1.35" {
				t.Errorf("%s\n%s = %q, want 1.35", tc.reason, followsAnnotation, got)
			}
		})
	}

	// The roles: vpc-cni trusts aws-node through the OIDC provider, the EBS CSI driver trusts Pod Identity.
	cniTrust := ct.PolicyOf(t, ct.ForProvider(ct.Find(t, res, vpcCNIRole))["assumeRolePolicy"])
	wantCNI, ok := env.IRSATrustPolicy("kube-system", "aws-node")
	if !ok {
		t.Fatal("no IRSA trust policy")
	}
	if diff := cmp.Diff(wantCNI, cniTrust); diff != "" {
		t.Errorf("vpc-cni trust (-want +got):\n%s", diff)
	}
	account, _ := env.Observed.AccountID()
	wantEBS := compose.Policy(compose.Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "pods.eks.amazonaws.com"},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": account},
			"ArnEquals":    {"aws:SourceArn": "arn:aws:eks:us-east-1:" + account + ":cluster/" + env.ClusterName()},
		},
	})
	if diff := cmp.Diff(wantEBS, ct.PolicyOf(t, ct.ForProvider(ct.Find(t, res, ebsCSIRole))["assumeRolePolicy"])); diff != "" {
		t.Errorf("EBS CSI trust (-want +got):\n%s", diff)
	}
	for name, policy := range map[string]string{
		vpcCNIRole + "-policy": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
		ebsCSIRole + "-policy": "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
	} {
		if got := ct.ForProvider(ct.Find(t, res, name))["policyArn"]; got != policy {
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
				if ct.Has(out.Resources, n) {
					t.Errorf("%s\n%s was rendered", tc.reason, n)
				}
			}
			if got := out.Waiting["addons"]; got != tc.want {
				t.Errorf("%s\nwaiting = %q, want %q", tc.reason, got, tc.want)
			}
		})
	}
}

// annotation reads an annotation of a rendered resource.
func annotation(r *compose.Resource, key string) string {
	md, _ := r.Object["metadata"].(map[string]any)
	a, _ := md["annotations"].(map[string]any)
	v, _ := a[key].(string)
	return v
}

// TestAddonsFollowTheCluster walks the seed's add-ons through a release whose table changed and a
// cluster version step, the way AWS applies each pass: a table change moves nothing; the step moves each
// add-on to the new minor's version once the node group runs it; a minor the table lacks leaves the add-on
// where it runs; nothing goes below what runs.
func TestAddonsFollowTheCluster(t *testing.T) {
	network := networkObserved(t)
	spec := seedSpec()
	spec.Version = "1.34"
	observed, _ := walkSpec(t, "prod", spec, network, nil, func(string) bool { return true })

	versions := func(out Output) map[string]string {
		got := map[string]string{}
		for _, a := range addonOrder {
			v, _ := ct.ForProvider(ct.Find(t, out.Resources, addonName(a)))["addonVersion"].(string)
			got[a] = v
		}
		return got
	}
	build := func(observed compose.Observed) (*compose.Env, Output) {
		return resolveBuild(t, "prod", spec, observed)
	}

	// A new environment at 1.34: every add-on at the table's 1.34 version.
	_, out := build(observed)
	at134 := map[string]string{
		AddonVPCCNI: "v1.20.4-eksbuild.2", AddonKubeProxy: "v1.34.6-eksbuild.13", AddonCoreDNS: "v1.13.2-eksbuild.11",
		AddonPodIdentityAgent: "v1.3.8-eksbuild.2", AddonEBSCSIDriver: "v1.56.0-eksbuild.1",
	}
	if diff := cmp.Diff(at134, versions(out)); diff != "" {
		t.Errorf("new environment at 1.34 (-want +got):\n%s", diff)
	}

	// A later release's table has newer 1.34 versions (and a CoreDNS for 1.35 below the one someone
	// installed by hand): at an unchanged cluster version nothing moves.
	saved := addonDefaults
	t.Cleanup(func() { addonDefaults = saved })
	addonDefaults = append([]addonDefault{
		{AddonCoreDNS, "1.34", "v1.13.2-eksbuild.99", "test", "test"},
		{AddonKubeProxy, "1.34", "v1.34.9-eksbuild.1", "test", "test"},
	}, saved...)
	_, out = build(observed)
	if diff := cmp.Diff(at134, versions(out)); diff != "" {
		t.Errorf("a table change at an unchanged cluster version moved add-ons (-want +got):\n%s", diff)
	}

	// The EBS CSI driver was upgraded by hand past the table's 1.35 version.
	ebs := ct.JSONCopy(observed[addonName(AddonEBSCSIDriver)])
	ebs["status"].(map[string]any)["atProvider"].(map[string]any)["addonVersion"] = "v1.57.1-eksbuild.12"
	observed[addonName(AddonEBSCSIDriver)] = ebs
	at134[AddonEBSCSIDriver] = "v1.57.1-eksbuild.12"

	// The cluster version steps to 1.35: add-ons hold while the control plane and then the node group
	// move, then take 1.35's versions.
	spec.Version = "1.35"
	at135 := map[string]string{
		AddonVPCCNI: "v1.21.1-eksbuild.1", AddonKubeProxy: "v1.35.3-eksbuild.13", AddonCoreDNS: "v1.14.3-eksbuild.3",
		AddonPodIdentityAgent: "v1.3.8-eksbuild.2",   // no 1.35 entry: keeps what it runs
		AddonEBSCSIDriver:     "v1.57.1-eksbuild.12", // never below what runs
	}
	type step struct {
		NodeGroup string
		Addons    map[string]string
	}
	var got []step
	for pass := 0; pass < 10; pass++ {
		env, out := build(observed)
		s := step{ct.ForProvider(ct.Find(t, out.Resources, compose.NodeGroup))["version"].(string), versions(out)}
		if len(got) > 0 && cmp.Equal(got[len(got)-1], s) {
			break
		}
		got = append(got, s)
		observed = observeOnce(t, env, out, network)
	}
	want := []step{{"1.34", at134}, {"1.35", at134}, {"1.35", at135}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("version step (-want +got):\n%s", diff)
	}
	if got := annotation(ct.Find(t, mustBuild(t, spec, observed).Resources, addonName(AddonPodIdentityAgent)), followsAnnotation); got != "1.34" {
		t.Errorf("the agent, which the table lacks for 1.35, follows %q; want 1.34 (it moves once a release has 1.35)", got)
	}
}

// mustBuild resolves and builds the prod cluster from a spec and observed state.
func mustBuild(t *testing.T, spec v1alpha1.ClusterSpec, observed compose.Observed) Output {
	t.Helper()
	_, out := resolveBuild(t, "prod", spec, observed)
	return out
}

// TestAddonsAdoptedFromEarlierRelease is an environment an earlier release made: unpinned add-ons at
// EKS's default, no addonVersion rendered, no record of the minor they follow (or one that does not
// read). Upgrading the package renders each at the version it runs and records 1.35: nothing moves until
// spec.cluster.version does.
func TestAddonsAdoptedFromEarlierRelease(t *testing.T) {
	observed, _ := walk(t, "prod", networkObserved(t), nil, func(string) bool { return true })
	for _, a := range addonOrder {
		n := addonName(a)
		o := ct.JSONCopy(observed[n])
		delete(o["metadata"].(map[string]any)["annotations"].(map[string]any), followsAnnotation)
		if a == AddonCoreDNS {
			// A record the function did not write reads as none.
			o["metadata"].(map[string]any)["annotations"].(map[string]any)[followsAnnotation] = "latest"
		}
		delete(o["spec"].(map[string]any)["forProvider"].(map[string]any), "addonVersion")
		o["status"].(map[string]any)["atProvider"].(map[string]any)["addonVersion"] = "v1.0.0-eksbuild.1"
		observed[n] = o
	}
	out := mustBuild(t, seedSpec(), observed)
	for _, a := range addonOrder {
		r := ct.Find(t, out.Resources, addonName(a))
		if got := ct.ForProvider(r)["addonVersion"]; got != "v1.0.0-eksbuild.1" {
			t.Errorf("%s: addonVersion %v, want the v1.0.0-eksbuild.1 it runs", a, got)
		}
		if got := annotation(r, followsAnnotation); got != "1.35" {
			t.Errorf("%s: follows %q, want 1.35", a, got)
		}
	}
}
