package apps

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
)

// Images of the environment's own Jobs: Docker official images from the ECR Public mirror (no Docker Hub
// pull limits from the nodes' NAT addresses) and k6 from Docker Hub. Tags are exact releases; digests
// would pin them further but cannot be resolved offline (see docs/decisions.md).
const (
	// postgresImage has psql and pg_isready (and busybox wget for HTTP checks).
	postgresImage = "public.ecr.aws/docker/library/postgres:17.6-alpine"
	// redisImage has redis-cli with TLS.
	redisImage = "public.ecr.aws/docker/library/redis:7.4.5-alpine"
	// k6Image runs the load test.
	k6Image = "docker.io/grafana/k6:1.0.0"
)

// podOptions and containerOptions describe the pods this package renders. Every pod meets the
// restricted Pod Security Standard: non-root, RuntimeDefault seccomp, no privilege escalation, all
// capabilities dropped, read-only root filesystem, and no service account token (nothing here talks to
// the Kubernetes API; EKS Pod Identity mounts its own token).
type podOptions struct {
	serviceAccount string
	restartPolicy  string
	initContainers []any
	containers     []any
	runAsUser      int64
	volumes        []any
	// unprivilegedPorts lets the non-root containers bind ports below 1024 (a safe sysctl, allowed by the
	// restricted standard).
	unprivilegedPorts bool
	// terminationGracePeriodSeconds, when set.
	grace int64
}

type containerOptions struct {
	name          string
	image         string
	command, args []string
	env           []any
	envFrom       []any
	envFromSecret string
	requests      map[string]string
	limits        map[string]string
	ports         []any
	liveness      map[string]any
	readiness     map[string]any
	mounts        []any
}

func podSpec(o podOptions) map[string]any {
	psc := map[string]any{
		"runAsNonRoot":   true,
		"runAsUser":      o.runAsUser,
		"runAsGroup":     o.runAsUser,
		"fsGroup":        o.runAsUser,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
	if o.unprivilegedPorts {
		psc["sysctls"] = []any{map[string]any{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}}
	}
	p := map[string]any{
		"automountServiceAccountToken": false,
		"securityContext":              psc,
		"containers":                   o.containers,
	}
	if o.serviceAccount != "" {
		p["serviceAccountName"] = o.serviceAccount
	}
	if o.restartPolicy != "" {
		p["restartPolicy"] = o.restartPolicy
	}
	if len(o.initContainers) > 0 {
		p["initContainers"] = o.initContainers
	}
	volumes := o.volumes
	// Every container gets a writable /tmp: the root filesystem is read-only.
	volumes = append(volumes, map[string]any{"name": "tmp", "emptyDir": map[string]any{}})
	p["volumes"] = volumes
	if o.grace > 0 {
		p["terminationGracePeriodSeconds"] = o.grace
	}
	return p
}

func container(o containerOptions) map[string]any {
	c := map[string]any{
		"name":            o.name,
		"image":           o.image,
		"imagePullPolicy": "IfNotPresent",
		"securityContext": map[string]any{
			"allowPrivilegeEscalation": false,
			"readOnlyRootFilesystem":   true,
			"runAsNonRoot":             true,
			"capabilities":             map[string]any{"drop": []any{"ALL"}},
			"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
		},
		"resources": resources(o.requests, o.limits),
	}
	if len(o.command) > 0 {
		c["command"] = strs(o.command)
	}
	if len(o.args) > 0 {
		c["args"] = strs(o.args)
	}
	if len(o.env) > 0 {
		c["env"] = o.env
	}
	envFrom := o.envFrom
	if o.envFromSecret != "" {
		envFrom = append(envFrom, map[string]any{"secretRef": map[string]any{"name": o.envFromSecret}})
	}
	if len(envFrom) > 0 {
		c["envFrom"] = envFrom
	}
	if len(o.ports) > 0 {
		c["ports"] = o.ports
	}
	if o.liveness != nil {
		c["livenessProbe"] = o.liveness
	}
	if o.readiness != nil {
		c["readinessProbe"] = o.readiness
	}
	mounts := append([]any{map[string]any{"name": "tmp", "mountPath": "/tmp"}}, o.mounts...)
	c["volumeMounts"] = mounts
	return c
}

func resources(requests, limits map[string]string) map[string]any {
	r := map[string]any{}
	if len(requests) > 0 {
		r["requests"] = anyMap(requests)
	}
	if len(limits) > 0 {
		r["limits"] = anyMap(limits)
	}
	return r
}

// envList is a container's env from a map, sorted by name.
func envList(m map[string]string) []any {
	out := make([]any, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, map[string]any{"name": k, "value": m[k]})
	}
	return out
}

func anyMap(m map[string]string) map[string]any {
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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// hash is a short, stable hash of the parts: it names versions (a Job per version, a pod template's
// config checksum).
func hash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])[:10]
}

// hashMap hashes a map's keys and values in key order.
func hashMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		parts = append(parts, k, m[k])
	}
	return hash(parts...)
}
