package workloads_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/workloads"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestApplicationObjects(t *testing.T) {
	out, _ := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	backend := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.DeploymentObject("backend")))
	frontend := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.DeploymentObject("frontend")))
	cases := map[string]struct {
		reason string
		obj    map[string]any
		path   string
		want   any
	}{
		"NoReplicasWithHPA": {"An HPA owns the replica count: the Deployment has none.", backend, "spec.replicas", nil},
		"Image":             {"", backend, "spec.template.spec.containers.0.image", "registry.example.com/backend:1.0.0"},
		"Port":              {"", backend, "spec.template.spec.containers.0.ports", []any{map[string]any{"name": "http", "containerPort": 8061.0, "protocol": "TCP"}}},
		"Resources": {"The seed's requests and limits.", backend, "spec.template.spec.containers.0.resources",
			map[string]any{"requests": map[string]any{"cpu": "250m", "memory": "512Mi"}, "limits": map[string]any{"cpu": "500m", "memory": "1Gi"}}},
		"Liveness": {"The seed's liveness probe: /health after 30 s every 10 s.", backend, "spec.template.spec.containers.0.livenessProbe",
			map[string]any{"httpGet": map[string]any{"path": "/health", "port": 8061.0}, "initialDelaySeconds": 30.0, "periodSeconds": 10.0, "timeoutSeconds": 1.0, "failureThreshold": 3.0}},
		"Readiness": {"The seed's readiness probe: /health after 5 s every 5 s.", backend, "spec.template.spec.containers.0.readinessProbe",
			map[string]any{"httpGet": map[string]any{"path": "/health", "port": 8061.0}, "initialDelaySeconds": 5.0, "periodSeconds": 5.0, "timeoutSeconds": 1.0, "failureThreshold": 3.0}},
		"SecretEnv": {"Secret variables reference app-secrets' keys, never values.", backend, "spec.template.spec.containers.0.env.0",
			map[string]any{"name": "DATABASE_URL", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "app-secrets", "key": "database-url"}}}},
		"ConfigEnv": {"The ConfigMap comes in as variables.", backend, "spec.template.spec.containers.0.envFrom",
			[]any{map[string]any{"configMapRef": map[string]any{"name": "backend-config"}}}},
		"NonRoot": {"Pods run as a non-root user with RuntimeDefault seccomp.", backend, "spec.template.spec.securityContext",
			map[string]any{"runAsNonRoot": true, "runAsUser": 10001.0, "runAsGroup": 10001.0, "fsGroup": 10001.0, "seccompProfile": map[string]any{"type": "RuntimeDefault"}}},
		"Hardened": {"No privilege escalation, read-only root, no capabilities.", backend, "spec.template.spec.containers.0.securityContext",
			map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
				"capabilities": map[string]any{"drop": []any{"ALL"}}, "seccompProfile": map[string]any{"type": "RuntimeDefault"}}},
		"NoToken":          {"No service account token in the pods.", backend, "spec.template.spec.automountServiceAccountToken", false},
		"ServiceAccount":   {"Pods run as the application's service account (its IAM role).", backend, "spec.template.spec.serviceAccountName", "backend"},
		"FrontendReplicas": {"Without an HPA the Deployment has the replica count.", frontend, "spec.replicas", 2.0},
		"Port80": {"Port 80 without root: unprivileged ports from 0.", frontend, "spec.template.spec.securityContext.sysctls",
			[]any{map[string]any{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}}},
		"Selector":  {"The seed's selector label.", frontend, "spec.selector", map[string]any{"matchLabels": map[string]any{"app": "frontend"}}},
		"Namespace": {"", frontend, "metadata.namespace", ct.Namespace},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, it.Get(tc.obj, tc.path)); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.reason, tc.path, diff)
			}
		})
	}

	svc := it.ManifestOf(t, ct.Find(t, out.Resources, workloads.ServiceObject("backend")))
	if diff := cmp.Diff(map[string]any{
		"type": "NodePort", "selector": map[string]any{"app": "backend"},
		"ports": []any{map[string]any{"name": "http", "port": 8061.0, "targetPort": "http", "protocol": "TCP"}},
	}, svc["spec"]); diff != "" {
		t.Errorf("The Service is a NodePort for instance targets (-want +got):\n%s", diff)
	}
	hpa := it.ManifestOf(t, ct.Find(t, out.Resources, workloads.HPAObject("backend")))
	if diff := cmp.Diff(map[string]any{
		"scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "backend"},
		"minReplicas":    3.0, "maxReplicas": 10.0,
		"metrics": []any{map[string]any{"type": "Resource", "resource": map[string]any{"name": "cpu", "target": map[string]any{"type": "Utilization", "averageUtilization": 70.0}}}},
	}, hpa["spec"]); diff != "" {
		t.Errorf("The HPA scales the backend 3-10 on CPU (-want +got):\n%s", diff)
	}
	pdb := it.ManifestOf(t, ct.Find(t, out.Resources, workloads.PDBObject("backend")))
	if diff := cmp.Diff(map[string]any{"maxUnavailable": 1.0, "selector": map[string]any{"matchLabels": map[string]any{"app": "backend"}}}, pdb["spec"]); diff != "" {
		t.Errorf("The PDB keeps all but one pod (-want +got):\n%s", diff)
	}
	cm := it.ManifestOf(t, ct.Find(t, out.Resources, workloads.ConfigObject("backend")))
	if diff := cmp.Diff(map[string]any{"GIN_MODE": "release", "PORT": "8061"}, cm["data"]); diff != "" {
		t.Errorf("The ConfigMap holds the config (-want +got):\n%s", diff)
	}
	if ct.Has(out.Resources, workloads.ConfigObject("frontend")) {
		t.Errorf("An application without config gets no ConfigMap")
	}
}

func TestConfigChangeRollsPods(t *testing.T) {
	r := it.Seed(t)
	env := ct.Env("prod", nil)
	before := it.Get(ct.JSONCopy(workloads.DeploymentManifest(env, &r, &r.Apps[0])), "spec.template.metadata.annotations")
	r.Apps[0].Config = map[string]string{"GIN_MODE": "debug", "PORT": "8061"}
	after := it.Get(ct.JSONCopy(workloads.DeploymentManifest(env, &r, &r.Apps[0])), "spec.template.metadata.annotations")
	if cmp.Equal(before, after) {
		t.Errorf("a config change must change the pod template (variables are read at start): %v", after)
	}
}

func TestBindingGating(t *testing.T) {
	withoutTG := it.Others(it.All) // no target groups observed
	cases := map[string]struct {
		reason  string
		ready   func(string) bool
		base    map[string]map[string]any
		binding bool
	}{
		"NoTargetGroup": {"The binding needs the target group's ARN.", it.All, withoutTG, false},
		"LBCNotReady": {"… and the controller running (its CRD and webhook).", func(n string) bool { return n != incluster.LBCRelease },
			it.Others(func(n string) bool { return n != incluster.LBCRelease }, "backend", "frontend"), false},
		"Ready": {"Target group observed, controller running.", it.All, it.Others(it.All, "backend", "frontend"), true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, observed := it.Walk(t, "prod", it.Seed(t), tc.ready, tc.base)
			if ct.Has(out.Resources, workloads.BindingObject("backend")) != tc.binding {
				t.Fatalf("%s: binding rendered = %v", tc.reason, !tc.binding)
			}
			if !tc.binding {
				return
			}
			arn, _ := observed.ARN(compose.TargetGroup("backend"))
			want := map[string]any{"targetGroupARN": arn, "targetType": "instance", "serviceRef": map[string]any{"name": "backend", "port": 8061.0}}
			if diff := cmp.Diff(want, it.ManifestOf(t, ct.Find(t, out.Resources, workloads.BindingObject("backend")))["spec"]); diff != "" {
				t.Errorf("The binding registers the nodes on the Service's port in the application's target group (-want +got):\n%s", diff)
			}
		})
	}
	// Without a domain there is no load balancer, so no binding at all.
	r, err := environment.ResolveInCluster([]v1alpha1.ApplicationSpec{it.BackendSpec()}, v1alpha1.AddonsSpec{}, ct.Namespace, "", "consulting")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := it.Walk(t, "prod", r, it.All, it.Others(it.All, "backend"))
	if ct.Has(out.Resources, workloads.BindingObject("backend")) {
		t.Errorf("no domain, no load balancer, no binding")
	}
}

func TestKeepObserved(t *testing.T) {
	// Everything exists; then the values the gates read disappear from observed state (a provider that
	// restarted, a resource being updated). Nothing that exists may drop out of the desired state.
	_, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	partial := compose.Observed{}
	for k, v := range observed {
		partial[k] = v
	}
	for _, gone := range []string{compose.TargetGroup("backend"), compose.TargetGroup("frontend"), compose.Database, compose.CacheReplicationGroup, compose.VPC, compose.Cluster, compose.ClusterAuth} {
		delete(partial, gone)
	}
	out := it.Desired(t, ct.Env("prod", partial), it.Seed(t))
	for name := range partial {
		if (compose.Component(name) == incluster.AppsComponent || compose.Component(name) == incluster.ReleasesComponent) && !ct.Has(out.Resources, name) {
			t.Errorf("%s exists but is not rendered: it would be deleted", name)
		}
	}
	// And what is kept keeps what it had.
	want := it.ManifestOf(t, &compose.Resource{Name: "b", Object: observed[workloads.BindingObject("backend")]})
	got := it.ManifestOf(t, ct.Find(t, out.Resources, workloads.BindingObject("backend")))
	if diff := cmp.Diff(it.Get(want, "spec"), it.Get(got, "spec")); diff != "" {
		t.Errorf("The binding keeps its target group while the ARN is unknown (-want +got):\n%s", diff)
	}
}

func TestRemovedApplicationRetired(t *testing.T) {
	_, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	out := it.Desired(t, ct.Env("prod", observed), it.Resolve(t, []v1alpha1.ApplicationSpec{it.BackendSpec()}, v1alpha1.AddonsSpec{}))
	if ct.Has(out.Resources, incluster.DeploymentObject("frontend")) {
		t.Fatalf("the removed frontend is still rendered")
	}
	for n := range observed {
		if strings.HasPrefix(n, incluster.AppPrefix("frontend")) && ct.Has(out.Resources, n) {
			t.Errorf("%s: the removed application's resources are retired", n)
		}
	}
}
