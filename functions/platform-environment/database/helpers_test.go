package database

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
	keyARN  = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// env returns the seed's environment (or another profile's) with the given observed resources.
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

// withARN is an observed resource that reports an ARN (and Ready).
func withARN(arn string) map[string]any {
	return map[string]any{
		"apiVersion": "x/v1", "kind": "X",
		"status": map[string]any{
			"atProvider": map[string]any{"arn": arn},
			"conditions": []any{map[string]any{"type": "Ready", "status": "True"}},
		},
	}
}

// networkObserved: the network exists, so the account is known.
func networkObserved() compose.Observed {
	return compose.Observed{"network-vpc": withARN("arn:aws:ec2:us-east-1:" + account + ":vpc/vpc-0123")}
}

// keyOnlyObserved: the network and the database's KMS key exist.
func keyOnlyObserved() compose.Observed {
	o := networkObserved()
	o[kmsKey] = withARN(keyARN)
	return o
}

// keyObserved: the network, the database's KMS key and the log groups of its exported logs exist.
func keyObserved() compose.Observed {
	o := keyOnlyObserved()
	for _, e := range []string{"postgresql", "upgrade"} {
		o[logsPrefix+e] = withARN("arn:aws:logs:us-east-1:" + account + ":log-group:/aws/rds/instance/x/" + e)
	}
	return o
}

// observedInstance is an existing instance as the provider reports it.
func observedInstance(engineVersion, actual string) map[string]any {
	obj := withARN("arn:aws:rds:us-east-1:" + account + ":db:x")
	obj["apiVersion"], obj["kind"] = apiRDS, "Instance"
	obj["spec"] = map[string]any{"forProvider": map[string]any{"engineVersion": engineVersion}}
	if actual != "" {
		obj["status"].(map[string]any)["atProvider"].(map[string]any)["engineVersionActual"] = actual
	}
	return obj
}

func resolve(t *testing.T, e *compose.Env, spec v1alpha1.DatabaseSpec) v1alpha1.ResolvedDatabase {
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

// validObjects fails the test for every CRD validation error of the rendered objects.
func validObjects(t *testing.T, res []*compose.Resource) {
	t.Helper()
	v := validate.Shared(t)
	for _, r := range res {
		for _, e := range v.Object(r.Object) {
			t.Errorf("%s: %s", r.Name, e)
		}
	}
}

// noSecrets fails the test if a rendered object carries a password or a reference to one: RDS keeps
// the master password in Secrets Manager, nothing else may hold it.
func noSecrets(t *testing.T, res []*compose.Resource) {
	t.Helper()
	for _, r := range res {
		b, err := json.Marshal(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, bad := range []string{`"password"`, `"passwordSecretRef"`, `"autoGeneratePassword"`, `"passwordWo`} {
			if strings.Contains(s, bad) {
				t.Errorf("%s renders %s: the master password must stay with RDS and Secrets Manager", r.Name, bad)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }
