package observability

import (
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

const account = observe.Account

// testEnv is the seed's prod environment in the namespace team (the stand-ins' and alarms' names say
// team-prod-…) with two zones.
func testEnv(observed compose.Observed) *compose.Env {
	return ct.Env("prod", observed, ct.InNamespace("team"), ct.WithZones("us-east-1a", "us-east-1b"))
}

// observeOpts observe as the next pass sees resources in the namespace team, all Ready.
var observeOpts = observe.Options{Namespace: "team", Region: ct.Region}

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
		observe.Set(obj, v, strings.Split(path, ".")...)
	}
	return obj
}

// vpc is an observed resource that tells the account id.
func vpc() map[string]any {
	return observed(compose.VPC, "ec2.aws.m.upbound.io/v1beta1", "VPC", true, nil)
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
