package observability

import (
	"encoding/json"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	"github.com/cloudpartner/platform-environment/test/validate"
)

const account = observe.Account

// testEnv is a prod environment in us-east-1 with the given observed state.
func testEnv(observed compose.Observed) *compose.Env {
	if observed == nil {
		observed = compose.Observed{}
	}
	return &compose.Env{
		Name: "prod", Namespace: "team", Region: "us-east-1", Profile: "prod",
		ProviderConfig:     compose.ProviderConfigRef{Kind: "ProviderConfig", Name: "default"},
		DeletionProtection: true,
		Zones:              []string{"us-east-1a", "us-east-1b"},
		Observed:           observed,
	}
}

// prodResolved is the prod profile's resolution with CloudTrail on.
func prodResolved(t *testing.T) v1alpha1.ResolvedObservability {
	t.Helper()
	r, err := Resolve(v1alpha1.ObservabilitySpec{}, "prod")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// observed returns the observed form of a resource: a stand-in for what the provider reports, with the
// extra status fields given as path → value ("status.atProvider.arnSuffix": "app/x/1").
func observed(name, apiVersion, kind string, ready bool, fields map[string]any) map[string]any {
	desired := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": "prod-" + name}, "spec": map[string]any{}}
	obj := observe.Resource(name, desired, observe.Options{Namespace: "team", Region: "us-east-1", Ready: func(string) bool { return ready }})
	for path, v := range fields {
		observe.Set(obj, v, splitPath(path)...)
	}
	return obj
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

// vpc is an observed resource that tells the account id.
func vpc() map[string]any {
	return observed(compose.VPC, "ec2.aws.m.upbound.io/v1beta1", "VPC", true, nil)
}

// observeAll adds the observed form of every rendered resource (all ready) to o, as the next pass sees them.
func observeAll(o compose.Observed, rs []*compose.Resource) {
	for _, r := range rs {
		o[r.Name] = observe.Resource(r.Name, r.Object, observe.Options{Namespace: "team", Region: "us-east-1"})
	}
}

// byName indexes rendered resources.
func byName(rs []*compose.Resource) map[string]*compose.Resource {
	m := map[string]*compose.Resource{}
	for _, r := range rs {
		m[r.Name] = r
	}
	return m
}

// forProvider returns a rendered resource's spec.forProvider.
func forProvider(t *testing.T, r *compose.Resource) map[string]any {
	t.Helper()
	spec, _ := r.Object["spec"].(map[string]any)
	fp, ok := spec["forProvider"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no spec.forProvider", r.Name)
	}
	return fp
}

// parsePolicy parses a JSON policy document field.
func parsePolicy(t *testing.T, s any) compose.PolicyDocument {
	t.Helper()
	str, ok := s.(string)
	if !ok {
		t.Fatalf("policy is a %T, not a JSON string", s)
	}
	var p compose.PolicyDocument
	if err := json.Unmarshal([]byte(str), &p); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, str)
	}
	return p
}

// statement returns the statement with the Sid.
func statement(t *testing.T, p compose.PolicyDocument, sid string) compose.Statement {
	t.Helper()
	for _, s := range p.Statement {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("no statement %q in %+v", sid, p)
	return compose.Statement{}
}

// checkNoWildcardAdmin fails on Action "*" with Resource "*" in an IAM (not key) policy.
func checkNoWildcardAdmin(t *testing.T, p compose.PolicyDocument) {
	t.Helper()
	for _, s := range p.Statement {
		for _, a := range s.Action {
			if a == "*" {
				t.Errorf("statement %q allows Action \"*\"", s.Sid)
			}
		}
	}
}

// validateAll checks every rendered object against the provider CRDs.
func validateAll(t *testing.T, rs []*compose.Resource) {
	t.Helper()
	v := validate.Shared(t)
	for _, r := range rs {
		for _, p := range v.Object(r.Object) {
			t.Errorf("%s: %s", r.Name, p)
		}
	}
}
