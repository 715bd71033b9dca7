package edge

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	logBucket       = "edge-logs-bucket"
	logEncryption   = "edge-logs-encryption"
	logPublicAccess = "edge-logs-public-access"
	logOwnership    = "edge-logs-ownership"
	logLifecycle    = "edge-logs-lifecycle"
	logPolicy       = "edge-logs-policy"

	// logPrefix is where the load balancer writes in the bucket.
	logPrefix = "alb"
)

// elbLogAccounts are the Elastic Load Balancing accounts that deliver access logs in the regions that
// opened before August 2022. Regions opened since accept only the log-delivery service principal
// (elbLogDeliveryPrincipal). From the ELB user guide, "Enable access logs", step 2.
var elbLogAccounts = map[string]string{
	"us-east-1":      "127311923021",
	"us-east-2":      "033677994240",
	"us-west-1":      "027434742980",
	"us-west-2":      "797873946194",
	"af-south-1":     "098369216593",
	"ap-east-1":      "754344448648",
	"ap-southeast-3": "589379963580",
	"ap-south-1":     "718504428378",
	"ap-northeast-3": "383597477331",
	"ap-northeast-2": "600734575887",
	"ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266",
	"ap-northeast-1": "582318560864",
	"ca-central-1":   "985666609251",
	"eu-central-1":   "054676820928",
	"eu-west-1":      "156460612806",
	"eu-west-2":      "652711504416",
	"eu-south-1":     "635631232127",
	"eu-west-3":      "009996457667",
	"eu-north-1":     "897822967062",
	"me-south-1":     "076674570225",
	"sa-east-1":      "507241528517",
	"us-gov-west-1":  "048591011584",
	"us-gov-east-1":  "190560391635",
	"cn-north-1":     "638102146993",
	"cn-northwest-1": "037604701340",
}

const elbLogDeliveryPrincipal = "logdelivery.elasticloadbalancing.amazonaws.com"

// LogBucketName is the access-log bucket's name. Bucket names are global across all accounts, so the
// region is part of it besides the environment's identity.
func LogBucketName(env *compose.Env) string {
	return env.AWSName(compose.RuleS3, "alb-logs-"+env.Region)
}

// accessLogs renders the load balancer's access-log bucket: SSE-S3 (the only encryption ALB log delivery
// supports), no public access, ACLs disabled, logs expired after the retention, TLS-only access, and a
// policy that lets the region's log delivery write under alb/AWSLogs/<account>/. The policy names the
// account, so it waits until an observed ARN tells it.
func accessLogs(env *compose.Env, r v1alpha1.ResolvedEdge) compose.Result {
	var res compose.Result
	bucket := LogBucketName(env)
	res.Add(env.NewAWS(logBucket, s3, "Bucket").ExternalName(bucket).Stateful().ForProvider(map[string]any{
		// Without protection (dev) the environment tears down completely, logs included; with it the
		// bucket is orphaned anyway (Stateful), so forceDestroy never deletes logs there.
		"forceDestroy": !env.DeletionProtection,
	}))
	bucketRef := map[string]any{"bucketRef": env.Ref(logBucket)}
	with := func(fields map[string]any) map[string]any {
		for k, v := range bucketRef {
			fields[k] = v
		}
		return fields
	}
	res.Add(env.NewAWS(logEncryption, s3, "BucketServerSideEncryptionConfiguration").Untagged().ForProvider(with(map[string]any{
		"rule": []any{map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"},
		}},
	})))
	res.Add(env.NewAWS(logPublicAccess, s3, "BucketPublicAccessBlock").Untagged().ForProvider(with(map[string]any{
		"blockPublicAcls":       true,
		"blockPublicPolicy":     true,
		"ignorePublicAcls":      true,
		"restrictPublicBuckets": true,
	})))
	res.Add(env.NewAWS(logOwnership, s3, "BucketOwnershipControls").Untagged().ForProvider(with(map[string]any{
		"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"},
	})))
	res.Add(env.NewAWS(logLifecycle, s3, "BucketLifecycleConfiguration").Untagged().ForProvider(with(map[string]any{
		"rule": []any{map[string]any{
			"id":                             "expire-access-logs",
			"status":                         "Enabled",
			"filter":                         []any{map[string]any{"prefix": logPrefix + "/"}},
			"expiration":                     []any{map[string]any{"days": r.AccessLogRetentionDays}},
			"abortIncompleteMultipartUpload": []any{map[string]any{"daysAfterInitiation": 1}},
		}},
	})))

	account, ok := env.Observed.AccountID()
	if !ok && !env.Observed.Exists(logPolicy) {
		res.Wait(component, "waiting for the AWS account ID (from any observed ARN) to write the access-log bucket policy")
		return res
	}
	if !ok {
		// Observed before but no ARN now (never in practice): keep the policy as observed.
		return res
	}
	res.Add(env.NewAWS(logPolicy, s3, "BucketPolicy").Untagged().ForProvider(with(map[string]any{
		"policy": compose.MustJSON(LogBucketPolicy(env.Partition(), env.Region, bucket, account)),
	})))
	return res
}

// LogBucketPolicy lets the region's ELB log delivery put objects under alb/AWSLogs/<account>/ and denies
// every request that does not use TLS (FSBP S3.5).
func LogBucketPolicy(partition, region, bucket, account string) compose.PolicyDocument {
	bucketARN := compose.ARN(partition, "s3", "", "", bucket)
	principal := map[string]any{"Service": elbLogDeliveryPrincipal}
	if acct, ok := elbLogAccounts[region]; ok {
		principal = map[string]any{"AWS": compose.AccountRoot(partition, acct)}
	}
	return compose.Policy(
		compose.Statement{
			Sid:       "ELBAccessLogDelivery",
			Effect:    "Allow",
			Principal: principal,
			Action:    []string{"s3:PutObject"},
			Resource:  []string{bucketARN + "/" + logPrefix + "/AWSLogs/" + account + "/*"},
		},
		compose.DenyInsecureTransport("s3:*", bucketARN, bucketARN+"/*"),
	)
}
