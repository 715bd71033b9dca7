package addons

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

const esoServiceAccount = "external-secrets"

var esoIdentity = incluster.Identity{
	Prefix: incluster.ESORelease, AWSPart: "external-secrets", Description: "External Secrets Operator",
	Namespace: incluster.ExternalSecretsNamespace, SA: esoServiceAccount,
}

// externalSecrets renders the External Secrets Operator. Its role reads this environment's secrets (the
// names under compose.SecretsPrefix and RDS's managed master secret, with the database key to decrypt
// it) and writes only the values it generates there (PushSecret, see the secrets package). The cluster belongs to
// this one environment, so the operator's own identity is the stores' identity: no per-namespace roles.
func (b *builder) externalSecrets() compose.Result {
	var res compose.Result
	res.Merge(b.WorkloadIdentity(esoIdentity, b.externalSecretsPolicy))
	if res.Gate(b.Env.Observed, incluster.ESORelease, append(b.ReleaseConds(), b.IdentityReady(esoIdentity))...) {
		res.Add(b.Release(incluster.ESORelease, externalSecretsChart, b.Spec.Addons.ExternalSecrets.Version, map[string]any{
			"installCRDs":  true,
			"replicaCount": b.Replicas(),
			"leaderElect":  b.Replicas() > 1,
			"serviceAccount": map[string]any{
				"create": true,
				"name":   esoServiceAccount,
			},
			// Only the kinds this environment uses: no cluster-wide ExternalSecrets or PushSecrets.
			"processClusterExternalSecret": false,
			"processClusterPushSecret":     false,
			"securityContext":              incluster.RestrictedContainer(),
		}))
	}
	res.Merge(b.releaseUsages(incluster.ESORelease, esoIdentity))
	return res
}

// externalSecretsPolicy is the operator's policy: read and fill the environment's secrets, read the RDS
// master secret (once the database reports it) and decrypt it with its key.
func (b *builder) externalSecretsPolicy() (compose.PolicyDocument, bool, string) {
	acct, ok := b.Account()
	if !ok {
		return compose.PolicyDocument{}, false, incluster.NeedAccount
	}
	own := b.Env.SecretsARNPattern(acct)
	read := []string{own}
	var stmts []compose.Statement
	if b.Spec.UsesSecret(incluster.SecretDatabaseURL) {
		master, ok := b.MasterSecretARN()
		if !ok {
			return compose.PolicyDocument{}, false, "the database's master user secret (" + compose.Database + ")"
		}
		read = append(read, master)
		// The master secret is encrypted with the database's key. Decrypt is allowed only through Secrets
		// Manager and only for that secret (its ARN is the encryption context Secrets Manager passes), so
		// the key ARN is not needed; it narrows the resource once RDS reports it.
		key, ok := b.Env.Observed.String(compose.Database, "status.atProvider.masterUserSecret[0].kmsKeyId")
		if !ok {
			key = b.ARN("kms", "key/*")
		}
		stmts = append(stmts, compose.Statement{
			Sid:      "DecryptDatabaseSecret",
			Effect:   "Allow",
			Action:   []string{"kms:Decrypt"},
			Resource: []string{key},
			Condition: map[string]map[string]any{"StringEquals": {
				"kms:ViaService":                  compose.ServiceEndpoint("secretsmanager", b.Env.Region),
				"kms:EncryptionContext:SecretARN": master,
			}},
		})
	}
	stmts = append([]compose.Statement{
		{
			Sid:      "ReadEnvironmentSecrets",
			Effect:   "Allow",
			Action:   []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
			Resource: read,
		},
		{
			// PushSecret fills the secrets Crossplane created (tagged managed-by: external-secrets) with the
			// values the operator generates; it never creates or deletes secrets. Each push also reconciles
			// the secret's resource policy (v0.20.x reads it and deletes it when the PushSecret names
			// none): without Get/DeleteResourcePolicy the first push of every generated secret fails.
			Sid:    "FillGeneratedSecrets",
			Effect: "Allow",
			Action: []string{"secretsmanager:PutSecretValue", "secretsmanager:TagResource", "secretsmanager:UntagResource",
				"secretsmanager:GetResourcePolicy", "secretsmanager:DeleteResourcePolicy"},
			Resource: []string{own},
		},
	}, stmts...)
	return compose.Policy(stmts...), true, ""
}
