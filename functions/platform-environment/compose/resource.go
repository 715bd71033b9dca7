package compose

import (
	"strings"
)

// Readiness of a desired resource. Crossplane marks a composed resource ready only when the function
// says so, so every resource gets an explicit answer.
type Readiness int

const (
	// ReadyFromObserved maps the observed Ready condition (the default).
	ReadyFromObserved Readiness = iota
	// ReadyWhenObserved is for kinds without a Ready condition (e.g. ProviderConfigs): ready once they exist.
	ReadyWhenObserved
	// AlwaysReady is for objects whose existence is all that matters.
	AlwaysReady
)

// Resource is one desired composed resource: a plain object plus what the assembly needs to know.
type Resource struct {
	// Name is the composition resource name, "<component>-<part>".
	Name string
	// Object is the desired object (apiVersion, kind, metadata, spec).
	Object map[string]any
	// Readiness says how readiness is decided.
	Readiness Readiness
}

// Component returns the component a composition resource name belongs to: the text before the first
// hyphen (network-vpc → network).
func Component(name string) string {
	if i := strings.IndexByte(name, '-'); i > 0 {
		return name[:i]
	}
	return name
}

// MR builds a managed resource. Every AWS managed resource of the environment is made through NewAWS, so
// names, region, tags and the ProviderConfig are set in one place.
type MR struct {
	r   *Resource
	env *Env
}

// New starts a composed resource of any kind with its deterministic metadata.name. Namespaced resources
// are created in the XR's namespace by Crossplane.
func (e *Env) New(name, apiVersion, kind string) *MR {
	obj := map[string]any{
		"apiVersion": apiVersion,
		"kind":       kind,
		"metadata":   map[string]any{"name": e.ResourceName(name)},
		"spec":       map[string]any{},
	}
	return &MR{r: &Resource{Name: name, Object: obj}, env: e}
}

// NewAWS starts a provider-aws namespaced managed resource: metadata.name, providerConfigRef (kind and
// name; namespaced MRs take no namespace there), region (IAM and Route 53 are global and have none) and
// tags (drop them with Untagged for kinds that take none).
func (e *Env) NewAWS(name, apiVersion, kind string) *MR {
	m := e.New(name, apiVersion, kind)
	spec := m.spec()
	spec["providerConfigRef"] = map[string]any{"kind": e.ProviderConfig.Kind, "name": e.ProviderConfig.Name}
	fp := map[string]any{"tags": e.TagsFor(Component(name))}
	if !isGlobalGroup(apiVersion) {
		fp["region"] = e.Region
	}
	spec["forProvider"] = fp
	return m
}

// isGlobalGroup reports whether the API group's kinds are global (no region field).
func isGlobalGroup(apiVersion string) bool {
	return strings.HasPrefix(apiVersion, "iam.aws.m.upbound.io/") || strings.HasPrefix(apiVersion, "route53.aws.m.upbound.io/")
}

func (m *MR) spec() map[string]any { return m.r.Object["spec"].(map[string]any) }

func (m *MR) metadata() map[string]any { return m.r.Object["metadata"].(map[string]any) }

func (m *MR) section(key string) map[string]any {
	s, ok := m.spec()[key].(map[string]any)
	if !ok {
		s = map[string]any{}
		m.spec()[key] = s
	}
	return s
}

// ForProvider merges fields into spec.forProvider.
func (m *MR) ForProvider(fields map[string]any) *MR {
	fp := m.section("forProvider")
	for k, v := range fields {
		fp[k] = v
	}
	return m
}

// InitProvider merges fields into spec.initProvider: values set at creation only, left to others after
// (e.g. a node group's desiredSize, which the autoscaler owns).
func (m *MR) InitProvider(fields map[string]any) *MR {
	ip := m.section("initProvider")
	for k, v := range fields {
		ip[k] = v
	}
	return m
}

// Spec merges fields into spec (for kinds that are not provider-aws managed resources).
func (m *MR) Spec(fields map[string]any) *MR {
	for k, v := range fields {
		m.spec()[k] = v
	}
	return m
}

// Untagged removes forProvider.tags, for kinds that take no tags.
func (m *MR) Untagged() *MR {
	delete(m.section("forProvider"), "tags")
	return m
}

// ExternalName sets the crossplane.io/external-name annotation: the AWS name of kinds whose name is
// their external name (IAM roles, EKS clusters, log groups, ...). By default it would be metadata.name,
// which is unique in a namespace only; ours is unique in the AWS account.
func (m *MR) ExternalName(name string) *MR {
	return m.Annotate("crossplane.io/external-name", name)
}

// Annotate sets an annotation.
func (m *MR) Annotate(key, value string) *MR {
	md := m.metadata()
	a, ok := md["annotations"].(map[string]any)
	if !ok {
		a = map[string]any{}
		md["annotations"] = a
	}
	a[key] = value
	return m
}

// Stateful marks a resource whose loss loses data (databases, caches, KMS keys, buckets, log groups,
// hosted zones). With deletion protection, its management policies leave out Delete, so deleting the
// environment (or a component) orphans the AWS resource instead of destroying it. Namespaced managed
// resources have no deletionPolicy: management policies are the way.
func (m *MR) Stateful() *MR {
	if m.env.DeletionProtection {
		m.spec()["managementPolicies"] = []any{"Observe", "Create", "Update", "LateInitialize"}
	}
	return m
}

// ConnectionSecret asks the provider to write the resource's connection details to a Secret in the
// XR's namespace, named after the resource.
func (m *MR) ConnectionSecret() *MR {
	m.spec()["writeConnectionSecretToRef"] = map[string]any{"name": m.metadata()["name"]}
	return m
}

// ReadyWhen sets how readiness is decided.
func (m *MR) ReadyWhen(r Readiness) *MR {
	m.r.Readiness = r
	return m
}

// Resource returns the built resource.
func (m *MR) Resource() *Resource { return m.r }

// Ref returns a reference by name to another composed resource of this environment: the `...Ref` value
// of a provider-aws field, which Crossplane resolves (and waits on) before creating the referencing resource.
func (e *Env) Ref(name string) map[string]any {
	return map[string]any{"name": e.ResourceName(name)}
}

// Refs returns a list of references, for `...Refs` fields.
func (e *Env) Refs(names ...string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = e.Ref(n)
	}
	return out
}

// AddTags adds tags to forProvider.tags.
func (m *MR) AddTags(tags map[string]string) *MR {
	fp := m.section("forProvider")
	t, ok := fp["tags"].(map[string]any)
	if !ok {
		t = map[string]any{}
		fp["tags"] = t
	}
	for k, v := range tags {
		t[k] = v
	}
	return m
}
