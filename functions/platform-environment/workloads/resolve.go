package workloads

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// reservedNamespaces are namespaces an application cannot run in.
var reservedNamespaces = map[string]bool{
	"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true,
	incluster.PlatformNamespace: true, incluster.ExternalSecretsNamespace: true, incluster.FluentBitNamespace: true,
}

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

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var configKey = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
var dnsLabel = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
var namespaceName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
var imageRef = regexp.MustCompile(`^[a-z0-9][-a-zA-Z0-9._/:]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$`)

// Resolve applies the applications' defaults and checks what the XRD checks too (not every path to the
// function validates: crossplane render, an older XRD), plus what spans sections: routes need the load
// balancer controller, secrets need External Secrets, HPAs need metrics-server (the resolved add-ons).
func Resolve(apps []v1alpha1.ApplicationSpec, addons incluster.Addons, xrNamespace, domain string) ([]incluster.App, error) {
	var r struct {
		Apps   []incluster.App
		Addons incluster.Addons
	}
	r.Addons = addons
	seen := map[string]bool{}
	defaults := 0
	paths := map[string]string{}
	priorities := map[int32]string{}
	for i, spec := range apps {
		f := fmt.Sprintf("spec.applications[%d]", i)
		a, err := resolveApp(f, spec, xrNamespace)
		if err != nil {
			return r.Apps, err
		}
		if seen[a.Name] {
			return r.Apps, compose.Invalid(f+".name", "give every application its own name", "%q is used twice", a.Name)
		}
		seen[a.Name] = true
		if a.Route != nil {
			if a.Route.Default {
				defaults++
				if defaults > 1 {
					return r.Apps, compose.Invalid(f+".route.default", "make one application the default route", "a second application has route.default: true")
				}
			}
			for _, p := range a.Route.PathPatterns {
				if other, ok := paths[p]; ok {
					return r.Apps, compose.Invalid(f+".route.pathPatterns", "give each path pattern to one application", "%q is routed to %s already", p, other)
				}
				paths[p] = a.Name
			}
			if a.Route.Priority != 0 {
				if other, ok := priorities[a.Route.Priority]; ok {
					return r.Apps, compose.Invalid(f+".route.priority", "give each application its own priority", "%d is %s's already", a.Route.Priority, other)
				}
				priorities[a.Route.Priority] = a.Name
			}
			if domain != "" && !r.Addons.LoadBalancerController.Enabled {
				return r.Apps, compose.Invalid("spec.addons.loadBalancerController.enabled", "enable the load balancer controller or remove the route", "%s has a route, which the load balancer controller binds to the load balancer", a.Name)
			}
		}
		if len(a.EnvFromSecrets) > 0 && !r.Addons.ExternalSecrets.Enabled {
			return r.Apps, compose.Invalid("spec.addons.externalSecrets.enabled", "enable External Secrets or drop "+f+".envFromSecrets", "%s takes variables from the application secret, which External Secrets builds", a.Name)
		}
		if a.Autoscaling != nil && !r.Addons.MetricsServer.Enabled {
			return r.Apps, compose.Invalid("spec.addons.metricsServer.enabled", "enable metrics-server or drop "+f+".autoscaling", "%s autoscales on metrics that metrics-server provides", a.Name)
		}
		r.Apps = append(r.Apps, a)
	}
	return r.Apps, nil
}

func resolveApp(f string, s v1alpha1.ApplicationSpec, xrNamespace string) (incluster.App, error) {
	a := incluster.App{
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
		a.Readiness = &incluster.Probe{Port: a.Port, PeriodSeconds: 10, TimeoutSeconds: 1, FailureThreshold: 3}
	}
	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		if !envName.MatchString(k) {
			return a, compose.Invalid(f+".env", "name variables with letters, digits and underscores", "%q is not a variable name", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(a.EnvFromSecrets)) {
		if !envName.MatchString(k) {
			return a, compose.Invalid(f+".envFromSecrets", "name variables with letters, digits and underscores", "%q is not a variable name", k)
		}
		switch v := a.EnvFromSecrets[k]; v {
		case incluster.SecretDatabaseURL, incluster.SecretRedisURL, incluster.SecretJWT:
		default:
			return a, compose.Invalid(f+".envFromSecrets."+k, "use database-url, redis-url or jwt-secret", "%q is not a key of the application secret", v)
		}
		if _, ok := a.Env[k]; ok {
			return a, compose.Invalid(f+".envFromSecrets."+k, "set the variable in env or envFromSecrets, not both", "%s is in env too", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(a.Config)) {
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
			if slices.Contains(st.Actions, "*") && slices.Contains(st.Resources, "*") {
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
		as := &incluster.Autoscaling{Min: a.Replicas, Max: s.Autoscaling.MaxReplicas, CPU: defaultCPUTarget}
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
		a.Disruption = &incluster.Disruption{MaxUnavailable: d.MaxUnavailable, MinAvailable: d.MinAvailable}
	case a.Replicas > 1 || (a.Autoscaling != nil && a.Autoscaling.Min > 1):
		a.Disruption = &incluster.Disruption{MaxUnavailable: "1"}
	}
	if s.Migration != nil {
		m := &incluster.Migration{Image: s.Migration.Image, Command: s.Migration.Command, TimeoutSeconds: defaultTimeout, BackoffLimit: defaultBackoff}
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
	if !slices.Contains(a.WritablePaths, "/tmp") {
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
	req, lim := maps.Clone(defaultRequests), maps.Clone(defaultLimits)
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
	p := &incluster.Probe{Path: s.Path, Port: port, PeriodSeconds: 10, TimeoutSeconds: 1, FailureThreshold: 3}
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

func resolveRoute(f string, s *v1alpha1.RouteSpec, readiness *Probe, port int32) (*incluster.Route, error) {
	if s.Default == (len(s.PathPatterns) > 0) {
		return nil, compose.Invalid(f, "set either default: true or pathPatterns", "exactly one of them is needed")
	}
	if s.Default && s.Priority != nil {
		return nil, compose.Invalid(f+".priority", "drop the priority of the default route", "the default route has none")
	}
	rt := &incluster.Route{Default: s.Default, PathPatterns: s.PathPatterns, HealthCheckPath: s.HealthCheckPath}
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
