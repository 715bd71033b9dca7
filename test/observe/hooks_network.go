package observe

func init() {
	// Log groups report their ARN with the ":*" suffix AWS uses for log group ARNs.
	Register("cloudwatchlogs.aws.m.upbound.io", "Group", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:logs:"+f.Region+":"+Account+":log-group:"+f.ID, "status", "atProvider", "arn")
	})
	Register("iam.aws.m.upbound.io", "Role", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:iam::"+Account+":role/"+f.ID, "status", "atProvider", "arn")
	})
}
