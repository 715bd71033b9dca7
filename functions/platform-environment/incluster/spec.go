package incluster

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
)

// Namespaces the add-ons and the environment's own Jobs run in. Applications cannot use them.
const (
	// PlatformNamespace holds the environment's Jobs (database setup, smoke and load tests) and the
	// generated-secret pushers.
	PlatformNamespace = "platform-system"
	// ExternalSecretsNamespace is the External Secrets Operator's.
	ExternalSecretsNamespace = "external-secrets"
	// FluentBitNamespace is aws-for-fluent-bit's (CloudWatch Container Insights' usual namespace).
	FluentBitNamespace = "amazon-cloudwatch"
	// SystemNamespace holds the load balancer controller, metrics-server and the cluster autoscaler.
	SystemNamespace = "kube-system"
)

// Keys of the application secret (app-secrets) that envFromSecrets may name.
const (
	SecretDatabaseURL = "database-url"
	SecretRedisURL    = "redis-url"
	SecretJWT         = "jwt-secret"
)

// Spec is the in-cluster spec with every default applied: the applications (workloads.Resolve), the
// add-ons (addons.Resolve) and the checks (checks.Resolve).
type Spec struct {
	Apps   []App
	Addons Addons
	Checks Checks
	// Domain is spec.domain: routes and the load test need it.
	Domain string
	// DatabaseName is the database the applications use (the database domain's resolved name).
	DatabaseName string
}

// App is one application with its defaults applied.
type App struct {
	Name           string
	Namespace      string
	Image          string
	Command, Args  []string
	Port           int32
	Replicas       int32
	Requests       map[string]string
	Limits         map[string]string
	Liveness       *Probe
	Readiness      *Probe
	Env            map[string]string
	EnvFromSecrets map[string]string
	Config         map[string]string
	Route          *Route
	IAM            []v1alpha1.IAMStatement
	Autoscaling    *Autoscaling
	Disruption     *Disruption
	Migration      *Migration
	RunAsUser      int64
	WritablePaths  []string
}

// Probe is an HTTP (Path set) or TCP check.
type Probe struct {
	Path                                                                 string
	Port                                                                 int32
	InitialDelaySeconds, PeriodSeconds, TimeoutSeconds, FailureThreshold int32
}

// Route says how the load balancer reaches the application.
type Route struct {
	Default         bool
	PathPatterns    []string
	Priority        int32
	HealthCheckPath string
}

// Autoscaling is the HPA's range and targets.
type Autoscaling struct {
	Min, Max int32
	CPU      int32
	Memory   int32 // 0: no memory target
}

// Disruption is the PDB: exactly one of the two is set.
type Disruption struct{ MaxUnavailable, MinAvailable string }

// Migration is the step that runs before a rollout.
type Migration struct {
	Image          string
	Command        []string
	TimeoutSeconds int64
	BackoffLimit   int32
}

// Addons are the add-on switches and versions.
type Addons struct {
	LoadBalancerController Addon
	MetricsServer          Addon
	FluentBit              Addon
	ClusterAutoscaler      Addon
	ExternalSecrets        Addon
}

// Addon is one add-on release: whether it is installed and its chart version.
type Addon struct {
	Enabled bool
	Version string
}

// Checks are the platform's test runs.
type Checks struct {
	SmokeTest bool
	LoadTest  *LoadTest
}

// LoadTest is the k6 run.
type LoadTest struct {
	// RunID names one requested run; empty: none requested.
	RunID         string
	Path          string
	Stages        []Stage
	MaxResponseMs int32
}

// Stage is one k6 stage.
type Stage struct{ Minutes, Target int32 }

// UsesSecret reports whether any application takes the key from the application secret.
func (s *Spec) UsesSecret(key string) bool {
	for i := range s.Apps {
		if s.Apps[i].UsesSecret(key) {
			return true
		}
	}
	return false
}

// UsesSecret reports whether the application takes the key.
func (a *App) UsesSecret(key string) bool {
	for _, v := range a.EnvFromSecrets {
		if v == key {
			return true
		}
	}
	return false
}

// NeedsRedisToken reports whether anything reads the cache AUTH token: applications with redis-url and
// the smoke test.
func (s *Spec) NeedsRedisToken() bool {
	return s.UsesSecret(SecretRedisURL) || s.Checks.SmokeTest
}
