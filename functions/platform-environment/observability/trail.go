package observability

import (
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Composition resource names of the trail. All start with trailResource, so turning the trail off retires
// them together.
const (
	trailResource          = "observability-trail"
	trailBucket            = "observability-trail-bucket"
	trailBucketEncryption  = "observability-trail-bucket-encryption"
	trailBucketPublic      = "observability-trail-bucket-public-access"
	trailBucketOwnership   = "observability-trail-bucket-ownership"
	trailBucketVersioning  = "observability-trail-bucket-versioning"
	trailBucketLifecycle   = "observability-trail-bucket-lifecycle"
	trailBucketPolicy      = "observability-trail-bucket-policy"
	trailLogGroup          = "observability-trail-logs"
	trailLogRole           = "observability-trail-logs-role"
	trailLogRolePolicy     = "observability-trail-logs-policy"
	trailNoncurrentDays    = 30
	trailAbortMultipartDay = 7
)

func trailName(env *compose.Env) string { return env.AWSName(compose.RuleGeneric, "trail") }

func trailBucketName(env *compose.Env) string { return env.AWSName(compose.RuleS3, "cloudtrail") }

// trailLogGroupName is unique in the account: namespace and XR name cannot contain slashes.
func trailLogGroupName(env *compose.Env) string {
	return "/aws/cloudtrail/" + env.Namespace + "/" + env.Name
}

type trailOutput struct {
	compose.Result
	arn, bucket string
}

// trail renders a multi-region CloudTrail trail with log file validation, its files encrypted with the
// environment's key, into an S3 bucket that is encrypted, versioned, private, owner-enforced, expires
// files after the retention and admits CloudTrail only for this trail (aws:SourceArn), plus delivery to
// a CloudWatch Logs group through a role CloudTrail assumes for this trail only.
//
// AWS checks the bucket policy and the log delivery role when the trail is created, so the trail waits
// for the bucket policy and the role policy to be Ready, and for the key's and log group's ARNs.
func trail(env *compose.Env, r v1alpha1.ResolvedObservability, account string, hasAccount bool) trailOutput {
	var out trailOutput
	if !hasAccount {
		out.Wait(component, "the trail waits for the AWS account id")
		return out
	}
	name := trailName(env)
	trailARN := env.ARN("cloudtrail", env.Region, account, "trail/"+name)
	bucket := trailBucketName(env)
	out.bucket = bucket
	if a, ok := env.Observed.ARN(trailResource); ok {
		out.arn = a
	}
	bucketARN := env.ARN("s3", "", "", bucket)

	out.Add(env.NewAWS(trailBucket, apiS3, "Bucket").ExternalName(bucket).Stateful())
	out.Add(env.NewAWS(trailBucketEncryption, apiS3, "BucketServerSideEncryptionConfiguration").Untagged().ForProvider(map[string]any{
		"bucketRef": env.Ref(trailBucket),
		// SSE-S3 as the bucket default: CloudTrail encrypts the log files themselves with the KMS key; its
		// digest files use the default, which must not be a key CloudTrail has no context to use.
		"rule": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}},
	}))
	out.Add(env.NewAWS(trailBucketPublic, apiS3, "BucketPublicAccessBlock").Untagged().ForProvider(map[string]any{
		"bucketRef":             env.Ref(trailBucket),
		"blockPublicAcls":       true,
		"blockPublicPolicy":     true,
		"ignorePublicAcls":      true,
		"restrictPublicBuckets": true,
	}))
	out.Add(env.NewAWS(trailBucketOwnership, apiS3, "BucketOwnershipControls").Untagged().ForProvider(map[string]any{
		"bucketRef": env.Ref(trailBucket),
		"rule":      map[string]any{"objectOwnership": "BucketOwnerEnforced"},
	}))
	out.Add(env.NewAWS(trailBucketVersioning, apiS3, "BucketVersioning").Untagged().ForProvider(map[string]any{
		"bucketRef":               env.Ref(trailBucket),
		"versioningConfiguration": map[string]any{"status": "Enabled"},
	}))
	out.Add(env.NewAWS(trailBucketLifecycle, apiS3, "BucketLifecycleConfiguration").Untagged().ForProvider(map[string]any{
		"bucketRef": env.Ref(trailBucket),
		"rule": []any{map[string]any{
			"id":                             "expire-trail-files",
			"status":                         "Enabled",
			"filter":                         []any{map[string]any{"prefix": ""}},
			"expiration":                     []any{map[string]any{"days": r.TrailRetentionDays}},
			"noncurrentVersionExpiration":    []any{map[string]any{"noncurrentDays": trailNoncurrentDays}},
			"abortIncompleteMultipartUpload": []any{map[string]any{"daysAfterInitiation": trailAbortMultipartDay}},
		}},
	}))
	out.Add(env.NewAWS(trailBucketPolicy, apiS3, "BucketPolicy").Untagged().ForProvider(map[string]any{
		"bucketRef": env.Ref(trailBucket),
		"policy":    compose.MustJSON(trailBucketPolicyDocument(env, bucketARN, trailARN, account)),
	}))

	group := trailLogGroupName(env)
	out.Add(env.NewAWS(trailLogGroup, apiLogs, "Group").ExternalName(group).Stateful().ForProvider(map[string]any{
		"retentionInDays": r.TrailRetentionDays,
		"kmsKeyIdRef":     env.Ref(key),
	}))
	groupARN := env.ARN("logs", env.Region, account, "log-group:"+group)
	out.Add(env.NewAWS(trailLogRole, apiIAM, "Role").ExternalName(env.AWSName(compose.RuleIAM, "cloudtrail-logs")).ForProvider(map[string]any{
		"description": "Delivers the CloudTrail trail of " + env.Namespace + "/" + env.Name + " to CloudWatch Logs",
		"assumeRolePolicy": compose.MustJSON(compose.Policy(compose.Statement{
			Effect:    "Allow",
			Principal: map[string]any{"Service": "cloudtrail.amazonaws.com"},
			Action:    []string{"sts:AssumeRole"},
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailARN}},
		})),
	}))
	out.Add(env.NewAWS(trailLogRolePolicy, apiIAM, "RolePolicy").Untagged().ForProvider(map[string]any{
		"roleRef": env.Ref(trailLogRole),
		"policy": compose.MustJSON(compose.Policy(compose.Statement{
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{groupARN + ":log-stream:*"},
		})),
	}))

	keyARN, keyOK := env.Observed.ARN(key)
	observedGroup, groupOK := env.Observed.ARN(trailLogGroup)
	switch {
	case !keyOK:
		out.Wait(component, "the trail waits for the KMS key's ARN")
	case !groupOK:
		out.Wait(component, "the trail waits for its log group's ARN")
	case !env.Observed.AllReady(trailBucketPolicy, trailLogRolePolicy):
		out.Wait(component, "the trail waits for its bucket policy and log delivery role to be ready (AWS checks both when it creates the trail)")
	default:
		out.Add(env.NewAWS(trailResource, apiCloudTrail, "Trail").ExternalName(name).ForProvider(map[string]any{
			"s3BucketNameRef":            env.Ref(trailBucket),
			"isMultiRegionTrail":         true,
			"includeGlobalServiceEvents": true,
			"enableLogFileValidation":    true,
			"enableLogging":              true,
			"kmsKeyId":                   keyARN,
			// CloudTrail wants the log group ARN with its ":*" suffix.
			"cloudWatchLogsGroupArn":   strings.TrimSuffix(observedGroup, ":*") + ":*",
			"cloudWatchLogsRoleArnRef": env.Ref(trailLogRole),
		}))
	}
	return out
}

// trailBucketPolicyDocument is CloudTrail's documented bucket policy, bound to this trail by
// aws:SourceArn (confused-deputy protection), plus a refusal of plain-HTTP access.
func trailBucketPolicyDocument(env *compose.Env, bucketARN, trailARN, account string) compose.PolicyDocument {
	cloudtrail := map[string]any{"Service": "cloudtrail.amazonaws.com"}
	return compose.Policy(
		compose.Statement{
			Sid:       "CloudTrailAclCheck",
			Effect:    "Allow",
			Principal: cloudtrail,
			Action:    []string{"s3:GetBucketAcl"},
			Resource:  []string{bucketARN},
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailARN}},
		},
		compose.Statement{
			Sid:       "CloudTrailWrite",
			Effect:    "Allow",
			Principal: cloudtrail,
			Action:    []string{"s3:PutObject"},
			Resource:  []string{bucketARN + "/AWSLogs/" + account + "/*"},
			Condition: map[string]map[string]any{"StringEquals": {
				"aws:SourceArn": trailARN,
				"s3:x-amz-acl":  "bucket-owner-full-control",
			}},
		},
		compose.DenyInsecureTransport("s3:*", bucketARN, bucketARN+"/*"),
	)
}
