package apps

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

func TestReleases(t *testing.T) {
	out, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	vpcID, _ := observed.ID(compose.VPC)
	cluster := testEnv("prod", nil).ClusterName()
	cases := map[string]struct {
		reason string
		name   string
		path   string
		want   any
	}{
		"LBCChart": {"The load balancer controller's chart, pinned.", lbcRelease, "spec.forProvider.chart",
			map[string]any{"name": "aws-load-balancer-controller", "repository": "https://aws.github.io/eks-charts", "version": "1.17.1"}},
		"LBCCluster": {"The controller is told its cluster, region and VPC.", lbcRelease, "spec.forProvider.values.clusterName", cluster},
		"LBCRegion":  {"", lbcRelease, "spec.forProvider.values.region", testRegion},
		"LBCVPC":     {"", lbcRelease, "spec.forProvider.values.vpcId", vpcID},
		"LBCSA": {"Its service account is the one its role is bound to.", lbcRelease, "spec.forProvider.values.serviceAccount",
			map[string]any{"create": true, "name": lbcServiceAccount}},
		"LBCNamespace": {"", lbcRelease, "spec.forProvider.namespace", "kube-system"},
		"ReleaseWaits": {"A release is Ready when its workloads are.", metricsServerRelease, "spec.forProvider.wait", true},
		"FluentBitGroup": {"Container logs go to the application log group, which exists: no group creation.", fluentBitRelease, "spec.forProvider.values.cloudWatchLogs",
			map[string]any{"enabled": true, "region": testRegion, "logGroupName": "/aws/eks/" + cluster + "/application", "logGroupTemplate": "",
				"logStreamPrefix": "from-fluent-bit-", "autoCreateGroup": false}},
		"FluentBitInput": {"The seed's tail input.", fluentBitRelease, "spec.forProvider.values.input.memBufLimit", "50MB"},
		"AutoscalerDiscovery": {"The autoscaler discovers the node group's Auto Scaling group by its cluster tag.", autoscalerRelease,
			"spec.forProvider.values.autoDiscovery", map[string]any{"clusterName": cluster}},
		"AutoscalerImage": {"The autoscaler matches the control plane's minor version.", autoscalerRelease, "spec.forProvider.values.image.tag", "v1.35.0"},
		"ESOCRDs":         {"External Secrets installs its CRDs.", esoRelease, "spec.forProvider.values.installCRDs", true},
		"ESONamespace":    {"", esoRelease, "spec.forProvider.namespace", ExternalSecretsNamespace},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := get(jsonCopy(t, find(t, out, tc.name).Object), tc.path)
			if diff := cmp.Diff(jsonRoundAny(t, tc.want), got); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.reason, tc.path, diff)
			}
		})
	}
}

func jsonRoundAny(t *testing.T, v any) any {
	return get(jsonCopy(t, map[string]any{"v": v}), "v")
}

func TestReleasesWaitForNodes(t *testing.T) {
	ready := func(n string) bool { return n != compose.NodeGroup }
	out, _ := walk(t, "prod", seed(t), ready, others(ready, "backend", "frontend"))
	for _, n := range []string{lbcRelease, metricsServerRelease, fluentBitRelease, autoscalerRelease, esoRelease} {
		if has(out, n) {
			t.Errorf("%s is rendered before the node group is Ready: helm would wait for pods that cannot run", n)
		}
	}
	if !has(out, kubernetesConfig) || !has(out, lbcIdentity.role()) {
		t.Errorf("the ProviderConfigs and the add-ons' roles do not need nodes")
	}
	if w := out.Waiting[releasesComponent]; !strings.Contains(w, "nodes-group to be Ready") {
		t.Errorf("the releases component says what it waits for, got %q", w)
	}
}

func TestAddonSwitches(t *testing.T) {
	off := ptr(false)
	full, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	r := resolve(t, []v1alpha1.ApplicationSpec{frontendSpec()}, v1alpha1.AddonsSpec{
		ClusterAutoscaler: v1alpha1.AddonRelease{Enabled: off},
		FluentBit:         v1alpha1.AddonRelease{Enabled: off, Version: "0.2.1"},
		MetricsServer:     v1alpha1.AddonRelease{Version: "3.13.1"},
	})
	// Protection off: the backend's removal takes the database password's secret with it.
	env := testEnv("prod", observed)
	env.DeletionProtection = false
	out := desired(t, env, r)
	for _, n := range []string{autoscalerRelease, autoscalerIdentity.role(), fluentBitRelease, fluentBitIdentity.policy()} {
		if !has(full, n) {
			t.Fatalf("%s is not rendered with every add-on on", n)
		}
		if has(out, n) {
			t.Errorf("%s is rendered with its add-on off", n)
		}
	}
	if v := get(jsonCopy(t, find(t, out, metricsServerRelease).Object), "spec.forProvider.chart.version"); v != "3.13.1" {
		t.Errorf("a spec version upgrades the release in place, got %v", v)
	}
	for _, n := range []string{autoscalerRelease, fluentBitIdentity.policy()} {
		if _, ok := observed[n]; !ok || has(out, n) {
			t.Errorf("%s: what the spec removed is retired (observed, then not desired)", n)
		}
	}
}

func TestPolicies(t *testing.T) {
	out, observed := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	acct, _ := observed.AccountID()
	env := testEnv("prod", observed)
	for _, r := range out.Resources {
		if r.Object["kind"] != "RolePolicy" {
			continue
		}
		for _, s := range policyOf(t, r).Statement {
			if contains(s.Action, "*") && contains(s.Resource, "*") {
				t.Errorf("%s: Action * on Resource *", r.Name)
			}
			for _, a := range s.Action {
				if strings.HasSuffix(a, ":*") {
					t.Errorf("%s: service-wide action %s", r.Name, a)
				}
			}
		}
	}
	cases := map[string]struct {
		reason string
		name   string
		sid    string
		want   []string
	}{
		"FluentBitOneGroup": {"Fluent Bit writes the application log group only.", fluentBitIdentity.policy(), "WriteApplicationLogs", []string{
			"arn:aws:logs:us-east-1:" + acct + ":log-group:" + env.ApplicationLogGroupName(),
			"arn:aws:logs:us-east-1:" + acct + ":log-group:" + env.ApplicationLogGroupName() + ":log-stream:*",
		}},
		"AutoscalerOwnNodeGroups": {"The autoscaler describes this cluster's node groups only.", autoscalerIdentity.policy(), "DescribeNodeGroups", []string{
			"arn:aws:eks:us-east-1:" + acct + ":nodegroup/" + env.ClusterName() + "/*/*",
		}},
		"ESOEnvironmentSecrets": {"External Secrets fills only the environment's secrets.", esoIdentity.policy(), "FillGeneratedSecrets", []string{
			env.SecretsARNPattern(acct),
		}},
		"BackendSecrets": {"The backend's $(…) variables are replaced.", "apps-app-backend-policy", "ReadEnvironmentSecrets", []string{
			env.SecretsARNPattern(acct),
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, s := range policyOf(t, find(t, out, tc.name)).Statement {
				if s.Sid == tc.sid {
					if diff := cmp.Diff(tc.want, s.Resource); diff != "" {
						t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
					}
					return
				}
			}
			t.Errorf("%s: no statement %s", tc.reason, tc.sid)
		})
	}
	// The autoscaler may only resize groups of this cluster.
	for _, s := range policyOf(t, find(t, out, autoscalerIdentity.policy())).Statement {
		if contains(s.Action, "autoscaling:SetDesiredCapacity") {
			if s.Condition["StringEquals"]["aws:ResourceTag/k8s.io/cluster-autoscaler/"+env.ClusterName()] != "owned" {
				t.Errorf("SetDesiredCapacity without the cluster's ownership tag condition: %v", s.Condition)
			}
		}
	}
	// The master secret is decrypted only through Secrets Manager, for that secret.
	master, _ := observed.String(compose.Database, "status.atProvider.masterUserSecret[0].secretArn")
	found := false
	for _, s := range policyOf(t, find(t, out, esoIdentity.policy())).Statement {
		if s.Sid == "DecryptDatabaseSecret" {
			found = true
			if s.Condition["StringEquals"]["kms:EncryptionContext:SecretARN"] != master || s.Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.us-east-1.amazonaws.com" {
				t.Errorf("Decrypt is not bound to the master secret through Secrets Manager: %v", s.Condition)
			}
		}
	}
	if !found {
		t.Errorf("External Secrets cannot decrypt the master secret")
	}
}

func TestLoadBalancerControllerPolicy(t *testing.T) {
	p := loadBalancerControllerPolicy("aws-cn")
	if len(p.Statement) != 16 {
		t.Errorf("the published policy has 16 statements, got %d", len(p.Statement))
	}
	for _, s := range p.Statement {
		for _, r := range s.Resource {
			if strings.HasPrefix(r, "arn:") && !strings.HasPrefix(r, "arn:aws-cn:") {
				t.Errorf("ARN %s is not in the region's partition", r)
			}
		}
		for _, a := range s.Action {
			if strings.HasPrefix(a, "elasticloadbalancing:Delete") || strings.HasPrefix(a, "ec2:DeleteSecurityGroup") {
				if s.Condition["Null"]["aws:ResourceTag/"+lbcClusterTag] != "false" && a != "elasticloadbalancing:DeleteListener" && a != "elasticloadbalancing:DeleteRule" {
					t.Errorf("%s is allowed on resources the controller did not tag", a)
				}
			}
		}
	}
}

func TestIdentityBinding(t *testing.T) {
	out, _ := walk(t, "prod", seed(t), all, others(all, "backend", "frontend"))
	cases := map[string]struct {
		reason    string
		id        identity
		namespace string
		sa        string
	}{
		"LBC":     {"The controller's role is bound to its service account.", lbcIdentity, "kube-system", lbcServiceAccount},
		"ESO":     {"", esoIdentity, ExternalSecretsNamespace, esoServiceAccount},
		"Backend": {"An application's role is bound to its own service account.", appIdentity(&seed(t).Apps[0]), testNamespace, "backend"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := jsonCopy(t, find(t, out, tc.id.association()).Object)
			if a["kind"] != "PodIdentityAssociation" || get(a, "spec.forProvider.namespace") != tc.namespace || get(a, "spec.forProvider.serviceAccount") != tc.sa ||
				get(a, "spec.forProvider.roleArnRef.name") != "prod-"+tc.id.role() {
				t.Errorf("%s: %v", tc.reason, a["spec"])
			}
			trust := get(jsonCopy(t, find(t, out, tc.id.role()).Object), "spec.forProvider.assumeRolePolicy").(string)
			if !strings.Contains(trust, "pods.eks.amazonaws.com") || !strings.Contains(trust, "sts:TagSession") {
				t.Errorf("the role must trust EKS Pod Identity: %s", trust)
			}
		})
	}
	if has(out, "apps-app-frontend-role") {
		t.Errorf("an application without IAM statements gets no role (and no AWS credentials)")
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
