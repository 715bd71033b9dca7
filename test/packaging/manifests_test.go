package packaging

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

const functionName = "function-platform-environment"

// constraintFor is the version constraint a provider dependency must carry: the versions whose CRDs the goldens are
// validated against (provider-aws v2.7.0, provider-kubernetes and provider-helm v1.3.0). Which providers are declared
// is decided by what the goldens compose (TestDependsOnMatchesComposed), not by a list here.
func constraintFor(pkg string) string {
	switch {
	case strings.HasPrefix(pkg, "xpkg.upbound.io/upbound/provider-aws-"):
		return ">=v2.7.0"
	case pkg == "xpkg.crossplane.io/crossplane-contrib/provider-kubernetes", pkg == "xpkg.crossplane.io/crossplane-contrib/provider-helm":
		return ">=v1.3.0"
	}
	return ""
}

// docs reads every YAML document of a file into a map.
func docs(t *testing.T, rel string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	var cur bytes.Buffer
	flush := func() {
		obj := map[string]any{}
		if err := yaml.Unmarshal(cur.Bytes(), &obj); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if len(obj) > 0 {
			out = append(out, obj)
		}
		cur.Reset()
	}
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		if s.Text() == "---" {
			flush()
			continue
		}
		cur.WriteString(s.Text() + "\n")
	}
	flush()
	return out
}

// decodeStrict converts a document into a typed object, failing on any field the type does not have.
func decodeStrict(t *testing.T, doc map[string]any, into any) {
	t.Helper()
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(b, into); err != nil {
		t.Fatalf("%s %s: %v", doc["kind"], name(doc), err)
	}
}

func name(doc map[string]any) string {
	md, _ := doc["metadata"].(map[string]any)
	n, _ := md["name"].(string)
	if ns, _ := md["namespace"].(string); ns != "" {
		return ns + "/" + n
	}
	return n
}

func get(doc map[string]any, path ...string) any {
	var cur any = doc
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func str(doc map[string]any, path ...string) string {
	s, _ := get(doc, path...).(string)
	return s
}

// byKind returns the documents of the given kind.
func byKind(all []map[string]any, kind string) []map[string]any {
	var out []map[string]any
	for _, d := range all {
		if d["kind"] == kind {
			out = append(out, d)
		}
	}
	return out
}

// installFiles are the manifests a platform team applies, each a Kubernetes object stream.
var installFiles = []string{
	"examples/install/providers.yaml",
	"examples/install/deploymentruntimeconfig.yaml",
	"examples/install/function.yaml",
	"examples/install/configuration.yaml",
	"examples/install/tenancy/clusterrole.yaml",
	"examples/install/tenancy/team-a.yaml",
	"examples/install/tenancy/validatingadmissionpolicy.yaml",
	mrapFile,
}

// TestInstallManifestsValid validates every install manifest: Crossplane and provider kinds against their CRDs,
// built-in kinds by strict decoding into the Kubernetes API types.
func TestInstallManifestsValid(t *testing.T) {
	for _, f := range installFiles {
		for _, d := range docs(t, f) {
			t.Run(f+"/"+d["kind"].(string)+"/"+name(d), func(t *testing.T) {
				gv, err := schema.ParseGroupVersion(str(d, "apiVersion"))
				if err != nil {
					t.Fatal(err)
				}
				switch gv.Group {
				case "":
					decodeStrict(t, d, &corev1.Namespace{})
				case "rbac.authorization.k8s.io":
					switch d["kind"] {
					case "ClusterRole":
						decodeStrict(t, d, &rbacv1.ClusterRole{})
					case "RoleBinding":
						decodeStrict(t, d, &rbacv1.RoleBinding{})
					default:
						t.Fatalf("unexpected kind %s", d["kind"])
					}
				case "policy":
					decodeStrict(t, d, &policyv1.PodDisruptionBudget{})
				case "admissionregistration.k8s.io":
					switch d["kind"] {
					case "ValidatingAdmissionPolicy":
						decodeStrict(t, d, &admissionv1.ValidatingAdmissionPolicy{})
					case "ValidatingAdmissionPolicyBinding":
						decodeStrict(t, d, &admissionv1.ValidatingAdmissionPolicyBinding{})
					default:
						t.Fatalf("unexpected kind %s", d["kind"])
					}
				default:
					if problems := validateObject(t, d); len(problems) > 0 {
						t.Errorf("invalid against its CRD:\n  %s", strings.Join(problems, "\n  "))
					}
				}
			})
		}
	}
}

// TestFunctionMetadata checks the Function package metadata and that every name that must match does.
func TestFunctionMetadata(t *testing.T) {
	meta := docs(t, "package/function/crossplane.yaml")
	if len(meta) != 1 {
		t.Fatalf("package/function/crossplane.yaml: %d documents, want 1", len(meta))
	}
	m := meta[0]
	if got := str(m, "apiVersion") + " " + str(m, "kind"); got != "meta.pkg.crossplane.io/v1beta1 Function" {
		t.Errorf("kind %q, want meta.pkg.crossplane.io/v1beta1 Function", got)
	}
	if got := str(m, "spec", "crossplane", "version"); got != ">=v2.0.0" {
		t.Errorf("spec.crossplane.version %q, want >=v2.0.0", got)
	}
	if caps, _ := get(m, "spec", "capabilities").([]any); !slices.Contains(caps, any("composition")) {
		t.Errorf("spec.capabilities %v, want composition", caps)
	}
	for _, a := range []string{"meta.crossplane.io/maintainer", "meta.crossplane.io/source", "meta.crossplane.io/description", "meta.crossplane.io/readme"} {
		if str(m, "metadata", "annotations", a) == "" {
			t.Errorf("annotation %s missing", a)
		}
	}

	// The Composition, the installed Function and its runtime config must agree on the Function's name.
	comp := docs(t, "compositions/platform-environment.yaml")[0]
	steps, _ := get(comp, "spec", "pipeline").([]any)
	for _, s := range steps {
		if ref := str(s.(map[string]any), "functionRef", "name"); ref != functionName {
			t.Errorf("Composition step functionRef.name %q, want %q", ref, functionName)
		}
	}
	fn := byKind(docs(t, "examples/install/function.yaml"), "Function")
	if len(fn) != 1 || name(fn[0]) != functionName {
		t.Fatalf("examples/install/function.yaml: want one Function named %s", functionName)
	}
	if !strings.HasPrefix(str(fn[0], "spec", "package"), "ghcr.io/cloudpartner/"+functionName+":") {
		t.Errorf("Function spec.package %q does not name the function package", str(fn[0], "spec", "package"))
	}
}

// TestConfigurationMetadata checks crossplane.yaml against the issue: our function and exactly the named providers.
func TestConfigurationMetadata(t *testing.T) {
	c := readConfiguration(t)
	if c.APIVersion != "meta.pkg.crossplane.io/v1" || c.Kind != "Configuration" {
		t.Errorf("crossplane.yaml is %s %s, want meta.pkg.crossplane.io/v1 Configuration", c.APIVersion, c.Kind)
	}
	if c.Spec.Crossplane.Version != ">=v2.0.0" {
		t.Errorf("spec.crossplane.version %q, want >=v2.0.0", c.Spec.Crossplane.Version)
	}
	got := map[string]string{}
	var fn int
	for _, d := range c.Spec.DependsOn {
		switch {
		case d.Kind == "Function" && d.APIVersion == "pkg.crossplane.io/v1":
			fn++
			// package/build.sh rewrites this line for REGISTRY; keep it in this form.
			if d.Package != "ghcr.io/cloudpartner/"+functionName || !strings.HasPrefix(d.Version, ">=v") {
				t.Errorf("function dependency %s %s, want ghcr.io/cloudpartner/%s >=v<version>", d.Package, d.Version, functionName)
			}
		case d.Kind == "Provider" && d.APIVersion == "pkg.crossplane.io/v1":
			if _, dup := got[d.Package]; dup {
				t.Errorf("provider %s listed twice", d.Package)
			}
			got[d.Package] = d.Version
		default:
			t.Errorf("dependency %+v: want apiVersion pkg.crossplane.io/v1 and kind Function or Provider", d)
		}
	}
	if fn != 1 {
		t.Errorf("%d function dependencies, want 1", fn)
	}
	for pkg, v := range got {
		if want := constraintFor(pkg); want == "" || v != want {
			t.Errorf("provider %s %q: want one of the provider-aws v2 family (>=v2.7.0), provider-kubernetes or provider-helm (>=v1.3.0)", pkg, v)
		}
	}
	for _, base := range []string{"ec2", "eks", "iam", "rds", "elasticache", "elbv2"} {
		if _, ok := got["xpkg.upbound.io/upbound/provider-aws-"+base]; !ok {
			t.Errorf("no dependency on provider-aws-%s, which the environment's core needs", base)
		}
	}
}

// TestInstallProvidersMatchDependsOn: the explicitly installed providers are the Configuration's dependencies, at
// versions its constraints accept, named as Crossplane names dependencies, and the AWS ones run with the IRSA
// runtime config.
func TestInstallProvidersMatchDependsOn(t *testing.T) {
	all := docs(t, "examples/install/providers.yaml")
	var got []string
	for _, p := range byKind(all, "Provider") {
		ref := str(p, "spec", "package")
		repo, tag, ok := strings.Cut(ref, ":")
		if !ok {
			t.Errorf("Provider %s: package %q has no tag", name(p), ref)
			continue
		}
		got = append(got, repo)
		constraint := constraintFor(repo)
		if min := strings.TrimPrefix(constraint, ">="); constraint == "" || semverLess(tag, min) {
			t.Errorf("Provider %s: version %s does not satisfy the dependency constraint %q", name(p), tag, constraint)
		}
		// Crossplane names a dependency after its repository path (xpkg.ToDNSLabel): same name, same object.
		if want := strings.ReplaceAll(repo[strings.Index(repo, "/")+1:], "/", "-"); name(p) != want {
			t.Errorf("Provider %s: name it %s, as Crossplane names the dependency", name(p), want)
		}
		if strings.Contains(repo, "provider-aws-") && str(p, "spec", "runtimeConfigRef", "name") != "provider-aws" {
			t.Errorf("Provider %s: want runtimeConfigRef provider-aws (the IRSA identity)", name(p))
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff(declaredProviders(t, readConfiguration(t)), got); diff != "" {
		t.Errorf("providers.yaml vs crossplane.yaml dependsOn: -dependsOn, +providers.yaml:\n%s", diff)
	}
	drc := byKind(all, "DeploymentRuntimeConfig")
	if len(drc) != 1 || name(drc[0]) != "provider-aws" {
		t.Fatal("providers.yaml: want one DeploymentRuntimeConfig named provider-aws")
	}
	if str(drc[0], "spec", "serviceAccountTemplate", "metadata", "annotations", "eks.amazonaws.com/role-arn") == "" {
		t.Error("provider-aws runtime config: no IRSA role annotation on the ServiceAccount")
	}
}

// semverLess compares vMAJOR.MINOR.PATCH versions.
func semverLess(a, b string) bool {
	pa, pb := strings.Split(strings.TrimPrefix(a, "v"), "."), strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := 0; i < 3; i++ {
		var x, y int
		if i < len(pa) {
			x = atoi(pa[i])
		}
		if i < len(pb) {
			y = atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestFunctionRuntime: the function's DeploymentRuntimeConfig runs it highly available and non-root, and the
// Function and the disruption budget refer to it and its pods.
func TestFunctionRuntime(t *testing.T) {
	drcs := byKind(docs(t, "examples/install/deploymentruntimeconfig.yaml"), "DeploymentRuntimeConfig")
	if len(drcs) != 1 {
		t.Fatal("want one DeploymentRuntimeConfig")
	}
	drc := drcs[0]
	if r, _ := get(drc, "spec", "deploymentTemplate", "spec", "replicas").(float64); r < 2 {
		t.Errorf("replicas %v, want >= 2", r)
	}
	pod := get(drc, "spec", "deploymentTemplate", "spec", "template", "spec").(map[string]any)
	if get(pod, "securityContext", "runAsNonRoot") != true || get(pod, "securityContext", "runAsUser") != float64(65532) {
		t.Errorf("pod securityContext %v: want runAsNonRoot and the image's uid 65532", pod["securityContext"])
	}
	var runtime map[string]any
	for _, c := range pod["containers"].([]any) {
		if c := c.(map[string]any); c["name"] == "package-runtime" {
			runtime = c
		}
	}
	if runtime == nil {
		t.Fatal("no package-runtime container (Crossplane's runtime container name)")
	}
	for _, p := range [][]string{{"requests", "cpu"}, {"requests", "memory"}, {"limits", "memory"}} {
		if str(runtime, append([]string{"resources"}, p...)...) == "" {
			t.Errorf("package-runtime resources.%s unset", strings.Join(p, "."))
		}
	}
	sc := runtime["securityContext"].(map[string]any)
	if sc["allowPrivilegeEscalation"] != false || sc["readOnlyRootFilesystem"] != true || sc["runAsNonRoot"] != true {
		t.Errorf("package-runtime securityContext %v: want no privilege escalation, read-only root, non-root", sc)
	}
	if drop, _ := get(sc, "capabilities", "drop").([]any); !slices.Contains(drop, any("ALL")) {
		t.Errorf("package-runtime capabilities.drop %v, want ALL", drop)
	}
	spread, _ := pod["topologySpreadConstraints"].([]any)
	keys := map[string]bool{}
	for _, s := range spread {
		s := s.(map[string]any)
		if str(s, "labelSelector", "matchLabels", "pkg.crossplane.io/function") != functionName {
			t.Errorf("topology spread %v does not select the function's pods (pkg.crossplane.io/function: %s)", s, functionName)
		}
		keys[str(s, "topologyKey")] = true
	}
	if !keys["topology.kubernetes.io/zone"] || !keys["kubernetes.io/hostname"] {
		t.Errorf("topology spread keys %v, want zone and hostname", keys)
	}

	install := docs(t, "examples/install/function.yaml")
	fn := byKind(install, "Function")[0]
	if str(fn, "spec", "runtimeConfigRef", "name") != name(drc) {
		t.Errorf("Function runtimeConfigRef %q, want %q", str(fn, "spec", "runtimeConfigRef", "name"), name(drc))
	}
	pdb := byKind(install, "PodDisruptionBudget")
	if len(pdb) != 1 || str(pdb[0], "spec", "selector", "matchLabels", "pkg.crossplane.io/function") != functionName {
		t.Error("want a PodDisruptionBudget selecting pkg.crossplane.io/function: " + functionName)
	}
}

// TestDefaultActivationsOff: the Crossplane values the install docs use create no activate-everything policy.
func TestDefaultActivationsOff(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root(t), "examples", "install", "crossplane-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Provider struct {
			DefaultActivations *[]string `json:"defaultActivations"`
		} `json:"provider"`
		Args                []string       `json:"args"`                // run as shipped by the e2e suite
		ResourcesCrossplane map[string]any `json:"resourcesCrossplane"` // the chart's own key
	}
	if err := yaml.UnmarshalStrict(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Provider.DefaultActivations == nil || len(*v.Provider.DefaultActivations) != 0 {
		t.Errorf("provider.defaultActivations = %v, want [] (the chart's default is [\"*\"])", v.Provider.DefaultActivations)
	}
}
