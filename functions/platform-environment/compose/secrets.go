package compose

// SecretsPrefix is the name prefix of this environment's AWS Secrets Manager secrets (e.g. the
// applications' JWT key and database password, the bridged cache AUTH token): "<namespace>-<xr>-secrets-
// <hash>/". IAM policies grant access to the environment's secrets as
// arn:<partition>:secretsmanager:<region>:<account>:secret:<prefix>*, so every secret the environment owns
// must be named under it. Secrets that AWS names itself (RDS's managed master secret, rds!db-…) are not.
func (e *Env) SecretsPrefix() string { return e.AWSName(RuleGeneric, "secrets") + "/" }

// SecretsARNPattern is the ARN pattern of every secret under SecretsPrefix, for IAM policies.
func (e *Env) SecretsARNPattern(account string) string {
	return e.ARN("secretsmanager", e.Region, account, "secret:"+e.SecretsPrefix()+"*")
}
