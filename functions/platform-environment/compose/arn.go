package compose

// AWSOwned is the account field of the ARNs of what AWS itself owns: managed IAM policies
// (arn:aws:iam::aws:policy/…) and EKS access policies.
const AWSOwned = "aws"

// ARN returns arn:<partition>:<service>:<region>:<account>:<resource>, for the ARNs a builder must write
// itself: policy resources and conditions that name what does not exist yet or is not ours (a reference
// is used wherever the provider can resolve one). Global services take an empty region (IAM), S3 buckets
// neither region nor account, AWS-owned resources the account AWSOwned; "*" in either matches any.
func ARN(partition, service, region, account, resource string) string {
	return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

// ARN is ARN in the partition of the environment's region.
func (e *Env) ARN(service, region, account, resource string) string {
	return ARN(e.Partition(), service, region, account, resource)
}

// AccountRoot returns arn:<partition>:iam::<account>:root: as a policy principal, the account itself,
// which leaves it to the account's IAM policies which of its principals may act.
func AccountRoot(partition, account string) string { return ARN(partition, "iam", "", account, "root") }
