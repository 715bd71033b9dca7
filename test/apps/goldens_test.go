package apps

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// goldens returns every golden render, test/golden/<example>/<stage>.yaml.
func goldens(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root(), "test", "golden", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden renders under test/golden (run `make golden`): %v", err)
	}
	return files
}

func read(t *testing.T, file string) []Document {
	t.Helper()
	docs, err := Manifests(file)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func rel(file string) string {
	r, err := filepath.Rel(root(), file)
	if err != nil {
		return file
	}
	return r
}

// manifestOf returns an Object's spec.forProvider.manifest.
func manifestOf(d Document) map[string]any {
	spec, _ := d.Object["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	m, _ := fp["manifest"].(map[string]any)
	return m
}

func isKind(d Document, group, kind string) bool {
	a, k := d.Kind()
	return strings.HasPrefix(a, group+"/") && k == kind
}

// TestObjectManifests decodes the manifest of every Object in every golden render strictly into its type:
// k8s.io/api for built-in kinds, the load balancer controller's TargetGroupBinding, and the External
// Secrets CRDs (schema, unknown fields and CEL) for the operator's kinds. Any other kind fails: every
// kind deployed must be checked somewhere. It also checks the pod security every pod must meet.
func TestObjectManifests(t *testing.T) {
	eso, err := ExternalSecretsCRDs()
	if err != nil {
		t.Fatalf("cannot load the External Secrets CRDs: %v", err)
	}
	seen := map[string]int{}
	for _, f := range goldens(t) {
		for _, d := range read(t, f) {
			if !isKind(d, "kubernetes.m.crossplane.io", "Object") {
				continue
			}
			m := manifestOf(d)
			if m == nil {
				t.Errorf("%s: %s has no manifest", rel(f), d.Name())
				continue
			}
			apiVersion, _ := m["apiVersion"].(string)
			kind, _ := m["kind"].(string)
			seen[apiVersion+"/"+kind]++
			obj, known, err := DecodeStrict(m)
			switch {
			case err != nil:
				t.Errorf("%s: %s: the %s manifest does not decode strictly: %v", rel(f), d.Name(), kind, err)
			case known:
				for _, p := range podProblems(obj) {
					t.Errorf("%s: %s: %s", rel(f), d.Name(), p)
				}
			case eso.Knows(apiVersion, kind):
				for _, p := range eso.Validate(m) {
					t.Errorf("%s: %s: %s %s: %s", rel(f), d.Name(), apiVersion, kind, p)
				}
			default:
				t.Errorf("%s: %s: %s %s has no type or CRD to check it against", rel(f), d.Name(), apiVersion, kind)
			}
		}
	}
	// The seed's ready render deploys every kind; a kind that disappears from all renders is a regression.
	for _, k := range []string{
		"v1/Namespace", "v1/ConfigMap", "v1/ServiceAccount", "v1/Service", "apps/v1/Deployment", "batch/v1/Job",
		"batch/v1/CronJob", "autoscaling/v2/HorizontalPodAutoscaler", "policy/v1/PodDisruptionBudget",
		"elbv2.k8s.aws/v1beta1/TargetGroupBinding", "external-secrets.io/v1/ExternalSecret",
		"external-secrets.io/v1/ClusterSecretStore", "external-secrets.io/v1alpha1/PushSecret",
		"generators.external-secrets.io/v1alpha1/Password",
	} {
		if seen[k] == 0 {
			t.Errorf("no golden render deploys a %s", k)
		}
	}
}

// podProblems checks a workload's pod template against the restricted Pod Security Standard the
// namespaces enforce, and a Deployment's selector against its template.
func podProblems(obj any) []string {
	var pod *corev1.PodSpec
	var p []string
	switch o := obj.(type) {
	case *appsv1.Deployment:
		pod = &o.Spec.Template.Spec
		sel, err := labels.ValidatedSelectorFromSet(o.Spec.Selector.MatchLabels)
		if err != nil || !sel.Matches(labels.Set(o.Spec.Template.Labels)) {
			p = append(p, "the Deployment's selector does not select its pod template")
		}
	case *batchv1.Job:
		pod = &o.Spec.Template.Spec
		if pod.RestartPolicy != corev1.RestartPolicyNever && pod.RestartPolicy != corev1.RestartPolicyOnFailure {
			p = append(p, "a Job's pods must not restart Always")
		}
	case *batchv1.CronJob:
		pod = &o.Spec.JobTemplate.Spec.Template.Spec
	default:
		return nil
	}
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		p = append(p, "the pod must run as a non-root user")
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		p = append(p, "the pod must use the RuntimeDefault seccomp profile")
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		p = append(p, "the pod must not mount a service account token")
	}
	for _, c := range append(append([]corev1.Container{}, pod.InitContainers...), pod.Containers...) {
		sc := c.SecurityContext
		switch {
		case sc == nil:
			p = append(p, c.Name+": no securityContext")
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			p = append(p, c.Name+": privilege escalation must be off")
		case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
			p = append(p, c.Name+": the root filesystem must be read-only")
		case sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) > 0:
			p = append(p, c.Name+": every capability must be dropped")
		}
		if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			p = append(p, c.Name+": memory request and limit are required")
		}
		if strings.HasSuffix(c.Image, ":latest") || !strings.ContainsAny(c.Image, ":@") {
			p = append(p, c.Name+": the image must name a version")
		}
	}
	return p
}

// TestProviderConfigRefsExplicit: every Object and Release must name its ProviderConfig, kind and name,
// and it must be the environment's own in-cluster ProviderConfig rendered alongside: the providers'
// default (ClusterProviderConfig/default) is the control-plane cluster itself.
func TestProviderConfigRefsExplicit(t *testing.T) {
	checked := 0
	for _, f := range goldens(t) {
		docs := read(t, f)
		configs := map[string]string{} // metadata.name → group of rendered in-cluster ProviderConfigs
		for _, d := range docs {
			a, k := d.Kind()
			if k == "ProviderConfig" && (strings.HasPrefix(a, "kubernetes.m.crossplane.io/") || strings.HasPrefix(a, "helm.m.crossplane.io/")) {
				md, _ := d.Object["metadata"].(map[string]any)
				n, _ := md["name"].(string)
				configs[n] = strings.SplitN(a, "/", 2)[0]
			}
		}
		for _, d := range docs {
			var group string
			switch {
			case isKind(d, "kubernetes.m.crossplane.io", "Object"):
				group = "kubernetes.m.crossplane.io"
			case isKind(d, "helm.m.crossplane.io", "Release"):
				group = "helm.m.crossplane.io"
			default:
				continue
			}
			checked++
			spec, _ := d.Object["spec"].(map[string]any)
			ref, _ := spec["providerConfigRef"].(map[string]any)
			kind, _ := ref["kind"].(string)
			name, _ := ref["name"].(string)
			switch {
			case ref == nil:
				t.Errorf("%s: %s names no providerConfigRef: it would deploy into the control-plane cluster", rel(f), d.Name())
			case kind != "ProviderConfig":
				t.Errorf("%s: %s: providerConfigRef.kind is %q, want the namespaced ProviderConfig", rel(f), d.Name(), kind)
			case name == "default" || name == "":
				t.Errorf("%s: %s: providerConfigRef.name %q is not the environment's in-cluster ProviderConfig", rel(f), d.Name(), name)
			case configs[name] != group:
				t.Errorf("%s: %s: providerConfigRef names %q, which this render has no %s ProviderConfig of", rel(f), d.Name(), name, group)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no Object or Release in any golden render: the check checked nothing")
	}
}

// secretPatterns are shapes a secret value takes. A golden (or observed stage) matching one carries a
// value that must have stayed in Secrets Manager or a Secret.
var secretPatterns = map[string]*regexp.Regexp{
	"a URL with an inline password": regexp.MustCompile(`[a-z]+://[^:/\s'"{}]*:[^@\s'"{}]+@`),
	"a private key":                 regexp.MustCompile(`BEGIN [A-Z ]*PRIVATE KEY`),
	"an AWS access key id":          regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
	"a password or token field":     regexp.MustCompile(`(?i)^\s*"?(password|passwd|authToken|auth_token|token|secretString|secret_string|jwt|client-key-data|client-certificate-data)"?\s*:\s*\S`),
	"a kubeconfig":                  regexp.MustCompile(`(?m)^\s*(current-context|client-key-data|token):`),
	"a Secret's data":               regexp.MustCompile(`(?m)^\s*(data|stringData):\s*$\n\s+(database-url|redis-url|jwt-secret|password|kubeconfig):`),
	"a bearer token":                regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._-]{20,}`),
	"a JSON web token":              regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.`),
}

// appSecretEntry is a key of the application secret with a value.
var appSecretEntry = regexp.MustCompile(`^\s*"?(database-url|redis-url|jwt-secret|kubeconfig|PGPASSWORD|APP_DB_PASSWORD)"?\s*:\s*(\S.*)$`)

// TestNoSecretValues scans every golden render and observed stage for secret values. The function never
// reads one (the ExternalSecret templates name Secrets Manager keys; a template's {{ .dbpassword }} is not a
// value), so any match is a leak.
func TestNoSecretValues(t *testing.T) {
	files := goldens(t)
	observed, _ := filepath.Glob(filepath.Join(root(), "test", "observed", "*", "*.yaml"))
	files = append(files, observed...)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, what := range sortedPatternNames() {
			re := secretPatterns[what]
			for _, line := range strings.Split(text, "\n") {
				if re.MatchString(line) {
					t.Errorf("%s holds %s: %s", rel(f), what, strings.TrimSpace(line))
				}
			}
		}
		// A key of the application secret written as a map entry is a template (ExternalSecret) or a leak.
		for _, line := range strings.Split(text, "\n") {
			if m := appSecretEntry.FindStringSubmatch(line); m != nil && !strings.Contains(m[2], "{{") {
				t.Errorf("%s holds a value of %s: %s", rel(f), m[1], strings.TrimSpace(line))
			}
		}
		// No Secret is deployed at all: the cluster's Secrets are External Secrets' to write.
		for _, d := range read(t, f) {
			if isKind(d, "kubernetes.m.crossplane.io", "Object") {
				if m := manifestOf(d); m != nil && m["kind"] == "Secret" {
					t.Errorf("%s: %s deploys a Secret: secret values must not pass through the function", rel(f), d.Name())
				}
			}
		}
	}
}

func sortedPatternNames() []string {
	names := make([]string, 0, len(secretPatterns))
	for n := range secretPatterns {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestSecretPatternsCatchLeaks proves the scan sees what it looks for.
func TestSecretPatternsCatchLeaks(t *testing.T) {
	cases := map[string]struct {
		reason string
		line   string
		leak   bool
	}{
		"URLWithPassword":   {"a database URL with its password", "database-url: postgresql://app:s3cr3t@db.example.com:5432/consulting", true},
		"RedisURLWithToken": {"a Redis URL with its token", "redis-url: rediss://:tok3n@cache.example.com:6379", true},
		"Template":          {"an ExternalSecret template names a variable, not a value", "database-url: postgresql://app:{{ .dbpassword }}@db:5432/x?sslmode=require", false},
		"RedisTemplate":     {"the Redis template pipes a variable", "redis-url: rediss://:{{ .redisauth | urlquery }}@cache:6379", false},
		"AccessKey":         {"a static AWS key", "AWS_ACCESS_KEY_ID: AKIAABCDEFGHIJKLMNOP", true},
		"PasswordField":     {"a password field with a value", "  password: hunter2", true},
		"PasswordKeyRef":    {"a reference to a password key is not a value", "  key: password", false},
		"Kubeconfig":        {"a kubeconfig's token", "    token: abc.def", true},
		"SecretKeyRef":      {"a secretKeyRef names a key", "      key: database-url", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			leak := false
			for _, re := range secretPatterns {
				if re.MatchString(tc.line) {
					leak = true
				}
			}
			if leak != tc.leak {
				t.Errorf("%s: leak = %v, want %v (%q)", tc.reason, leak, tc.leak, tc.line)
			}
		})
	}
}

// TestStages checks what each golden stage deploys into the cluster: nothing before the cluster is
// Ready; the ProviderConfigs (and objects that need no nodes) once it is; the releases and the target
// group bindings only when everything is Ready.
func TestStages(t *testing.T) {
	type want struct{ providerConfigs, objects, releases, bindings bool }
	cases := map[string]struct {
		reason string
		want   want
	}{
		"empty":   {"nothing is observed: the cluster does not exist", want{}},
		"network": {"the cluster is still being created", want{}},
		"cluster": {"the cluster is Ready but has no nodes: ProviderConfigs and plain objects, no releases", want{providerConfigs: true, objects: true}},
		"ready":   {"everything is Ready: releases run, target groups are observed", want{true, true, true, true}},
	}
	for stage, tc := range cases {
		t.Run(stage, func(t *testing.T) {
			for _, ex := range []string{"seed-production", "dev"} {
				f := filepath.Join(root(), "test", "golden", ex, stage+".yaml")
				var got want
				for _, d := range read(t, f) {
					a, k := d.Kind()
					switch {
					case k == "ProviderConfig" && (strings.HasPrefix(a, "kubernetes.m.") || strings.HasPrefix(a, "helm.m.")):
						got.providerConfigs = true
					case isKind(d, "kubernetes.m.crossplane.io", "Object"):
						got.objects = true
						if m := manifestOf(d); m != nil && m["kind"] == "TargetGroupBinding" {
							got.bindings = true
						}
					case isKind(d, "helm.m.crossplane.io", "Release"):
						got.releases = true
					}
				}
				w := tc.want
				if ex == "dev" {
					w.bindings = false // dev has no domain, so no load balancer
				}
				if got != w {
					t.Errorf("%s/%s: %s: got %+v, want %+v", ex, stage, tc.reason, got, w)
				}
			}
		})
	}
}
