package cache

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/test/validate"
)

const (
	account = "123456789012"
	keyARN  = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
)

func env(profile string, observed compose.Observed) *compose.Env {
	if observed == nil {
		observed = compose.Observed{}
	}
	return &compose.Env{
		Name: "prod", Namespace: "cloud-consulting", Region: "us-east-1", Profile: profile,
		ProviderConfig:     compose.ProviderConfigRef{Kind: "ProviderConfig", Name: "default"},
		DeletionProtection: profile == "prod",
		Zones:              []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		Observed:           observed,
	}
}

func withARN(arn string) map[string]any {
	return map[string]any{
		"apiVersion": "x/v1", "kind": "X",
		"status": map[string]any{
			"atProvider": map[string]any{"arn": arn},
			"conditions": []any{map[string]any{"type": "Ready", "status": "True"}},
		},
	}
}

func networkObserved() compose.Observed {
	return compose.Observed{"network-vpc": withARN("arn:aws:ec2:us-east-1:" + account + ":vpc/vpc-0123")}
}

func keyObserved() compose.Observed {
	o := networkObserved()
	o[kmsKey] = withARN(keyARN)
	return o
}

// observedGroup is an existing replication group as the provider reports it.
func observedGroup(engine, version, actual string) map[string]any {
	obj := withARN("arn:aws:elasticache:us-east-1:" + account + ":replicationgroup:x")
	obj["apiVersion"], obj["kind"] = apiElastiCache, "ReplicationGroup"
	obj["spec"] = map[string]any{"forProvider": map[string]any{"engine": engine, "engineVersion": version}}
	if actual != "" {
		obj["status"].(map[string]any)["atProvider"].(map[string]any)["engineVersionActual"] = actual
	}
	return obj
}

func resolve(t *testing.T, e *compose.Env, spec v1alpha1.CacheSpec) v1alpha1.ResolvedCache {
	t.Helper()
	r, err := Resolve(spec, e)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func find(t *testing.T, res []*compose.Resource, name string) *compose.Resource {
	t.Helper()
	for _, r := range res {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no resource %q", name)
	return nil
}

func names(res []*compose.Resource) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = r.Name
	}
	return out
}

func spec(r *compose.Resource) map[string]any { return r.Object["spec"].(map[string]any) }

func forProvider(r *compose.Resource) map[string]any { return spec(r)["forProvider"].(map[string]any) }

func validObjects(t *testing.T, res []*compose.Resource) {
	t.Helper()
	v := validate.Shared(t)
	for _, r := range res {
		for _, e := range v.Object(r.Object) {
			t.Errorf("%s: %s", r.Name, e)
		}
	}
}

// noSecrets fails the test if a rendered object carries an AUTH token value: only a reference to the
// Secret the provider generates it into may appear.
func noSecrets(t *testing.T, res []*compose.Resource) {
	t.Helper()
	for _, r := range res {
		b, err := json.Marshal(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{`"authToken"`, `"authToken":`, `"password"`} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s renders %s: the AUTH token must stay in its Secret", r.Name, bad)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }
