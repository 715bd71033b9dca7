package apps

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
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

// reservedNamespaces are namespaces an application cannot run in.
var reservedNamespaces = map[string]bool{
	"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true,
	PlatformNamespace: true, ExternalSecretsNamespace: true, FluentBitNamespace: true,
}

// Keys of the application secret (app-secrets) that envFromSecrets may name.
const (
	SecretDatabaseURL = "database-url"
	SecretRedisURL    = "redis-url"
	SecretJWT         = "jwt-secret"
)

// Defaults of an application.
const (
	defaultReplicas  = 2
	defaultRunAsUser = 10001
	defaultCPUTarget = 70
	defaultTimeout   = 600
	defaultBackoff   = 2
)

var defaultRequests = map[string]string{"cpu": "100m", "memory": "128Mi"}
var defaultLimits = map[string]string{"memory": "256Mi"}

// seedLoadStages are the seed's k6 stages: 2m to 100 users, 5m at 100, 2m to 200, 5m at 200, 2m to 0.
var seedLoadStages = []Stage{{2, 100}, {5, 100}, {2, 200}, {5, 200}, {2, 0}}

// Resolved is the applications' and add-ons' spec with every default applied.
type Resolved struct {
	Apps   []App
	Addons Addons
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
	SmokeTest              bool
	LoadTest               *LoadTest
}

// Addon is one add-on release: whether it is installed and its chart version.
type Addon struct {
	Enabled bool
	Version string
}

// LoadTest is the k6 run.
type LoadTest struct {
	Path          string
	Stages        []Stage
	MaxResponseMs int32
}

// Stage is one k6 stage.
type Stage struct{ Minutes, Target int32 }

// UsesSecret reports whether any application takes the key from the application secret.
func (r Resolved) UsesSecret(key string) bool {
	for _, a := range r.Apps {
		for _, k := range sortedKeys(a.EnvFromSecrets) {
			if a.EnvFromSecrets[k] == key {
				return true
			}
		}
	}
	return false
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var configKey = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
var dnsLabel = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
var namespaceName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
var imageRef = regexp.MustCompile(`^[a-z0-9][-a-zA-Z0-9._/:]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$`)

// Resolve applies the defaults and checks what the XRD checks too (not every path to the function
// validates: crossplane render, an older XRD), plus what spans sections: routes need the load balancer
// controller, secrets need External Secrets, HPAs need metrics-server.
func Resolve(apps []v1alpha1.ApplicationSpec, addons v1alpha1.AddonsSpec, xrNamespace, domain, databaseName string) (Resolved, error) {
	r := Resolved{Domain: domain, DatabaseName: databaseName}
	if r.DatabaseName == "" {
		r.DatabaseName = "consulting"
	}
	var err error
	if r.Addons, err = resolveAddons(addons, domain); err != nil {
		return r, err
	}
	seen := map[string]bool{}
	defaults := 0
	paths := map[string]string{}
	priorities := map[int32]string{}
	for i, spec := range apps {
		f := fmt.Sprintf("spec.applications[%d]", i)
		a, err := resolveApp(f, spec, xrNamespace)
		if err != nil {
			return r, err
		}
		if seen[a.Name] {
			return r, compose.Invalid(f+".name", "give every application its own name", "%q is used twice", a.Name)
		}
		seen[a.Name] = true
		if a.Route != nil {
			if a.Route.Default {
				defaults++
				if defaults > 1 {
					return r, compose.Invalid(f+".route.default", "make one application the default route", "a second application has route.default: true")
				}
			}
			for _, p := range a.Route.PathPatterns {
				if other, ok := paths[p]; ok {
					return r, compose.Invalid(f+".route.pathPatterns", "give each path pattern to one application", "%q is routed to %s already", p, other)
				}
				paths[p] = a.Name
			}
			if a.Route.Priority != 0 {
				if other, ok := priorities[a.Route.Priority]; ok {
					return r, compose.Invalid(f+".route.priority", "give each application its own priority", "%d is %s's already", a.Route.Priority, other)
				}
				priorities[a.Route.Priority] = a.Name
			}
			if domain != "" && !r.Addons.LoadBalancerController.Enabled {
				return r, compose.Invalid("spec.addons.loadBalancerController.enabled", "enable the load balancer controller or remove the route", "%s has a route, which the load balancer controller binds to the load balancer", a.Name)
			}
		}
		if len(a.EnvFromSecrets) > 0 && !r.Addons.ExternalSecrets.Enabled {
			return r, compose.Invalid("spec.addons.externalSecrets.enabled", "enable External Secrets or drop "+f+".envFromSecrets", "%s takes variables from the application secret, which External Secrets builds", a.Name)
		}
		if a.Autoscaling != nil && !r.Addons.MetricsServer.Enabled {
			return r, compose.Invalid("spec.addons.metricsServer.enabled", "enable metrics-server or drop "+f+".autoscaling", "%s autoscales on metrics that metrics-server provides", a.Name)
		}
		r.Apps = append(r.Apps, a)
	}
	return r, nil
}

func resolveApp(f string, s v1alpha1.ApplicationSpec, xrNamespace string) (App, error) {
	a := App{
		Name:           s.Name,
		Namespace:      s.Namespace,
		Image:          s.Image,
		Command:        s.Command,
		Args:           s.Args,
		Port:           s.Port,
		Replicas:       defaultReplicas,
		Env:            s.Env,
		EnvFromSecrets: s.EnvFromSecrets,
		Config:         s.Config,
		RunAsUser:      defaultRunAsUser,
		WritablePaths:  append([]string(nil), s.WritablePaths...),
	}
	if !dnsLabel.MatchString(a.Name) || len(a.Name) > 40 {
		return a, compose.Invalid(f+".name", "use a DNS label of at most 40 characters starting with a letter, e.g. backend", "%q is not one", a.Name)
	}
	if a.Namespace == "" {
		a.Namespace = xrNamespace
	}
	if !namespaceName.MatchString(a.Namespace) || len(a.Namespace) > 63 {
		return a, compose.Invalid(f+".namespace", "use a DNS label", "%q is not one", a.Namespace)
	}
	if reservedNamespaces[a.Namespace] || strings.HasPrefix(a.Namespace, "kube-") {
		return a, compose.Invalid(f+".namespace", "choose a namespace of the application's own", "%q is reserved for the cluster and its add-ons", a.Namespace)
	}
	if err := checkImage(f+".image", a.Image); err != nil {
		return a, err
	}
	if a.Port < 1 || a.Port > 65535 {
		return a, compose.Invalid(f+".port", "use a port from 1 to 65535", "%d is not one", a.Port)
	}
	if s.Replicas != nil {
		a.Replicas = *s.Replicas
	}
	if s.RunAsUser != nil {
		if *s.RunAsUser < 1 {
			return a, compose.Invalid(f+".runAsUser", "use a non-root user id", "%d would run as root", *s.RunAsUser)
		}
		a.RunAsUser = *s.RunAsUser
	}
	var err error
	if a.Requests, a.Limits, err = resolveResources(f+".resources", s.Resources); err != nil {
		return a, err
	}
	a.Liveness = resolveProbe(s.LivenessProbe, a.Port)
	a.Readiness = resolveProbe(s.ReadinessProbe, a.Port)
	if a.Readiness == nil {
		a.Readiness = &Probe{Port: a.Port, PeriodSeconds: 10, TimeoutSeconds: 1, FailureThreshold: 3}
	}
	for _, k := range sortedKeys(a.Env) {
		if !envName.MatchString(k) {
			return a, compose.Invalid(f+".env", "name variables with letters, digits and underscores", "%q is not a variable name", k)
		}
	}
	for _, k := range sortedKeys(a.EnvFromSecrets) {
		if !envName.MatchString(k) {
			return a, compose.Invalid(f+".envFromSecrets", "name variables with letters, digits and underscores", "%q is not a variable name", k)
		}
		switch v := a.EnvFromSecrets[k]; v {
		case SecretDatabaseURL, SecretRedisURL, SecretJWT:
		default:
			return a, compose.Invalid(f+".envFromSecrets."+k, "use database-url, redis-url or jwt-secret", "%q is not a key of the application secret", v)
		}
		if _, ok := a.Env[k]; ok {
			return a, compose.Invalid(f+".envFromSecrets."+k, "set the variable in env or envFromSecrets, not both", "%s is in env too", k)
		}
	}
	for _, k := range sortedKeys(a.Config) {
		if !configKey.MatchString(k) {
			return a, compose.Invalid(f+".config", "use letters, digits, '-', '_' or '.' in keys", "%q is not a ConfigMap key", k)
		}
	}
	if s.Route != nil {
		rt, err := resolveRoute(f+".route", s.Route, a.Readiness, a.Port)
		if err != nil {
			return a, err
		}
		a.Route = rt
	}
	if s.IAM != nil {
		for j, st := range s.IAM.Statements {
			if containsStr(st.Actions, "*") && containsStr(st.Resources, "*") {
				return a, compose.Invalid(fmt.Sprintf("%s.iam.statements[%d]", f, j), "name the actions and resources", "Action * on Resource * is refused")
			}
			if len(st.Actions) == 0 || len(st.Resources) == 0 {
				return a, compose.Invalid(fmt.Sprintf("%s.iam.statements[%d]", f, j), "list at least one action and one resource", "the statement is empty")
			}
			if st.Effect == "" {
				st.Effect = "Allow"
			}
			a.IAM = append(a.IAM, st)
		}
	}
	if s.Autoscaling != nil {
		as := &Autoscaling{Min: a.Replicas, Max: s.Autoscaling.MaxReplicas, CPU: defaultCPUTarget}
		if s.Autoscaling.MinReplicas != nil {
			as.Min = *s.Autoscaling.MinReplicas
		}
		if s.Autoscaling.TargetCPUUtilization != nil {
			as.CPU = *s.Autoscaling.TargetCPUUtilization
		}
		if s.Autoscaling.TargetMemoryUtilization != nil {
			as.Memory = *s.Autoscaling.TargetMemoryUtilization
		}
		if as.Min > as.Max {
			return a, compose.Invalid(f+".autoscaling", "raise maxReplicas or lower the minimum", "the minimum %d exceeds maxReplicas %d", as.Min, as.Max)
		}
		if a.Requests["cpu"] == "" {
			return a, compose.Invalid(f+".resources.requests.cpu", "set a CPU request", "the autoscaler's CPU target is a share of it")
		}
		a.Autoscaling = as
	}
	switch {
	case s.DisruptionBudget != nil:
		d := s.DisruptionBudget
		if (d.MaxUnavailable == "") == (d.MinAvailable == "") {
			return a, compose.Invalid(f+".disruptionBudget", "set exactly one of maxUnavailable and minAvailable", "both or neither are set")
		}
		a.Disruption = &Disruption{MaxUnavailable: d.MaxUnavailable, MinAvailable: d.MinAvailable}
	case a.Replicas > 1 || (a.Autoscaling != nil && a.Autoscaling.Min > 1):
		a.Disruption = &Disruption{MaxUnavailable: "1"}
	}
	if s.Migration != nil {
		m := &Migration{Image: s.Migration.Image, Command: s.Migration.Command, TimeoutSeconds: defaultTimeout, BackoffLimit: defaultBackoff}
		if m.Image == "" {
			m.Image = a.Image
		} else if err := checkImage(f+".migration.image", m.Image); err != nil {
			return a, err
		}
		if len(m.Command) == 0 {
			return a, compose.Invalid(f+".migration.command", "give the step's command, e.g. [\"/app/migrate\", \"up\"]", "is empty")
		}
		if s.Migration.TimeoutSeconds != nil {
			m.TimeoutSeconds = *s.Migration.TimeoutSeconds
		}
		if s.Migration.BackoffLimit != nil {
			m.BackoffLimit = *s.Migration.BackoffLimit
		}
		a.Migration = m
	}
	if !containsStr(a.WritablePaths, "/tmp") {
		a.WritablePaths = append(a.WritablePaths, "/tmp")
	}
	sort.Strings(a.WritablePaths)
	return a, nil
}

func checkImage(field, image string) error {
	if !imageRef.MatchString(image) || strings.HasSuffix(image, ":latest") {
		return compose.Invalid(field, "name a tag other than latest or a sha256 digest, e.g. registry.example.com/backend:1.4.2", "%q does not pin a version", image)
	}
	return nil
}

func resolveResources(f string, s *v1alpha1.ResourcesSpec) (map[string]string, map[string]string, error) {
	req, lim := copyMap(defaultRequests), copyMap(defaultLimits)
	if s != nil {
		if s.Requests != nil {
			req = quantities(s.Requests)
		}
		if s.Limits != nil {
			lim = quantities(s.Limits)
		}
	}
	for _, k := range []string{"cpu", "memory"} {
		for name, m := range map[string]map[string]string{"requests": req, "limits": lim} {
			if m[k] == "" {
				continue
			}
			q, err := resource.ParseQuantity(m[k])
			if err != nil || q.Sign() <= 0 {
				return nil, nil, compose.Invalid(f+"."+name+"."+k, "use a positive quantity such as 250m or 512Mi", "%q is not one", m[k])
			}
		}
		if req[k] != "" && lim[k] != "" {
			r, l := resource.MustParse(req[k]), resource.MustParse(lim[k])
			if l.Cmp(r) < 0 {
				return nil, nil, compose.Invalid(f+".limits."+k, "raise the limit to at least the request", "%s is below the request %s", lim[k], req[k])
			}
		}
	}
	return req, lim, nil
}

func quantities(q *v1alpha1.ResourceQuantities) map[string]string {
	m := map[string]string{}
	if q.CPU != "" {
		m["cpu"] = q.CPU
	}
	if q.Memory != "" {
		m["memory"] = q.Memory
	}
	return m
}

func resolveProbe(s *v1alpha1.ProbeSpec, port int32) *Probe {
	if s == nil {
		return nil
	}
	p := &Probe{Path: s.Path, Port: port, PeriodSeconds: 10, TimeoutSeconds: 1, FailureThreshold: 3}
	if s.Port != nil {
		p.Port = *s.Port
	}
	if s.InitialDelaySeconds != nil {
		p.InitialDelaySeconds = *s.InitialDelaySeconds
	}
	if s.PeriodSeconds != nil {
		p.PeriodSeconds = *s.PeriodSeconds
	}
	if s.TimeoutSeconds != nil {
		p.TimeoutSeconds = *s.TimeoutSeconds
	}
	if s.FailureThreshold != nil {
		p.FailureThreshold = *s.FailureThreshold
	}
	return p
}

func resolveRoute(f string, s *v1alpha1.RouteSpec, readiness *Probe, port int32) (*Route, error) {
	if s.Default == (len(s.PathPatterns) > 0) {
		return nil, compose.Invalid(f, "set either default: true or pathPatterns", "exactly one of them is needed")
	}
	if s.Default && s.Priority != nil {
		return nil, compose.Invalid(f+".priority", "drop the priority of the default route", "the default route has none")
	}
	rt := &Route{Default: s.Default, PathPatterns: s.PathPatterns, HealthCheckPath: s.HealthCheckPath}
	if s.Priority != nil {
		rt.Priority = *s.Priority
	}
	if rt.HealthCheckPath == "" {
		rt.HealthCheckPath = "/"
		// The target group checks the traffic port: the readiness path serves only if it is on that port.
		if readiness != nil && readiness.Path != "" && readiness.Port == port {
			rt.HealthCheckPath = readiness.Path
		}
	}
	return rt, nil
}

func resolveAddons(s v1alpha1.AddonsSpec, domain string) (Addons, error) {
	a := Addons{
		LoadBalancerController: addon(s.LoadBalancerController, lbcChart),
		MetricsServer:          addon(s.MetricsServer, metricsServerChart),
		FluentBit:              addon(s.FluentBit, fluentBitChart),
		ClusterAutoscaler:      addon(s.ClusterAutoscaler, autoscalerChart),
		ExternalSecrets:        addon(s.ExternalSecrets, externalSecretsChart),
		SmokeTest:              s.SmokeTest.Enabled == nil || *s.SmokeTest.Enabled,
	}
	if s.LoadTest.Enabled {
		if domain == "" {
			return a, compose.Invalid("spec.addons.loadTest.enabled", "set spec.domain or turn the load test off", "the load test targets https://api.<domain>")
		}
		lt := &LoadTest{Path: s.LoadTest.Path, MaxResponseMs: 500, Stages: seedLoadStages}
		if s.LoadTest.MaxResponseTimeMilliseconds != nil {
			lt.MaxResponseMs = *s.LoadTest.MaxResponseTimeMilliseconds
		}
		if len(s.LoadTest.Stages) > 0 {
			lt.Stages = nil
			for _, st := range s.LoadTest.Stages {
				lt.Stages = append(lt.Stages, Stage{st.DurationMinutes, st.Target})
			}
		}
		a.LoadTest = lt
	}
	return a, nil
}

func addon(s v1alpha1.AddonRelease, c chart) Addon {
	a := Addon{Enabled: s.Enabled == nil || *s.Enabled, Version: s.Version}
	if a.Version == "" {
		a.Version = c.Version
	}
	a.Version = strings.TrimPrefix(a.Version, "v")
	return a
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// sortedKeys returns m's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
