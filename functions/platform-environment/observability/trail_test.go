package observability

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestTrailGating(t *testing.T) {
	ready := func(names ...string) compose.Observed {
		o := compose.Observed{compose.VPC: vpc()}
		for _, n := range names {
			o[n] = observed(n, "x.aws.m.upbound.io/v1beta1", "X", true, nil)
		}
		return o
	}
	cases := map[string]struct {
		reason    string
		observed  compose.Observed
		noAccount bool
		wantTrail bool
		wantWait  string
	}{
		"NoAccount": {reason: "Nothing can be bound to the trail's ARN without the account.", noAccount: true, observed: compose.Observed{}, wantWait: "account id"},
		"NoKey":     {reason: "The trail encrypts with the key's ARN.", observed: ready(), wantWait: "KMS key"},
		"NoGroup":   {reason: "CloudTrail needs the log group's ARN.", observed: ready(key), wantWait: "log group"},
		"PolicyNotReady": {
			reason:   "AWS checks the bucket policy and the delivery role when it creates the trail.",
			observed: ready(key, trailLogGroup, trailLogRolePolicy), wantWait: "bucket policy",
		},
		"AllThere": {reason: "Everything the trail needs is observed.", observed: ready(key, trailLogGroup, trailLogRolePolicy, trailBucketPolicy), wantTrail: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := testEnv(tc.observed)
			acct, ok := env.Observed.AccountID()
			out := trail(env, prodResolved(t), acct, ok && !tc.noAccount)
			got := ct.ByName(out.Resources)
			if (got[trailResource] != nil) != tc.wantTrail {
				t.Fatalf("%s\ntrail rendered = %v, want %v", tc.reason, got[trailResource] != nil, tc.wantTrail)
			}
			if !strings.Contains(out.Waiting[component], tc.wantWait) {
				t.Errorf("%s\nwaiting = %q, want it to mention %q", tc.reason, out.Waiting[component], tc.wantWait)
			}
			if tc.noAccount {
				if len(out.Resources) != 0 {
					t.Errorf("rendered %d resources without the account", len(out.Resources))
				}
				return
			}
			ct.Validate(t, out.Resources)
			if !tc.wantTrail {
				return
			}
			fp := ct.ForProvider(got[trailResource])
			keyARN, _ := env.Observed.ARN(key)
			groupARN, _ := env.Observed.ARN(trailLogGroup)
			want := map[string]any{
				"isMultiRegionTrail": true, "includeGlobalServiceEvents": true, "enableLogFileValidation": true, "enableLogging": true,
				"kmsKeyId": keyARN, "cloudWatchLogsGroupArn": groupARN + ":*",
			}
			for k, v := range want {
				if diff := cmp.Diff(v, fp[k]); diff != "" {
					t.Errorf("%s (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}

func TestTrailBucket(t *testing.T) {
	env := testEnv(compose.Observed{compose.VPC: vpc()})
	out := trail(env, prodResolved(t), account, true)
	got := ct.ByName(out.Resources)
	bucket := trailBucketName(env)
	bucketARN := "arn:aws:s3:::" + bucket
	trailARN := "arn:aws:cloudtrail:us-east-1:" + account + ":trail/" + trailName(env)

	if compose.ExternalName(got[trailBucket].Object) != bucket || !strings.HasPrefix(bucket, "team-prod-cloudtrail-") {
		t.Errorf("bucket name = %q", compose.ExternalName(got[trailBucket].Object))
	}
	p := ct.PolicyOf(t, ct.ForProvider(got[trailBucketPolicy])["policy"])
	ct.NoWildcardAdmin(t, trailBucketPolicy, p)
	wantWrite := compose.Statement{
		Sid: "CloudTrailWrite", Effect: "Allow", Principal: map[string]any{"Service": "cloudtrail.amazonaws.com"},
		Action: []string{"s3:PutObject"}, Resource: []string{bucketARN + "/AWSLogs/" + account + "/*"},
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailARN, "s3:x-amz-acl": "bucket-owner-full-control"}},
	}
	if diff := cmp.Diff(wantWrite, statement(t, p, "CloudTrailWrite")); diff != "" {
		t.Errorf("write statement (-want +got):\n%s", diff)
	}
	if acl := statement(t, p, "CloudTrailAclCheck"); acl.Condition["StringEquals"]["aws:SourceArn"] != trailARN || acl.Resource[0] != bucketARN {
		t.Errorf("ACL check statement = %+v", acl)
	}
	if d := statement(t, p, "DenyInsecureTransport"); d.Effect != "Deny" {
		t.Errorf("insecure transport statement = %+v", d)
	}

	pab := ct.ForProvider(got[trailBucketPublic])
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab[k] != true {
			t.Errorf("public access block %s = %v", k, pab[k])
		}
	}
	sse := ct.ForProvider(got[trailBucketEncryption])["rule"].([]any)[0].(map[string]any)
	if sse["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"] != "AES256" {
		t.Errorf("bucket encryption = %v", sse)
	}
	exp := ct.ForProvider(got[trailBucketLifecycle])["rule"].([]any)[0].(map[string]any)["expiration"].([]any)[0].(map[string]any)
	if exp["days"] != int32(365) {
		t.Errorf("expiration = %v, want the 365-day trail retention", exp)
	}

	role := ct.ForProvider(got[trailLogRole])
	trust := ct.PolicyOf(t, role["assumeRolePolicy"])
	if trust.Statement[0].Principal["Service"] != "cloudtrail.amazonaws.com" || trust.Statement[0].Condition["StringEquals"]["aws:SourceArn"] != trailARN {
		t.Errorf("trust policy = %+v", trust)
	}
	rp := ct.PolicyOf(t, ct.ForProvider(got[trailLogRolePolicy])["policy"])
	ct.NoWildcardAdmin(t, trailLogRolePolicy, rp)
	wantRes := []string{"arn:aws:logs:us-east-1:" + account + ":log-group:/aws/cloudtrail/team/prod:log-stream:*"}
	if diff := cmp.Diff(wantRes, rp.Statement[0].Resource); diff != "" {
		t.Errorf("delivery role resources (-want +got):\n%s", diff)
	}
	for _, n := range []string{trailBucket, trailLogGroup} {
		if _, ok := got[n].Object["spec"].(map[string]any)["managementPolicies"]; !ok {
			t.Errorf("%s is not stateful under deletion protection", n)
		}
	}
}
