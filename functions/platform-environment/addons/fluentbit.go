package addons

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

const fluentBitServiceAccount = "aws-for-fluent-bit"

var fluentBitIdentity = incluster.Identity{
	Prefix: FluentBitRelease, AWSPart: "fluent-bit", Description: "Fluent Bit",
	Namespace: incluster.FluentBitNamespace, SA: fluentBitServiceAccount,
}

// fluentBitStreamPrefix starts the log streams Fluent Bit writes (the seed's from-fluent-bit-).
const fluentBitStreamPrefix = "from-fluent-bit-"

// fluentBit renders aws-for-fluent-bit: a DaemonSet that tails every container's log and ships it to the
// environment's application log group (observability domain) with the cloudwatch_logs output. The group
// exists with its retention and encryption, so Fluent Bit neither creates groups nor sets retention, and
// its role may only write streams of that one group.
func (b *builder) fluentBit() compose.Result {
	var res compose.Result
	group := b.Env.ApplicationLogGroupName()
	res.Merge(b.WorkloadIdentity(fluentBitIdentity, func() (compose.PolicyDocument, bool, string) {
		if _, ok := b.Account(); !ok {
			return compose.PolicyDocument{}, false, incluster.NeedAccount
		}
		return compose.Policy(compose.Statement{
			Sid:    "WriteApplicationLogs",
			Effect: "Allow",
			Action: []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			Resource: []string{
				b.ARN("logs", "log-group:"+group),
				b.ARN("logs", "log-group:"+group+":log-stream:*"),
			},
		}), true, ""
	}))
	conds := append(b.ReleaseConds(), b.Env.Observed.ReadyCond(compose.ApplicationLogGroup), b.IdentityReady(fluentBitIdentity))
	if res.Gate(b.Env.Observed, FluentBitRelease, conds...) {
		res.Add(b.Release(FluentBitRelease, fluentBitChart, b.Spec.Addons.FluentBit.Version, map[string]any{
			"serviceAccount": map[string]any{"create": true, "name": fluentBitServiceAccount},
			// The seed's tail input: container logs, 50 MB memory buffer, long lines skipped.
			"input": map[string]any{
				"path":            "/var/log/containers/*.log",
				"memBufLimit":     "50MB",
				"skipLongLines":   "On",
				"refreshInterval": 5,
			},
			"cloudWatchLogs": map[string]any{
				"enabled":          true,
				"region":           b.Env.Region,
				"logGroupName":     group,
				"logGroupTemplate": "",
				"logStreamPrefix":  fluentBitStreamPrefix,
				"autoCreateGroup":  false,
			},
			"cloudWatch":    map[string]any{"enabled": false},
			"firehose":      map[string]any{"enabled": false},
			"kinesis":       map[string]any{"enabled": false},
			"elasticsearch": map[string]any{"enabled": false},
		}))
	}
	return res
}
