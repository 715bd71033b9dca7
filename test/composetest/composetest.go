// Package composetest is the scaffolding every domain's tests share: the seed's environment with options,
// lookups over rendered resources (Find, Names, ForProvider), observed stand-ins, the walk to a fixed point,
// CRD validation, and the one "no wildcard admin" check. It imports compose, observe and test/validate,
// never a domain, so every domain's tests may use it.
package composetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observe"
	"github.com/cloudpartner/platform-environment/test/validate"
)

// The seed's environment (examples/seed-production.yaml): prod in cloud-consulting, us-east-1.
const (
	Namespace = "cloud-consulting"
	Region    = "us-east-1"
	Account   = observe.Account
)

// Zones are the seed's availability zones.
func Zones() []string { return []string{"us-east-1a", "us-east-1b", "us-east-1c"} }

// Option changes the seed Env.
type Option func(*compose.Env)

// InNamespace puts the environment in another namespace.
func InNamespace(ns string) Option { return func(e *compose.Env) { e.Namespace = ns } }

// WithZones gives the environment other availability zones (none: no zones).
func WithZones(zones ...string) Option { return func(e *compose.Env) { e.Zones = zones } }

// WithDeletionProtection sets deletion protection, which is otherwise on for the prod profile only.
func WithDeletionProtection(on bool) Option {
	return func(e *compose.Env) { e.DeletionProtection = on }
}

// Env is the seed's environment of a profile over observed state (nil: nothing observed).
func Env(profile string, observed compose.Observed, opts ...Option) *compose.Env {
	if observed == nil {
		observed = compose.Observed{}
	}
	e := &compose.Env{
		Name: "prod", Namespace: Namespace, Region: Region, Profile: profile,
		ProviderConfig:     compose.ProviderConfigRef{Kind: "ProviderConfig", Name: "default"},
		DeletionProtection: profile == "prod",
		Zones:              Zones(),
		Observed:           observed,
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Ptr points at v.
func Ptr[T any](v T) *T { return &v }

// Find returns the resource of that composition resource name, failing the test if none is.
func Find(t testing.TB, res []*compose.Resource, name string) *compose.Resource {
	t.Helper()
	for _, r := range res {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("%s is not rendered; rendered: %s", name, strings.Join(Names(res), ", "))
	return nil
}

// Has reports whether a resource of that composition resource name is among res.
func Has(res []*compose.Resource, name string) bool {
	for _, r := range res {
		if r.Name == name {
			return true
		}
	}
	return false
}

// Names are the composition resource names of res, sorted; nil when there are none, so that a table
// case which renders nothing may leave its wanted names out.
func Names(res []*compose.Resource) []string {
	var out []string
	for _, r := range res {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}

// ByName indexes res by composition resource name.
func ByName(res []*compose.Resource) map[string]*compose.Resource {
	m := make(map[string]*compose.Resource, len(res))
	for _, r := range res {
		m[r.Name] = r
	}
	return m
}

// Sorted is a sorted copy of s.
func Sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// ForProvider is a rendered resource's spec.forProvider; it panics (failing the test) naming the resource
// if there is none.
func ForProvider(r *compose.Resource) map[string]any {
	spec, _ := r.Object["spec"].(map[string]any)
	fp, ok := spec["forProvider"].(map[string]any)
	if !ok {
		panic(fmt.Sprintf("%s has no spec.forProvider", r.Name))
	}
	return fp
}

// JSON is v as a decoded object holds it (int32 and []string become float64 and []any), for comparisons.
func JSON(v any) any { return observe.JSON(v) }

// JSONCopy is a deep copy of m as JSON-shaped values (numbers become float64, as in observed state).
func JSONCopy(m map[string]any) map[string]any {
	out, _ := JSON(m).(map[string]any)
	return out
}

// Assemble is what reaches Crossplane of the results: compose.Assemble's desired state (what was rendered
// and the observed resources it keeps), failing the test on an error.
func Assemble(t testing.TB, env *compose.Env, results ...compose.Result) []*compose.Resource {
	t.Helper()
	a, err := compose.Assemble(env, results...)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*compose.Resource, len(a.Resources))
	for i, r := range a.Resources {
		out[i] = &compose.Resource{Name: r.Name, Object: r.Object}
	}
	return out
}

// WithARN is an observed stand-in of any kind that reports an ARN and Ready.
func WithARN(arn string) map[string]any {
	return map[string]any{
		"apiVersion": "x/v1", "kind": "X",
		"status": map[string]any{
			"atProvider": map[string]any{"arn": arn},
			"conditions": []any{map[string]any{"type": "Ready", "status": "True"}},
		},
	}
}

// WithEngine is an observed stand-in of a database engine's resource (an RDS instance, an ElastiCache
// replication group): Ready, with its ARN, the kind, the given forProvider and, when actual is set, the
// engine version AWS reports running (status.atProvider.engineVersionActual).
func WithEngine(arn, apiVersion, kind string, forProvider map[string]any, actual string) map[string]any {
	obj := WithARN(arn)
	obj["apiVersion"], obj["kind"] = apiVersion, kind
	obj["spec"] = map[string]any{"forProvider": forProvider}
	if actual != "" {
		obj["status"].(map[string]any)["atProvider"].(map[string]any)["engineVersionActual"] = actual
	}
	return obj
}

// Resolved is resolve(spec, e) for a test that builds from it: an error fails the test.
func Resolved[S, R any](t testing.TB, resolve func(S, *compose.Env) (R, error), spec S, e *compose.Env) R {
	t.Helper()
	r, err := resolve(spec, e)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Stage checks one case of a table over a builder's stages: the names it rendered (in any order), what
// component waits for, and every object against the providers' CRDs. reason heads each failure.
func Stage(t testing.TB, reason string, out compose.Result, component string, want []string, waiting string) {
	t.Helper()
	if diff := cmp.Diff(Sorted(want), Names(out.Resources)); diff != "" {
		t.Errorf("%s\n-want +got:\n%s", reason, diff)
	}
	if got := out.Waiting[component]; got != waiting {
		t.Errorf("%s\nwaiting %q, want %q", reason, got, waiting)
	}
	Validate(t, out.Resources)
}

// NetworkObserved is the observed state in which only the network's VPC exists, Ready and with its ARN:
// what a domain reads the account ID from before it renders what names the account.
func NetworkObserved() compose.Observed {
	return compose.Observed{compose.VPC: WithARN("arn:aws:ec2:" + Region + ":" + Account + ":vpc/vpc-0123")}
}

// Options are the observe options of the seed's environment, Ready where ready says so (nil: all).
func Options(ready func(string) bool) observe.Options {
	return observe.Options{Namespace: Namespace, Region: Region, Ready: ready}
}

// ObserveAll adds the observed form of every resource of res to into (a new map if nil), as the next pass
// sees them, and returns into.
func ObserveAll(into compose.Observed, res []*compose.Resource, o observe.Options) compose.Observed {
	if into == nil {
		into = compose.Observed{}
	}
	for _, r := range res {
		into[r.Name] = observe.Resource(r.Name, r.Object, o)
	}
	return into
}

// maxPasses bounds a walk: no stage of the seed needs more.
const maxPasses = 40

// Walk renders over and over, observing what reaches Crossplane each pass (Ready where o.Ready says so),
// until nothing changes: the fixed point of a stage, as the golden stages run it. base (other domains'
// resources) stays as it is observed throughout: a rendered resource of a base name does not replace it;
// start is the domain's own observed state the first pass adds to base. render returns what reaches
// Crossplane from an observed state. Walk returns the observed state of the last pass, from which render
// gave what it gave before.
func Walk(t testing.TB, base, start compose.Observed, o observe.Options, render func(compose.Observed) []*compose.Resource) compose.Observed {
	t.Helper()
	observed := compose.Observed{}
	for _, src := range []compose.Observed{base, start} {
		for k, v := range src {
			observed[k] = v
		}
	}
	for pass := 0; pass < maxPasses; pass++ {
		next := compose.Observed{}
		for k, v := range base {
			next[k] = v
		}
		for _, r := range render(observed) {
			if _, ok := base[r.Name]; !ok {
				next[r.Name] = observe.Resource(r.Name, r.Object, o)
			}
		}
		if reflect.DeepEqual(next, observed) {
			return observed
		}
		observed = next
	}
	t.Fatalf("no fixed point after %d passes", maxPasses)
	return nil
}

// Validate fails the test for every provider-CRD validation error of the resources.
func Validate(t testing.TB, res []*compose.Resource) {
	t.Helper()
	v := validate.Shared(t)
	for _, r := range res {
		if errs := v.Object(r.Object); len(errs) > 0 {
			t.Errorf("%s is not valid:\n  %s", r.Name, strings.Join(errs, "\n  "))
		}
	}
}

// NoKeys fails the test for every resource whose JSON holds one of the quoted keys (`"password"`): what
// a secret's value or reference would be rendered as, which must stay with the provider. why says where
// the secret stays instead.
func NoKeys(t testing.TB, res []*compose.Resource, why string, keys ...string) {
	t.Helper()
	for _, r := range res {
		b, err := json.Marshal(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if strings.Contains(string(b), k) {
				t.Errorf("%s renders %s: %s", r.Name, k, why)
			}
		}
	}
}

// PolicyOf parses an IAM policy document from a JSON string field.
func PolicyOf(t testing.TB, s any) compose.PolicyDocument {
	t.Helper()
	str, ok := s.(string)
	if !ok {
		t.Fatalf("policy is a %T, not a JSON string", s)
	}
	var p compose.PolicyDocument
	if err := json.Unmarshal([]byte(str), &p); err != nil {
		t.Fatalf("policy is not a policy document: %v\n%s", err, str)
	}
	return p
}

// NoWildcardAdmin fails on any Allow statement with Action "*": on Resource "*" it makes the principal
// administrator of the account (the IAM.NoStarOnStar control, refused at admission for applications), on a
// named resource administrator of that resource; neither is ever rendered. A service's own wildcard
// ("kms:*" in a key policy) and a Deny are not admin grants. name says whose policy it is.
func NoWildcardAdmin(t testing.TB, name string, p compose.PolicyDocument) {
	t.Helper()
	for _, s := range p.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			if a == "*" {
				t.Errorf("%s: statement %q allows Action * on %v", name, s.Sid, s.Resource)
			}
		}
	}
}
