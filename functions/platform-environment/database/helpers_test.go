package database

import (
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const (
	account = ct.Account
	keyARN  = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// keyOnlyObserved: the network and the database's KMS key exist.
func keyOnlyObserved() compose.Observed {
	o := ct.NetworkObserved()
	o[kmsKey] = ct.WithARN(keyARN)
	return o
}

// keyObserved: the network, the database's KMS key and the log groups of its exported logs exist.
func keyObserved() compose.Observed {
	o := keyOnlyObserved()
	for _, e := range []string{"postgresql", "upgrade"} {
		o[logsPrefix+e] = ct.WithARN("arn:aws:logs:us-east-1:" + account + ":log-group:/aws/rds/instance/x/" + e)
	}
	return o
}

// observedInstance is an existing instance as the provider reports it.
func observedInstance(engineVersion, actual string) map[string]any {
	return ct.WithEngine("arn:aws:rds:us-east-1:"+account+":db:x", apiRDS, "Instance",
		map[string]any{"engineVersion": engineVersion}, actual)
}

func resolve(t *testing.T, e *compose.Env, spec v1alpha1.DatabaseSpec) v1alpha1.ResolvedDatabase {
	return ct.Resolved(t, Resolve, spec, e)
}

// noSecrets fails the test if a rendered object carries a password or a reference to one: RDS keeps
// the master password in Secrets Manager, nothing else may hold it.
func noSecrets(t *testing.T, res []*compose.Resource) {
	t.Helper()
	ct.NoKeys(t, res, "the master password must stay with RDS and Secrets Manager", `"password"`, `"passwordSecretRef"`, `"autoGeneratePassword"`, `"passwordWo`)
}
