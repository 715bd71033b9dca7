package cache

import (
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const (
	account = ct.Account
	keyARN  = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
)

func keyObserved() compose.Observed {
	o := ct.NetworkObserved()
	o[kmsKey] = ct.WithARN(keyARN)
	return o
}

// observedGroup is an existing replication group as the provider reports it.
func observedGroup(engine, version, actual string) map[string]any {
	return ct.WithEngine("arn:aws:elasticache:us-east-1:"+account+":replicationgroup:x", apiElastiCache, "ReplicationGroup",
		map[string]any{"engine": engine, "engineVersion": version}, actual)
}

func resolve(t *testing.T, e *compose.Env, spec v1alpha1.CacheSpec) v1alpha1.ResolvedCache {
	return ct.Resolved(t, Resolve, spec, e)
}

// noSecrets fails the test if a rendered object carries an AUTH token value: only a reference to the
// Secret the provider generates it into may appear.
func noSecrets(t *testing.T, res []*compose.Resource) {
	t.Helper()
	ct.NoKeys(t, res, "the AUTH token must stay in its Secret", `"authToken"`, `"authToken":`, `"password"`)
}
