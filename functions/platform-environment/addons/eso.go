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
// names under compose.SecretsPrefix) and writes only the values it generates there (PushSecret, see the
// secrets package). RDS's master secret is read only through the database bootstrap's store and role.
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

// externalSecretsPolicy is the operator's policy: read and fill the environment's secrets. It does not
// reach RDS's master secret (nor its key): only the database bootstrap's role does, which the operator's
// own credentials cannot assume (secrets.databaseBootstrap).
func (b *builder) externalSecretsPolicy() (compose.PolicyDocument, bool, string) {
	acct, ok := b.Account()
	if !ok {
		return compose.PolicyDocument{}, false, incluster.NeedAccount
	}
	own := b.Env.SecretsARNPattern(acct)
	tenant, _ := b.TenantRoleARN()
	return compose.Policy(
		compose.Statement{
			Sid:      "ReadEnvironmentSecrets",
			Effect:   "Allow",
			Action:   []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
			Resource: []string{own},
		},
		compose.Statement{
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
		compose.Statement{
			// The application namespaces' stores name the tenant role (read-only), the only role the
			// operator may assume; the admission policy keeps their SecretStores on it.
			Sid:      "AssumeTenantRole",
			Effect:   "Allow",
			Action:   []string{"sts:AssumeRole"},
			Resource: []string{tenant},
		},
	), true, ""
}
