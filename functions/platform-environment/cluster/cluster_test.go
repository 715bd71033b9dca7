package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// stageResources are the composition resources each stage renders for the seed, cumulatively.
var (
	firstPass = []string{
		"addons-ebs-csi-role", "addons-ebs-csi-role-policy",
		"cluster-kms-alias", "cluster-kms-key", "cluster-logs", "cluster-role", "cluster-role-policy",
		"nodes-role", "nodes-role-ecr", "nodes-role-ssm", "nodes-role-worker",
	}
	clusterStage = append(append([]string{}, firstPass...),
		"addons-kube-proxy", "addons-vpc-cni-role", "addons-vpc-cni-role-policy",
		"cluster-access-admin-"+AdminAccessName(testAdmin)[len(adminAccessPrefix):],
		"cluster-access-admin-"+AdminAccessName(testAdmin)[len(adminAccessPrefix):]+"-policy",
		"cluster-access-provider", "cluster-access-provider-policy",
		"cluster-auth", "cluster-eks", "cluster-oidc",
		"nodes-launch-template",
	)
	readyStage = append(append([]string{}, clusterStage...),
		"addons-coredns", "addons-ebs-csi", "addons-pod-identity-agent", "addons-vpc-cni",
		"nodes-group",
	)
)

// TestStages walks the seed's cluster through the golden stages and checks what each renders, what
// each waits for, that everything observed at one stage is still desired at the next (keep-observed) and
// that every object is valid for its CRD.
func TestStages(t *testing.T) {
	type stage struct {
		reason string
		ready  func(string) bool
		want   []string
		// waiting is each component's wait message at the fixed point ("" = none).
		waiting map[string]string
	}
	stages := []struct {
		name string
		stage
	}{
		{"network", stage{
			reason: "Nothing of the cluster is Ready: roles, key and log group exist; the cluster waits for the log group.",
			ready:  func(string) bool { return false },
			want:   firstPass,
			waiting: map[string]string{
				"cluster": "cluster-eks waits for cluster-logs to be Ready",
				"nodes":   "nodes-launch-template waits for the cluster security group EKS creates (cluster-eks)",
				"addons":  "addons-vpc-cni-role waits for the cluster's OIDC provider (cluster-oidc)",
			},
		}},
		{"cluster", stage{
			reason: "The control plane is Ready with its issuer: access, kubeconfig, OIDC provider, vpc-cni role, kube-proxy and launch template; vpc-cni waits for its role.",
			ready:  func(n string) bool { return compose.Component(n) == "cluster" },
			want:   clusterStage,
			waiting: map[string]string{
				"nodes":  "nodes-group waits for addons-vpc-cni to be Ready",
				"addons": "addons-vpc-cni waits for addons-vpc-cni-role to be Ready",
			},
		}},
		{"ready", stage{
			reason:  "Everything Ready: node group and all five add-ons.",
			ready:   func(string) bool { return true },
			want:    readyStage,
			waiting: map[string]string{},
		}},
	}
	network := networkObserved(t)
	observed := compose.Observed{}
	for _, s := range stages {
		t.Run(s.name, func(t *testing.T) {
			before := observed
			got, out := walk(t, "prod", network, observed, s.ready)
			if diff := cmp.Diff(ct.Sorted(s.want), ct.Names(out.Resources)); diff != "" {
				t.Errorf("%s\nrendered (-want +got):\n%s", s.reason, diff)
			}
			if diff := cmp.Diff(s.waiting, out.Waiting, cmpEmptyMap); diff != "" {
				t.Errorf("%s\nwaiting (-want +got):\n%s", s.reason, diff)
			}
			for name := range before {
				if _, ok := got[name]; !ok {
					t.Errorf("%s was observed before the stage and is no longer desired", name)
				}
			}
			ct.Validate(t, out.Resources)
			observed = got
		})
	}
}

var cmpEmptyMap = cmp.Transformer("nilmap", func(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
})

// TestKeepObserved checks that a gate never drops a resource that exists: with the cluster observed not
// Ready again (an update in progress) and two ARNs unread, everything that depends on them is still desired —
// rendered, or kept as observed where its content needs the value (the VPC CNI role's trust, the OIDC
// provider's ARN) — with its content unchanged.
func TestKeepObserved(t *testing.T) {
	observed, _ := walk(t, "prod", networkObserved(t), nil, func(string) bool { return true })
	// The cluster goes back to not Ready, and the OIDC provider's and the KMS key's ARNs vanish.
	observed = withCondition(observed, compose.Cluster, "False")
	delete(observed[compose.OIDCProvider]["status"].(map[string]any)["atProvider"].(map[string]any), "arn")
	delete(observed[kmsKey]["status"].(map[string]any)["atProvider"].(map[string]any), "arn")
	env := ct.Env("prod", observed)
	out, err := Build(env, resolveSeed(t, env))
	if err != nil {
		t.Fatal(err)
	}
	desired := ct.Assemble(t, env, out.Result)
	want := append([]string{}, readyStage...)
	for name := range networkObserved(t) { // observed, kept: the network domain's
		want = append(want, name)
	}
	if diff := cmp.Diff(ct.Sorted(want), ct.Names(desired)); diff != "" {
		t.Errorf("desired (-want +got):\n%s", diff)
	}
	if ct.Has(out.Resources, vpcCNIRole) {
		t.Errorf("%s rendered without its trust policy's OIDC provider ARN: want it kept as observed", vpcCNIRole)
	}
	wantTrust, _ := observed.String(vpcCNIRole, "spec.forProvider.assumeRolePolicy")
	if got := ct.ForProvider(ct.Find(t, desired, vpcCNIRole))["assumeRolePolicy"]; got != wantTrust || got == "" {
		t.Errorf("%s's trust policy = %v, want the observed %v", vpcCNIRole, got, wantTrust)
	}
	enc := ct.ForProvider(ct.Find(t, out.Resources, compose.Cluster))["encryptionConfig"].(map[string]any)
	if enc["provider"].(map[string]any)["keyArn"] == "" {
		t.Errorf("the cluster lost its key ARN: %v", enc)
	}
}

func withCondition(o compose.Observed, name, status string) compose.Observed {
	out := compose.Observed{}
	for k, v := range o {
		out[k] = v
	}
	obj := ct.JSONCopy(o[name])
	for _, c := range obj["status"].(map[string]any)["conditions"].([]any) {
		if m := c.(map[string]any); m["type"] == "Ready" {
			m["status"] = status
		}
	}
	out[name] = obj
	return out
}

// TestSecurityControls checks, for every profile, the controls of the reliability issue that concern
// these resources: every object valid for its CRD, no IAM statement allowing Action * on Resource *,
// IMDSv2 on the nodes, encrypted root volumes, secrets encryption, all control-plane log types and a
// public endpoint that is off or restricted.
func TestSecurityControls(t *testing.T) {
	for _, profile := range []string{"prod", "staging", "dev"} {
		t.Run(profile, func(t *testing.T) {
			res, _ := readyBuild(t, profile)
			ct.Validate(t, res)
			for _, r := range res {
				fp := ct.ForProvider(r)
				for _, f := range []string{"assumeRolePolicy", "policy"} {
					if p, ok := fp[f]; ok {
						ct.NoWildcardAdmin(t, r.Name, ct.PolicyOf(t, p))
					}
				}
			}
			lt := ct.ForProvider(ct.Find(t, res, launchTemplate))
			if md := lt["metadataOptions"].(map[string]any); md["httpTokens"] != "required" {
				t.Errorf("IMDSv2 is not required: %v", md)
			}
			if ebs := lt["blockDeviceMappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any); ebs["encrypted"] != "true" {
				t.Errorf("root volume not encrypted: %v", ebs)
			}
			cl := ct.ForProvider(ct.Find(t, res, compose.Cluster))
			if _, ok := cl["encryptionConfig"]; !ok {
				t.Error("secrets are not encrypted")
			}
			if diff := cmp.Diff(LogTypes, cl["enabledClusterLogTypes"]); diff != "" {
				t.Errorf("log types (-want +got):\n%s", diff)
			}
			vpc := cl["vpcConfig"].(map[string]any)
			if vpc["endpointPublicAccess"] == true {
				for _, c := range vpc["publicAccessCidrs"].([]any) {
					if c == "0.0.0.0/0" {
						t.Errorf("public endpoint open to the internet")
					}
				}
			}
		})
	}
}
