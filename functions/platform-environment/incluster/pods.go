package incluster

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// PodOptions and ContainerOptions describe the pods the in-cluster domains render. Every pod meets the
// restricted Pod Security Standard: non-root, RuntimeDefault seccomp, no privilege escalation, all
// capabilities dropped, read-only root filesystem, and no service account token (nothing here talks to
// the Kubernetes API; EKS Pod Identity mounts its own token).
type PodOptions struct {
	ServiceAccount string
	RestartPolicy  string
	InitContainers []any
	Containers     []any
	RunAsUser      int64
	Volumes        []any
	// UnprivilegedPorts lets the non-root containers bind ports below 1024 (a safe sysctl, allowed by the
	// restricted standard).
	UnprivilegedPorts bool
	// Grace is terminationGracePeriodSeconds, when set.
	Grace int64
}

type ContainerOptions struct {
	Name          string
	Image         string
	Command, Args []string
	Env           []any
	EnvFrom       []any
	EnvFromSecret string
	Requests      map[string]string
	Limits        map[string]string
	Ports         []any
	Liveness      map[string]any
	Readiness     map[string]any
	Mounts        []any
}

// PodSpec is a restricted pod spec.
func PodSpec(o PodOptions) map[string]any {
	psc := map[string]any{
		"runAsNonRoot":   true,
		"runAsUser":      o.RunAsUser,
		"runAsGroup":     o.RunAsUser,
		"fsGroup":        o.RunAsUser,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
	if o.UnprivilegedPorts {
		psc["sysctls"] = []any{map[string]any{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}}
	}
	p := map[string]any{
		"automountServiceAccountToken": false,
		"securityContext":              psc,
		"containers":                   o.Containers,
	}
	if o.ServiceAccount != "" {
		p["serviceAccountName"] = o.ServiceAccount
	}
	if o.RestartPolicy != "" {
		p["restartPolicy"] = o.RestartPolicy
	}
	if len(o.InitContainers) > 0 {
		p["initContainers"] = o.InitContainers
	}
	volumes := o.Volumes
	// Every container gets a writable /tmp: the root filesystem is read-only.
	volumes = append(volumes, map[string]any{"name": "tmp", "emptyDir": map[string]any{}})
	p["volumes"] = volumes
	if o.Grace > 0 {
		p["terminationGracePeriodSeconds"] = o.Grace
	}
	return p
}

// Container is a restricted container.
func Container(o ContainerOptions) map[string]any {
	c := map[string]any{
		"name":            o.Name,
		"image":           o.Image,
		"imagePullPolicy": "IfNotPresent",
		"securityContext": map[string]any{
			"allowPrivilegeEscalation": false,
			"readOnlyRootFilesystem":   true,
			"runAsNonRoot":             true,
			"capabilities":             map[string]any{"drop": []any{"ALL"}},
			"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
		},
		"resources": resources(o.Requests, o.Limits),
	}
	if len(o.Command) > 0 {
		c["command"] = strs(o.Command)
	}
	if len(o.Args) > 0 {
		c["args"] = strs(o.Args)
	}
	if len(o.Env) > 0 {
		c["env"] = o.Env
	}
	envFrom := o.EnvFrom
	if o.EnvFromSecret != "" {
		envFrom = append(envFrom, map[string]any{"secretRef": map[string]any{"name": o.EnvFromSecret}})
	}
	if len(envFrom) > 0 {
		c["envFrom"] = envFrom
	}
	if len(o.Ports) > 0 {
		c["ports"] = o.Ports
	}
	if o.Liveness != nil {
		c["livenessProbe"] = o.Liveness
	}
	if o.Readiness != nil {
		c["readinessProbe"] = o.Readiness
	}
	mounts := append([]any{map[string]any{"name": "tmp", "mountPath": "/tmp"}}, o.Mounts...)
	c["volumeMounts"] = mounts
	return c
}

func resources(requests, limits map[string]string) map[string]any {
	r := map[string]any{}
	if len(requests) > 0 {
		r["requests"] = AnyMap(requests)
	}
	if len(limits) > 0 {
		r["limits"] = AnyMap(limits)
	}
	return r
}

// EnvList is a container's env from a map, sorted by name.
func EnvList(m map[string]string) []any {
	out := make([]any, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, map[string]any{"name": k, "value": m[k]})
	}
	return out
}

// AnyMap is m with values of type any.
func AnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Itoa formats n in base 10.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Hash is a short, stable hash of the parts: it names versions (a Job per version, a pod template's
// config checksum).
func Hash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])[:10]
}

// HashMap hashes a map's keys and values in key order.
func HashMap(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		parts = append(parts, k, m[k])
	}
	return Hash(parts...)
}
