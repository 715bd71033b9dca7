package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestNodes(t *testing.T) {
	res, env := readyBuild(t, "prod")
	nodesSG, _ := env.Observed.ID(compose.SecurityGroupNodes)
	clusterSG, _ := clusterSecurityGroupID(env)
	ltID, _ := env.Observed.ID(launchTemplate)
	tags := func(c string) map[string]any {
		return map[string]any{"component": c, "environment": "cloud-consulting/prod", "managed-by": "crossplane"}
	}
	cases := map[string]struct {
		reason string
		name   string
		want   map[string]any
	}{
		"LaunchTemplate": {
			reason: "IMDSv2 only with hop limit 1, an encrypted 50 GiB gp3 root volume, the nodes group and the cluster group.",
			name:   launchTemplate,
			want: map[string]any{
				"region": "us-east-1", "name": env.AWSName(compose.RuleGeneric, "eks-nodes"),
				"description":          "EKS nodes of cloud-consulting/prod",
				"updateDefaultVersion": true,
				"metadataOptions": map[string]any{
					"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1, "instanceMetadataTags": "disabled",
				},
				"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{
					"volumeSize": 50, "volumeType": "gp3", "encrypted": "true", "deleteOnTermination": "true",
				}}},
				"vpcSecurityGroupIds": []any{nodesSG, clusterSG},
				"tagSpecifications": []any{
					map[string]any{"resourceType": "instance", "tags": tags("nodes")},
					map[string]any{"resourceType": "volume", "tags": tags("nodes")},
				},
				"tags": tags("nodes"),
			},
		},
		"NodeGroup": {
			reason: "AL2023 t3.medium in the private subnets, 2-10 nodes, the observed template, the cluster's version.",
			name:   compose.NodeGroup,
			want: map[string]any{
				"region": "us-east-1", "version": "1.35",
				"clusterNameRef": map[string]any{"name": "prod-cluster-eks"},
				"nodeRoleArnRef": map[string]any{"name": "prod-nodes-role"},
				"subnetIdRefs": []any{
					map[string]any{"name": "prod-network-subnet-private-a"},
					map[string]any{"name": "prod-network-subnet-private-b"},
					map[string]any{"name": "prod-network-subnet-private-c"},
				},
				"amiType": "AL2023_x86_64_STANDARD", "capacityType": "ON_DEMAND", "instanceTypes": []any{"t3.medium"},
				"scalingConfig":    map[string]any{"minSize": 2, "maxSize": 10},
				"updateConfig":     map[string]any{"maxUnavailablePercentage": 33},
				"nodeRepairConfig": map[string]any{"enabled": true},
				"launchTemplate":   map[string]any{"id": ltID, "version": "1"},
				"tags":             tags("nodes"),
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ct.JSON(ct.ForProvider(ct.Find(t, res, tc.name)))
			if diff := cmp.Diff(ct.JSON(tc.want), got); diff != "" {
				t.Errorf("%s\nforProvider (-want +got):\n%s", tc.reason, diff)
			}
		})
	}

	// desiredSize only at creation: the cluster autoscaler owns it afterwards.
	ng := ct.Find(t, res, compose.NodeGroup)
	if diff := cmp.Diff(ct.JSON(map[string]any{"scalingConfig": map[string]any{"desiredSize": 3}}), ct.JSON(ng.Object["spec"].(map[string]any)["initProvider"])); diff != "" {
		t.Errorf("initProvider (-want +got):\n%s", diff)
	}

	var policies []string
	for _, r := range res {
		if r.Object["kind"] == "RolePolicyAttachment" && compose.Component(r.Name) == "nodes" {
			policies = append(policies, ct.ForProvider(r)["policyArn"].(string))
		}
	}
	want := []string{
		"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
		"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
		"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
	}
	if diff := cmp.Diff(want, ct.Sorted(policies)); diff != "" {
		t.Errorf("node role policies (-want +got):\n%s", diff)
	}
	trust := ct.PolicyOf(t, ct.ForProvider(ct.Find(t, res, nodeRole))["assumeRolePolicy"])
	if diff := cmp.Diff(compose.AssumeRolePolicy("ec2.amazonaws.com"), trust); diff != "" {
		t.Errorf("node role trust (-want +got):\n%s", diff)
	}
}

// TestNodeGroupGates checks what the node group waits for, one missing condition at a time.
func TestNodeGroupGates(t *testing.T) {
	cases := map[string]struct {
		reason string
		change func(o compose.Observed) compose.Observed
		want   string
	}{
		"ClusterNotReady": {
			reason: "The cluster must be Ready.",
			change: func(o compose.Observed) compose.Observed { return withCondition(o, compose.Cluster, "False") },
			want:   "nodes-group waits for cluster-eks to be Ready",
		},
		"NoTemplateVersion": {
			reason: "The template's ID and latest version come from observed state.",
			change: func(o compose.Observed) compose.Observed {
				o = withCondition(o, launchTemplate, "True")
				delete(o[launchTemplate]["status"].(map[string]any)["atProvider"].(map[string]any), "latestVersion")
				return o
			},
			want: "nodes-group waits for the launch template's ID and latest version (nodes-launch-template)",
		},
		"CNINotReady": {
			reason: "Nodes are not Ready without the CNI.",
			change: func(o compose.Observed) compose.Observed { return withCondition(o, addonName(AddonVPCCNI), "False") },
			want:   "nodes-group waits for addons-vpc-cni to be Ready",
		},
		"KubeProxyNotReady": {
			reason: "… nor without kube-proxy.",
			change: func(o compose.Observed) compose.Observed { return withCondition(o, addonName(AddonKubeProxy), "False") },
			want:   "nodes-group waits for addons-kube-proxy to be Ready",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			observed, _ := walk(t, "prod", networkObserved(t), nil, func(string) bool { return true })
			delete(observed, compose.NodeGroup)
			observed = tc.change(observed)
			env := ct.Env("prod", observed)
			out, err := Build(env, resolveSeed(t, env))
			if err != nil {
				t.Fatal(err)
			}
			if ct.Has(out.Resources, compose.NodeGroup) {
				t.Errorf("%s\nthe node group was rendered", tc.reason)
			}
			if got := out.Waiting["nodes"]; got != tc.want {
				t.Errorf("%s\nwaiting = %q, want %q", tc.reason, got, tc.want)
			}
		})
	}
}
