package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIRSATrustPolicy(t *testing.T) {
	const issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"
	const arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
	cluster := map[string]any{"status": map[string]any{"atProvider": map[string]any{
		"identity": []any{map[string]any{"oidc": []any{map[string]any{"issuer": issuer}}}},
	}}}
	provider := map[string]any{"status": map[string]any{"atProvider": map[string]any{"arn": arn}}}
	cases := map[string]struct {
		reason   string
		observed Observed
		want     PolicyDocument
		ok       bool
	}{
		"NothingObserved": {reason: "Without the issuer there is nothing to trust yet.", observed: Observed{}},
		"NoProvider":      {reason: "The issuer alone is not enough: IAM trusts the provider.", observed: Observed{Cluster: cluster}},
		"Both": {
			reason:   "The role trusts one service account through the provider, for STS only.",
			observed: Observed{Cluster: cluster, OIDCProvider: provider},
			ok:       true,
			want: Policy(Statement{
				Effect:    "Allow",
				Principal: map[string]any{"Federated": arn},
				Action:    []string{"sts:AssumeRoleWithWebIdentity"},
				Condition: map[string]map[string]any{"StringEquals": {
					"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
					"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:aws-node",
				}},
			}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := &Env{Observed: tc.observed}
			got, ok := env.IRSATrustPolicy("kube-system", "aws-node")
			if ok != tc.ok {
				t.Fatalf("%s\nok = %v, want %v", tc.reason, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n(-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func TestPodIdentityAssociation(t *testing.T) {
	env := &Env{Name: "prod", Namespace: "team", Region: "us-east-1", ProviderConfig: ProviderConfigRef{Kind: "ProviderConfig", Name: "default"}}
	got := env.PodIdentityAssociation("apps-backend-identity", "cloud-consulting", "backend", "apps-backend-role").Resource().Object
	want := map[string]any{
		"apiVersion": "eks.aws.m.upbound.io/v1beta1",
		"kind":       "PodIdentityAssociation",
		"metadata":   map[string]any{"name": "prod-apps-backend-identity"},
		"spec": map[string]any{
			"providerConfigRef": map[string]any{"kind": "ProviderConfig", "name": "default"},
			"forProvider": map[string]any{
				"region":         "us-east-1",
				"tags":           map[string]any{"component": "apps", "environment": "team/prod", "managed-by": "crossplane"},
				"clusterNameRef": map[string]any{"name": "prod-cluster-eks"},
				"namespace":      "cloud-consulting",
				"serviceAccount": "backend",
				"roleArnRef":     map[string]any{"name": "prod-apps-backend-role"},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PodIdentityAssociation (-want +got):\n%s", diff)
	}
}

func TestPodIdentityTrust(t *testing.T) {
	vpc := map[string]any{"status": map[string]any{"atProvider": map[string]any{"arn": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1"}}}
	env := &Env{Name: "prod", Namespace: "team", Region: "us-east-1", Observed: Observed{}}
	if _, ok := env.PodIdentityTrust(); ok {
		t.Fatal("PodIdentityTrust without the account: ok, want false (the role waits for the account)")
	}
	env.Observed = Observed{VPC: vpc}
	clusterARN := "arn:aws:eks:us-east-1:123456789012:cluster/" + env.ClusterName()
	statement := func(equals map[string]any) PolicyDocument {
		return Policy(Statement{
			Effect:    "Allow",
			Principal: map[string]any{"Service": "pods.eks.amazonaws.com"},
			Action:    []string{"sts:AssumeRole", "sts:TagSession"},
			Condition: map[string]map[string]any{"StringEquals": equals, "ArnEquals": {"aws:SourceArn": clusterARN}},
		})
	}
	got, ok := env.PodIdentityTrust()
	if !ok {
		t.Fatal("PodIdentityTrust with the account observed: not ok")
	}
	if diff := cmp.Diff(statement(map[string]any{"aws:SourceAccount": "123456789012"}), got); diff != "" {
		t.Errorf("PodIdentityTrust: only this account's cluster (-want +got):\n%s", diff)
	}
	got, _ = env.PodIdentityTrustFor("cloud-consulting", "backend")
	want := statement(map[string]any{
		"aws:SourceAccount":                         "123456789012",
		"aws:RequestTag/kubernetes-namespace":       "cloud-consulting",
		"aws:RequestTag/kubernetes-service-account": "backend",
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PodIdentityTrustFor: this cluster's one service account (-want +got):\n%s", diff)
	}
}
