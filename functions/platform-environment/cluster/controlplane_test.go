package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// readyBuild is the seed's build with everything observed Ready.
func readyBuild(t *testing.T, profile string) ([]*compose.Resource, *compose.Env) {
	t.Helper()
	observed, out := walk(t, profile, networkObserved(t), nil, func(string) bool { return true })
	return out.Resources, ct.Env(profile, observed)
}

func TestControlPlane(t *testing.T) {
	res, env := readyBuild(t, "prod")
	keyARN, _ := env.Observed.ARN(kmsKey)
	cases := map[string]struct {
		reason string
		name   string
		want   map[string]any
	}{
		"Cluster": {
			reason: "Private endpoint on, public only for the spec's CIDRs, all log types, secrets encrypted, API authentication with no implicit admin, private subnets, no extra security group.",
			name:   compose.Cluster,
			want: map[string]any{
				"region": "us-east-1", "version": "1.35",
				"roleArnRef": map[string]any{"name": "prod-cluster-role"},
				"vpcConfig": map[string]any{
					"endpointPrivateAccess": true, "endpointPublicAccess": true,
					"publicAccessCidrs": []any{"198.51.100.0/24", "203.0.113.10/32"},
					"subnetIdRefs": []any{
						map[string]any{"name": "prod-network-subnet-private-a"},
						map[string]any{"name": "prod-network-subnet-private-b"},
						map[string]any{"name": "prod-network-subnet-private-c"},
					},
				},
				"enabledClusterLogTypes":     []any{"api", "audit", "authenticator", "controllerManager", "scheduler"},
				"encryptionConfig":           map[string]any{"resources": []any{"secrets"}, "provider": map[string]any{"keyArn": keyARN}},
				"accessConfig":               map[string]any{"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": false},
				"bootstrapSelfManagedAddons": false,
				"upgradePolicy":              map[string]any{"supportType": "EXTENDED"},
				"tags":                       map[string]any{"component": "cluster", "environment": "cloud-consulting/prod", "managed-by": "crossplane"},
			},
		},
		"LogGroup": {
			reason: "The control-plane log group: retention, the cluster key, AWS deletion protection in prod.",
			name:   logGroup,
			want: map[string]any{
				"region": "us-east-1", "retentionInDays": 365,
				"kmsKeyIdRef":               map[string]any{"name": "prod-cluster-kms-key"},
				"deletionProtectionEnabled": true,
				"tags":                      map[string]any{"component": "cluster", "environment": "cloud-consulting/prod", "managed-by": "crossplane"},
			},
		},
		"RoleAttachment": {
			reason: "The cluster role carries AmazonEKSClusterPolicy.",
			name:   clusterRolePolicy,
			want: map[string]any{
				"roleRef":   map[string]any{"name": "prod-cluster-role"},
				"policyArn": "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
			},
		},
		"Alias": {
			reason: "The key's alias points at it.",
			name:   kmsAlias,
			want:   map[string]any{"region": "us-east-1", "targetKeyIdRef": map[string]any{"name": "prod-cluster-kms-key"}},
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

	cl := ct.Find(t, res, compose.Cluster)
	if got := cl.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != env.ClusterName() {
		t.Errorf("cluster external name = %v, want %s", got, env.ClusterName())
	}
	lg := ct.Find(t, res, logGroup)
	if got := lg.Object["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != "/aws/eks/"+env.ClusterName()+"/cluster" {
		t.Errorf("log group name = %v", got)
	}
}

// TestKMSKey checks the key's settings and policy: rotation on, the account administers it, the cluster
// role uses it, the provider may grant it to EKS only, and CloudWatch Logs may use it for the cluster's
// log group only.
func TestKMSKey(t *testing.T) {
	res, env := readyBuild(t, "prod")
	fp := ct.ForProvider(ct.Find(t, res, kmsKey))
	if fp["enableKeyRotation"] != true || fp["deletionWindowInDays"] != 30 {
		t.Errorf("rotation %v, deletion window %v; want true, 30", fp["enableKeyRotation"], fp["deletionWindowInDays"])
	}
	roleARN, _ := env.Observed.ARN(clusterRole)
	got := ct.PolicyOf(t, fp["policy"])
	ct.NoWildcardAdmin(t, kmsKey, got)
	want := compose.Policy(
		compose.Statement{Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, Action: []string{"kms:*"}, Resource: []string{"*"}},
		compose.Statement{Sid: "ClusterRoleUsesTheKey", Effect: "Allow", Principal: map[string]any{"AWS": roleARN}, Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"}, Resource: []string{"*"}},
		compose.Statement{Sid: "ClusterCreatorGrantsEKS", Effect: "Allow", Principal: map[string]any{"AWS": testProvider}, Action: []string{"kms:CreateGrant", "kms:DescribeKey"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}},
		compose.Statement{Sid: "CloudWatchLogsEncryptsTheControlPlaneLogs", Effect: "Allow", Principal: map[string]any{"Service": "logs.us-east-1.amazonaws.com"},
			Action: []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/" + env.ClusterName() + "/cluster"}}},
	)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("key policy (-want +got):\n%s", diff)
	}
}

// TestProtection checks what deletion protection changes: with it (prod) the key and the log group leave
// Delete out of their management policies, so deleting the environment leaves them in AWS; without it
// (dev) everything is deleted with the environment.
func TestProtection(t *testing.T) {
	stateful := map[string]bool{kmsKey: true, logGroup: true}
	for _, profile := range []string{"prod", "dev"} {
		res, _ := readyBuild(t, profile)
		for _, r := range res {
			mp, has := r.Object["spec"].(map[string]any)["managementPolicies"]
			wantProtected := profile == "prod" && stateful[r.Name]
			if wantProtected != has {
				t.Errorf("%s/%s: managementPolicies %v, want protected=%v", profile, r.Name, mp, wantProtected)
			}
			if has {
				for _, p := range mp.([]any) {
					if p == "Delete" || p == "*" {
						t.Errorf("%s/%s: protected resource may be deleted: %v", profile, r.Name, mp)
					}
				}
			}
		}
		if got := ct.ForProvider(ct.Find(t, res, kmsKey))["deletionWindowInDays"]; profile == "dev" && got != 7 {
			t.Errorf("dev key deletion window = %v, want 7", got)
		}
	}
}

// TestClusterGates checks that the cluster waits for its key's ARN and its log group.
func TestClusterGates(t *testing.T) {
	cases := map[string]struct {
		reason   string
		observed func(o compose.Observed)
		want     string
	}{
		"NoKey": {
			reason:   "Without the key's ARN the cluster cannot be created (encryption is set at creation only).",
			observed: func(o compose.Observed) { delete(o, kmsKey) },
			want:     "cluster-eks waits for the KMS key's ARN (cluster-kms-key)",
		},
		"LogGroupNotReady": {
			reason:   "The log group must exist before EKS writes to it.",
			observed: func(o compose.Observed) { o[logGroup] = withCondition(o, logGroup, "False")[logGroup] },
			want:     "cluster-eks waits for cluster-logs to be Ready",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			observed, _ := walk(t, "prod", networkObserved(t), nil, func(n string) bool { return compose.Component(n) == "cluster" })
			for n := range observed {
				if compose.Component(n) != "network" && n != kmsKey && n != logGroup && n != clusterRole {
					delete(observed, n)
				}
			}
			tc.observed(observed)
			env := ct.Env("prod", observed)
			out, err := Build(env, resolveSeed(t, env))
			if err != nil {
				t.Fatal(err)
			}
			if ct.Has(out.Resources, compose.Cluster) {
				t.Errorf("%s\nthe cluster was rendered", tc.reason)
			}
			if got := out.Waiting["cluster"]; got != tc.want {
				t.Errorf("%s\nwaiting = %q, want %q", tc.reason, got, tc.want)
			}
		})
	}
}
