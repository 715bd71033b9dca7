package observe

// The kinds every domain composes: KMS keys and aliases, CloudWatch log groups and IAM roles.
func init() {
	Register("kms.aws.m.upbound.io", "Key", func(obj map[string]any, f Facts) {
		// Keys are identified by a UUID, which is also their external name.
		id := uuidOf("kms", f.Name)
		setExternalName(obj, id)
		at := atProvider(obj)
		at["id"] = id
		at["keyId"] = id
		at["arn"] = "arn:aws:kms:" + f.Region + ":" + Account + ":key/" + id
	})
	Register("kms.aws.m.upbound.io", "Alias", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:kms:"+objectRegion(obj, f)+":"+Account+":"+f.ID, "status", "atProvider", "arn")
	})
	// Log groups report their ARN with the ":*" suffix AWS uses for log group ARNs.
	Register("cloudwatchlogs.aws.m.upbound.io", "Group", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:logs:"+f.Region+":"+Account+":log-group:"+f.ID, "status", "atProvider", "arn")
	})
	Register("iam.aws.m.upbound.io", "Role", func(obj map[string]any, f Facts) {
		Set(obj, "arn:aws:iam::"+Account+":role/"+f.ID, "status", "atProvider", "arn")
	})
}
