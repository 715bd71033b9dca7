package compose

import "testing"

func TestARN(t *testing.T) {
	cases := map[string]struct {
		reason string
		got    string
		want   string
	}{
		"Regional": {
			reason: "A regional resource names its region and account.",
			got:    ARN("aws", "sns", "us-east-1", "123456789012", "alarms"),
			want:   "arn:aws:sns:us-east-1:123456789012:alarms",
		},
		"Global": {
			reason: "IAM is global: no region.",
			got:    ARN("aws", "iam", "", "123456789012", "role/x"),
			want:   "arn:aws:iam::123456789012:role/x",
		},
		"Bucket": {
			reason: "An S3 bucket's ARN names neither region nor account.",
			got:    ARN("aws", "s3", "", "", "logs-bucket"),
			want:   "arn:aws:s3:::logs-bucket",
		},
		"AWSOwned": {
			reason: "A managed policy belongs to the account aws.",
			got:    ARN("aws", "iam", "", AWSOwned, "policy/AmazonEKSClusterPolicy"),
			want:   "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
		},
		"Wildcards": {
			reason: "A pattern matches any region or account with *.",
			got:    ARN("aws", "logs", "eu-west-1", "*", "log-group:g"),
			want:   "arn:aws:logs:eu-west-1:*:log-group:g",
		},
		"EnvChina": {
			reason: "The environment's ARNs take the partition of its region.",
			got:    (&Env{Region: "cn-north-1"}).ARN("cloudtrail", "cn-north-1", "123456789012", "trail/t"),
			want:   "arn:aws-cn:cloudtrail:cn-north-1:123456789012:trail/t",
		},
		"EnvGovCloud": {
			reason: "GovCloud regions are the aws-us-gov partition.",
			got:    (&Env{Region: "us-gov-west-1"}).ARN("iam", "", AWSOwned, "policy/P"),
			want:   "arn:aws-us-gov:iam::aws:policy/P",
		},
		"AccountRoot": {
			reason: "The account's root principal.",
			got:    AccountRoot("aws", "123456789012"),
			want:   "arn:aws:iam::123456789012:root",
		},
		"AccountRootReadsBack": {
			reason: "ARNAccount reads the account back from what ARN writes.",
			got:    ARNAccount(AccountRoot("aws-cn", "123456789012")),
			want:   "123456789012",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s\ngot %q, want %q", tc.reason, tc.got, tc.want)
			}
		})
	}
}
