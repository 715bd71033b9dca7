package edge

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestLogBucketPolicy(t *testing.T) {
	deny := func(bucketARN string) compose.Statement {
		return compose.Statement{
			Sid: "DenyInsecureTransport", Effect: "Deny", Principal: map[string]any{"AWS": "*"}, Action: []string{"s3:*"},
			Resource:  []string{bucketARN, bucketARN + "/*"},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		}
	}
	cases := map[string]struct {
		reason    string
		partition string
		region    string
		want      compose.PolicyDocument
	}{
		"OlderRegionAccount": {
			reason:    "us-east-1 opened before August 2022: its ELB account 127311923021 delivers the logs.",
			partition: "aws", region: "us-east-1",
			want: compose.Policy(compose.Statement{
				Sid: "ELBAccessLogDelivery", Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::127311923021:root"},
				Action: []string{"s3:PutObject"}, Resource: []string{"arn:aws:s3:::logs/alb/AWSLogs/111122223333/*"},
			}, deny("arn:aws:s3:::logs")),
		},
		"NewerRegionServicePrincipal": {
			reason:    "Regions opened since August 2022 (here Zurich) accept only the log-delivery service principal.",
			partition: "aws", region: "eu-central-2",
			want: compose.Policy(compose.Statement{
				Sid: "ELBAccessLogDelivery", Effect: "Allow", Principal: map[string]any{"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
				Action: []string{"s3:PutObject"}, Resource: []string{"arn:aws:s3:::logs/alb/AWSLogs/111122223333/*"},
			}, deny("arn:aws:s3:::logs")),
		},
		"GovCloudPartition": {
			reason:    "GovCloud has its own partition and ELB account.",
			partition: "aws-us-gov", region: "us-gov-west-1",
			want: compose.Policy(compose.Statement{
				Sid: "ELBAccessLogDelivery", Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws-us-gov:iam::048591011584:root"},
				Action: []string{"s3:PutObject"}, Resource: []string{"arn:aws-us-gov:s3:::logs/alb/AWSLogs/111122223333/*"},
			}, deny("arn:aws-us-gov:s3:::logs")),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := LogBucketPolicy(tc.partition, tc.region, "logs", "111122223333")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestAccessLogs(t *testing.T) {
	prod := ct.Env("prod", network())
	dev := ct.Env("prod", network())
	dev.DeletionProtection = false
	cases := map[string]struct {
		reason    string
		env       *compose.Env
		retention int32
		policies  any
		destroy   bool
	}{
		"ProdKeepsLogs": {
			reason: "With deletion protection the bucket is orphaned on delete and never force-destroyed.",
			env:    prod, retention: 365, policies: []any{"Observe", "Create", "Update", "LateInitialize"},
		},
		"DevTearsDown": {
			reason: "Without protection the bucket goes with the environment, logs included.",
			env:    dev, retention: 30, destroy: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := accessLogs(tc.env, v1alpha1.ResolvedEdge{AccessLogRetentionDays: tc.retention})
			ct.Validate(t, res.Resources)
			bucket := ct.Find(t, res.Resources, logBucket).Object
			if got := bucket["metadata"].(map[string]any)["annotations"].(map[string]any)["crossplane.io/external-name"]; got != LogBucketName(tc.env) {
				t.Errorf("%s\nbucket external name = %v, want %s", tc.reason, got, LogBucketName(tc.env))
			}
			if got := bucket["spec"].(map[string]any)["managementPolicies"]; !cmp.Equal(got, tc.policies) {
				t.Errorf("%s\nmanagementPolicies = %v, want %v", tc.reason, got, tc.policies)
			}
			if got := ct.ForProvider(ct.Find(t, res.Resources, logBucket))["forceDestroy"]; got != tc.destroy {
				t.Errorf("%s\nforceDestroy = %v, want %v", tc.reason, got, tc.destroy)
			}
			sse := ct.ForProvider(ct.Find(t, res.Resources, logEncryption))["rule"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"]
			if diff := cmp.Diff(map[string]any{"sseAlgorithm": "AES256"}, sse); diff != "" {
				t.Errorf("%s\nALB log delivery supports SSE-S3 only: -want +got:\n%s", tc.reason, diff)
			}
			pab := ct.ForProvider(ct.Find(t, res.Resources, logPublicAccess))
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if pab[k] != true {
					t.Errorf("%s\n%s = %v, want true", tc.reason, k, pab[k])
				}
			}
			if got := ct.ForProvider(ct.Find(t, res.Resources, logOwnership))["rule"]; !cmp.Equal(got, map[string]any{"objectOwnership": "BucketOwnerEnforced"}) {
				t.Errorf("%s\nownership = %v", tc.reason, got)
			}
			rule := ct.ForProvider(ct.Find(t, res.Resources, logLifecycle))["rule"].([]any)[0].(map[string]any)
			if diff := cmp.Diff([]any{map[string]any{"days": tc.retention}}, rule["expiration"]); diff != "" {
				t.Errorf("%s\nexpiration: -want +got:\n%s", tc.reason, diff)
			}
			var doc compose.PolicyDocument
			if err := json.Unmarshal([]byte(ct.ForProvider(ct.Find(t, res.Resources, logPolicy))["policy"].(string)), &doc); err != nil {
				t.Fatal(err)
			}
			want := LogBucketPolicy("aws", "us-east-1", LogBucketName(tc.env), "123456789012")
			if diff := cmp.Diff(want, doc); diff != "" {
				t.Errorf("%s\npolicy (account from the observed VPC's ARN): -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestAccessLogsWaitForAccount(t *testing.T) {
	res := accessLogs(ct.Env("prod", compose.Observed{}), v1alpha1.ResolvedEdge{AccessLogRetentionDays: 30})
	for _, r := range res.Resources {
		if r.Name == logPolicy {
			t.Fatalf("the bucket policy needs the account ID: it must wait for an observed ARN")
		}
	}
	if res.Waiting[component] == "" {
		t.Errorf("the edge must say it waits for the account ID")
	}
}
