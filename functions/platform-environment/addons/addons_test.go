package addons_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/addons"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestReleases(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	vpcID, _ := observed.ID(compose.VPC)
	cluster := ct.Env("prod", nil).ClusterName()
	cases := map[string]struct {
		reason string
		name   string
		path   string
		want   any
	}{
		"LBCChart": {"The load balancer controller's chart, pinned.", incluster.LBCRelease, "spec.forProvider.chart",
			map[string]any{"name": "aws-load-balancer-controller", "repository": "https://aws.github.io/eks-charts", "version": "1.17.1"}},
		"LBCCluster": {"The controller is told its cluster, region and VPC.", incluster.LBCRelease, "spec.forProvider.values.clusterName", cluster},
		"LBCRegion":  {"", incluster.LBCRelease, "spec.forProvider.values.region", ct.Region},
		"LBCVPC":     {"", incluster.LBCRelease, "spec.forProvider.values.vpcId", vpcID},
		"LBCSA": {"Its service account is the one its role is bound to.", incluster.LBCRelease, "spec.forProvider.values.serviceAccount",
			map[string]any{"create": true, "name": "aws-load-balancer-controller"}},
		"LBCNamespace": {"", incluster.LBCRelease, "spec.forProvider.namespace", "kube-system"},
		"ReleaseWaits": {"A release is Ready when its workloads are.", addons.MetricsServerRelease, "spec.forProvider.wait", true},
		"FluentBitGroup": {"Container logs go to the application log group, which exists: no group creation.", addons.FluentBitRelease, "spec.forProvider.values.cloudWatchLogs",
			map[string]any{"enabled": true, "region": ct.Region, "logGroupName": "/aws/eks/" + cluster + "/application", "logGroupTemplate": "",
				"logStreamPrefix": "from-fluent-bit-", "autoCreateGroup": false}},
		"FluentBitInput": {"The seed's tail input.", addons.FluentBitRelease, "spec.forProvider.values.input.memBufLimit", "50MB"},
		"AutoscalerDiscovery": {"The autoscaler discovers the node group's Auto Scaling group by its cluster tag.", addons.AutoscalerRelease,
			"spec.forProvider.values.autoDiscovery", map[string]any{"clusterName": cluster}},
		"AutoscalerImage": {"The autoscaler matches the control plane's minor version.", addons.AutoscalerRelease, "spec.forProvider.values.image.tag", "v1.35.0"},
		"ESOCRDs":         {"External Secrets installs its CRDs.", incluster.ESORelease, "spec.forProvider.values.installCRDs", true},
		"ESONamespace":    {"", incluster.ESORelease, "spec.forProvider.namespace", incluster.ExternalSecretsNamespace},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, tc.name).Object), tc.path)
			if diff := cmp.Diff(ct.JSON(tc.want), got); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.reason, tc.path, diff)
			}
		})
	}
}

func TestReleasesWaitForNodes(t *testing.T) {
	ready := func(n string) bool { return n != compose.NodeGroup }
	out, _ := it.Walk(t, "prod", it.Seed(t), ready, it.Others(ready, "backend", "frontend"))
	for _, n := range []string{incluster.LBCRelease, addons.MetricsServerRelease, addons.FluentBitRelease, addons.AutoscalerRelease, incluster.ESORelease} {
		if ct.Has(out.Resources, n) {
			t.Errorf("%s is rendered before the node group is Ready: helm would wait for pods that cannot run", n)
		}
	}
	if !ct.Has(out.Resources, incluster.KubernetesConfig) || !ct.Has(out.Resources, incluster.LBCRelease+"-role") {
		t.Errorf("the ProviderConfigs and the add-ons' roles do not need nodes")
	}
	if w := out.Waiting[incluster.ReleasesComponent]; !strings.Contains(w, "nodes-group to be Ready") {
		t.Errorf("the releases component says what it waits for, got %q", w)
	}
}

func TestAddonSwitches(t *testing.T) {
	off := ct.Ptr(false)
	full, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	r := it.Resolve(t, []v1alpha1.ApplicationSpec{it.FrontendSpec()}, v1alpha1.AddonsSpec{
		ClusterAutoscaler: v1alpha1.AddonRelease{Enabled: off},
		FluentBit:         v1alpha1.AddonRelease{Enabled: off, Version: "0.2.1"},
		MetricsServer:     v1alpha1.AddonRelease{Version: "3.13.1"},
	})
	// Protection off: the backend's removal takes the database password's secret with it.
	env := ct.Env("prod", observed)
	env.DeletionProtection = false
	out := it.Desired(t, env, r)
	for _, n := range []string{addons.AutoscalerRelease, addons.AutoscalerRelease + "-role", addons.FluentBitRelease, addons.FluentBitRelease + "-policy"} {
		if !ct.Has(full.Resources, n) {
			t.Fatalf("%s is not rendered with every add-on on", n)
		}
		if ct.Has(out.Resources, n) {
			t.Errorf("%s is rendered with its add-on off", n)
		}
	}
	if v := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, addons.MetricsServerRelease).Object), "spec.forProvider.chart.version"); v != "3.13.1" {
		t.Errorf("a spec version upgrades the release in place, got %v", v)
	}
	for _, n := range []string{addons.AutoscalerRelease, addons.FluentBitRelease + "-policy"} {
		if _, ok := observed[n]; !ok || ct.Has(out.Resources, n) {
			t.Errorf("%s: what the spec removed is retired (observed, then not desired)", n)
		}
	}
}

func TestPolicies(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	acct, _ := observed.AccountID()
	env := ct.Env("prod", observed)
	for _, r := range out.Resources {
		if r.Object["kind"] != "RolePolicy" {
			continue
		}
		p := it.PolicyOf(t, r)
		ct.NoWildcardAdmin(t, r.Name, p)
		for _, s := range p.Statement {
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
		"FluentBitOneGroup": {"Fluent Bit writes the application log group only.", addons.FluentBitRelease + "-policy", "WriteApplicationLogs", []string{
			"arn:aws:logs:us-east-1:" + acct + ":log-group:" + env.ApplicationLogGroupName(),
			"arn:aws:logs:us-east-1:" + acct + ":log-group:" + env.ApplicationLogGroupName() + ":log-stream:*",
		}},
		"AutoscalerOwnNodeGroups": {"The autoscaler describes this cluster's node groups only.", addons.AutoscalerRelease + "-policy", "DescribeNodeGroups", []string{
			"arn:aws:eks:us-east-1:" + acct + ":nodegroup/" + env.ClusterName() + "/*/*",
		}},
		"ESOEnvironmentSecrets": {"External Secrets fills only the environment's secrets.", incluster.ESORelease + "-policy", "FillGeneratedSecrets", []string{
			env.SecretsARNPattern(acct),
		}},
		"BackendSecrets": {"The backend's $(…) variables are replaced.", "apps-app-backend-policy", "ReadEnvironmentSecrets", []string{
			env.SecretsARNPattern(acct),
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, s := range it.PolicyOf(t, ct.Find(t, out.Resources, tc.name)).Statement {
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
	for _, s := range it.PolicyOf(t, ct.Find(t, out.Resources, addons.AutoscalerRelease+"-policy")).Statement {
		if slices.Contains(s.Action, "autoscaling:SetDesiredCapacity") {
			if s.Condition["StringEquals"]["aws:ResourceTag/k8s.io/cluster-autoscaler/"+env.ClusterName()] != "owned" {
				t.Errorf("SetDesiredCapacity without the cluster's ownership tag condition: %v", s.Condition)
			}
		}
	}
	// The operator's own role reaches neither the master secret nor any key: only the database
	// bootstrap's role does (secrets.TestMasterSecretReach).
	master, _ := observed.String(compose.Database, "status.atProvider.masterUserSecret[0].secretArn")
	for _, s := range it.PolicyOf(t, ct.Find(t, out.Resources, incluster.ESORelease+"-policy")).Statement {
		if slices.Contains(s.Resource, master) || slices.Contains(s.Action, "kms:Decrypt") {
			t.Errorf("the operator's base role reaches the master secret: %+v", s)
		}
	}
}
