package workloads

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// deployment renders the application's Deployment. A new version rolls out only once its migration (if
// any) succeeded: until then the Deployment is not rendered and stays as observed, at the version it runs.
// The first version waits for everything the pods need (service account, ConfigMap, secret, IAM binding,
// migration).
func (b *builder) deployment(a *App) compose.Result {
	var res compose.Result
	name := incluster.DeploymentObject(a.Name)
	conds := []compose.Cond{b.InCluster(), b.NamespaceExists(a.Namespace), b.Env.Observed.ExistsCond(AccountObject(a.Name)), b.secretsReady(a), b.migratedNeeded(a)}
	if len(a.Config) > 0 {
		conds = append(conds, b.Env.Observed.ExistsCond(ConfigObject(a.Name)))
	}
	if len(a.IAM) > 0 {
		conds = append(conds, b.IdentityReady(appIdentity(a)))
	}
	if !res.Gate(b.Env.Observed, name, conds...) {
		return res
	}
	res.Add(b.Object(name, b.deploymentManifest(a), incluster.RolledOut))
	return res
}

func (b *builder) deploymentManifest(a *App) map[string]any {
	vols, mounts := podVolumes(a)
	c := incluster.Container(incluster.ContainerOptions{
		Name:      a.Name,
		Image:     a.Image,
		Command:   a.Command,
		Args:      a.Args,
		Env:       appEnv(a),
		EnvFrom:   appEnvFrom(a),
		Requests:  a.Requests,
		Limits:    a.Limits,
		Ports:     []any{map[string]any{"name": "http", "containerPort": a.Port, "protocol": "TCP"}},
		Liveness:  probe(a.Liveness),
		Readiness: probe(a.Readiness),
		Mounts:    mounts,
	})
	pod := incluster.PodSpec(incluster.PodOptions{
		ServiceAccount:    a.Name,
		Containers:        []any{c},
		RunAsUser:         a.RunAsUser,
		Volumes:           vols,
		UnprivilegedPorts: a.Port < 1024,
	})
	// Spread the replicas over zones, so a zone's loss leaves the others serving.
	pod["topologySpreadConstraints"] = []any{map[string]any{
		"maxSkew":           1,
		"topologyKey":       "topology.kubernetes.io/zone",
		"whenUnsatisfiable": "ScheduleAnyway",
		"labelSelector":     map[string]any{"matchLabels": selector(a)},
	}}
	template := map[string]any{
		"metadata": map[string]any{
			"labels": b.labels(a),
			// A changed ConfigMap rolls the pods: variables from it are read at start only.
			"annotations": map[string]any{"checksum/config": incluster.HashMap(a.Config)},
		},
		"spec": pod,
	}
	spec := map[string]any{
		"revisionHistoryLimit": 5,
		"selector":             map[string]any{"matchLabels": selector(a)},
		"strategy": map[string]any{
			"type":          "RollingUpdate",
			"rollingUpdate": map[string]any{"maxSurge": "25%", "maxUnavailable": 0},
		},
		"template": template,
	}
	// With an autoscaler the replica count is the autoscaler's: a replicas field here would reset it on
	// every apply.
	if a.Autoscaling == nil {
		spec["replicas"] = a.Replicas
	}
	m := incluster.Manifest("apps/v1", "Deployment", a.Namespace, a.Name, b.labels(a))
	m["spec"] = spec
	return m
}

// probe is a container probe: HTTP GET when a path is set, else a TCP connect.
func probe(p *Probe) map[string]any {
	if p == nil {
		return nil
	}
	out := map[string]any{
		"periodSeconds":    p.PeriodSeconds,
		"timeoutSeconds":   p.TimeoutSeconds,
		"failureThreshold": p.FailureThreshold,
	}
	if p.InitialDelaySeconds > 0 {
		out["initialDelaySeconds"] = p.InitialDelaySeconds
	}
	if p.Path != "" {
		out["httpGet"] = map[string]any{"path": p.Path, "port": p.Port}
	} else {
		out["tcpSocket"] = map[string]any{"port": p.Port}
	}
	return out
}

// deployedImage is the image the application's Deployment runs now, from the cluster's report, else from
// its desired manifest.
func (b *builder) deployedImage(a *App) string {
	for _, m := range []func(string) (map[string]any, bool){b.Remote, b.ObservedManifest} {
		obj, ok := m(incluster.DeploymentObject(a.Name))
		if !ok {
			continue
		}
		if img := firstImage(obj); img != "" {
			return img
		}
	}
	return ""
}

func firstImage(deploy map[string]any) string {
	spec, _ := deploy["spec"].(map[string]any)
	tpl, _ := spec["template"].(map[string]any)
	pod, _ := tpl["spec"].(map[string]any)
	cs, _ := pod["containers"].([]any)
	if len(cs) == 0 {
		return ""
	}
	c, _ := cs[0].(map[string]any)
	img, _ := c["image"].(string)
	return img
}
