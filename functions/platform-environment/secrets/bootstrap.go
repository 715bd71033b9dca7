package secrets

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Composition resource names of the database bootstrap's path to the RDS master secret.
const (
	BootstrapRole   = "apps-database-bootstrap-role"
	BootstrapPolicy = "apps-database-bootstrap-policy"
	BootstrapSA     = "apps-database-bootstrap-sa"
	BootstrapStore  = "apps-database-bootstrap-store"
)

// BootstrapName is the bootstrap's service account (in the platform namespace) and ClusterSecretStore.
const BootstrapName = "database-bootstrap"

// databaseBootstrap renders the only path to RDS's managed master secret (rds!db-…): a role of its own
// whose trust admits one identity, the platform namespace's database-bootstrap service account, through
// the cluster's OIDC provider (AssumeRoleWithWebIdentity with that account's token, sub
// system:serviceaccount:platform-system:database-bootstrap). The External Secrets Operator's own role
// can neither read the master secret nor decrypt it nor assume this role (its trust names no AWS
// principal), so no store a tenant creates reaches it: naming the role (ESO would AssumeRole with its
// base credentials) is refused by IAM, and a store with jwt auth can name only service accounts of its
// own namespace. The ClusterSecretStore that uses the account admits the platform namespace only.
func (b *builder) databaseBootstrap() compose.Result {
	var res compose.Result
	if !b.Spec.Addons.ExternalSecrets.Enabled || !b.Spec.UsesSecret(incluster.SecretDatabaseURL) {
		return res
	}
	trust, ok := b.Env.IRSATrustPolicy(incluster.PlatformNamespace, BootstrapName)
	if res.Gate(b.Env.Observed, BootstrapRole, compose.Needs(ok, "the cluster's OIDC provider ("+compose.OIDCProvider+")")) {
		res.Add(b.Env.NewAWS(BootstrapRole, incluster.IAMAPI, "Role").
			ExternalName(b.Env.AWSName(compose.RuleIAM, BootstrapName)).
			ForProvider(map[string]any{
				"description":      "Database bootstrap of " + b.Env.Owner() + " (reads the RDS master secret; only " + incluster.PlatformNamespace + "/" + BootstrapName + ")",
				"assumeRolePolicy": compose.MustJSON(trust),
			}))
	}
	doc, ok, waitFor := b.bootstrapPolicy()
	if res.Gate(b.Env.Observed, BootstrapPolicy, compose.Needs(ok, waitFor)) {
		res.Add(b.Env.NewAWS(BootstrapPolicy, incluster.IAMAPI, "RolePolicy").Untagged().ForProvider(map[string]any{
			"roleRef": b.Env.Ref(BootstrapRole),
			"policy":  compose.MustJSON(doc),
		}))
	}
	arn, arnOK := b.Env.Observed.ARN(BootstrapRole)
	if res.Gate(b.Env.Observed, BootstrapSA, b.InCluster(), b.NamespaceExists(incluster.PlatformNamespace), compose.Needs(arnOK, BootstrapRole+"'s ARN")) {
		m := incluster.Manifest("v1", "ServiceAccount", incluster.PlatformNamespace, BootstrapName, nil)
		m["metadata"].(map[string]any)["annotations"] = map[string]any{"eks.amazonaws.com/role-arn": arn}
		// No pod runs as it: only the operator requests its tokens, for the store below.
		m["automountServiceAccountToken"] = false
		res.Add(b.Object(BootstrapSA, m, incluster.OnCreate))
	}
	if res.Gate(b.Env.Observed, BootstrapStore, b.InCluster(), b.ESOReady(), b.Env.Observed.ExistsCond(BootstrapSA)) {
		m := incluster.Manifest("external-secrets.io/v1", "ClusterSecretStore", "", BootstrapName, nil)
		m["spec"] = map[string]any{
			"provider": map[string]any{"aws": map[string]any{
				"service": "SecretsManager",
				"region":  b.Env.Region,
				"auth": map[string]any{"jwt": map[string]any{"serviceAccountRef": map[string]any{
					"name": BootstrapName, "namespace": incluster.PlatformNamespace,
				}}},
			}},
			"conditions": []any{map[string]any{"namespaces": []any{incluster.PlatformNamespace}}},
		}
		res.Add(b.Object(BootstrapStore, m, incluster.FromObject))
	}
	res.Merge(b.Usages(incluster.ExternalSecretsHolder, BootstrapStore, incluster.Holds{}))
	return res
}

// bootstrapPolicy reads the master secret and decrypts it (only through Secrets Manager, only with that
// secret's ARN as encryption context), and reads the applications' generated password.
func (b *builder) bootstrapPolicy() (compose.PolicyDocument, bool, string) {
	acct, ok := b.Account()
	if !ok {
		return compose.PolicyDocument{}, false, incluster.NeedAccount
	}
	master, ok := b.MasterSecretARN()
	if !ok {
		return compose.PolicyDocument{}, false, "the database's master user secret (" + compose.Database + ")"
	}
	// The key ARN narrows the resource once RDS reports it; the encryption context is what binds the
	// grant to the master secret.
	key, ok := b.Env.Observed.String(compose.Database, "status.atProvider.masterUserSecret[0].kmsKeyId")
	if !ok {
		key = b.ARN("kms", "key/*")
	}
	app := b.Env.ARN("secretsmanager", b.Env.Region, acct, "secret:"+b.Env.SecretsPrefix()+incluster.DatabasePassword.Key+"-??????")
	return compose.Policy(
		compose.Statement{
			Sid:      "ReadDatabaseSecrets",
			Effect:   "Allow",
			Action:   []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
			Resource: []string{master, app},
		},
		compose.Statement{
			Sid:      "DecryptDatabaseSecret",
			Effect:   "Allow",
			Action:   []string{"kms:Decrypt"},
			Resource: []string{key},
			Condition: map[string]map[string]any{"StringEquals": {
				"kms:ViaService":                  compose.ServiceEndpoint("secretsmanager", b.Env.Region),
				"kms:EncryptionContext:SecretARN": master,
			}},
		},
	), true, ""
}
