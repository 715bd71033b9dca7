//go:build e2e

package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// Fixed ports are safe: the control plane lives in its own network namespace.
const (
	etcdURL         = "http://127.0.0.1:2379"
	apiserverURL    = "https://127.0.0.1:6443"
	functionAddress = "127.0.0.1:9443"
	// functionRedialAddress is functionAddress spelled with its resolver scheme (grpc.NewClient's default, dns):
	// the same address and certificate name, another endpoint string, so Crossplane makes a new connection
	// (faults_dev_test.go, redialFunctionAfter).
	functionRedialAddress = "dns:///" + functionAddress
	webhookPort           = 9444
	crossplaneMetric      = "http://127.0.0.1:18080/metrics"
	crossplaneHealth      = "http://127.0.0.1:18081/readyz"
	adminToken            = "e2e-admin-token"

	// functionName is the functionRef of our Composition's pipeline step.
	functionName = "function-platform-environment"
)

// modules the suite reads from the Go module cache. The parent process (outside the network namespace, where the
// module proxy is reachable) downloads them and hands their directories to the child in the environment.
var modules = []struct{ env, path string }{
	{"E2E_MOD_CROSSPLANE", "github.com/crossplane/crossplane/v2@v2.4.0"},
	{"E2E_MOD_PROVIDER_AWS", "github.com/upbound/provider-aws/v2@v2.7.0"},
	{"E2E_MOD_PROVIDER_KUBERNETES", "github.com/crossplane-contrib/provider-kubernetes@v1.3.0"},
	{"E2E_MOD_PROVIDER_HELM", "github.com/crossplane-contrib/provider-helm@v1.3.0"},
}

// downloadModules runs `go mod download -json` for each module and returns E2E_MOD_*=<dir> settings.
func downloadModules() ([]string, error) {
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	var env []string
	for _, m := range modules {
		out, err := exec.Command(goBin, "mod", "download", "-json", m.path).Output()
		var info struct{ Dir, Error string }
		_ = json.Unmarshal(out, &info)
		if err != nil || info.Dir == "" {
			return nil, fmt.Errorf("go mod download %s: %v %s", m.path, err, info.Error)
		}
		env = append(env, m.env+"="+info.Dir)
	}
	return env, nil
}

func moduleDir(env string) string { return os.Getenv(env) }

// controlPlane is the running environment shared by every scenario.
type controlPlane struct {
	work     string
	bin      string // etcd, kube-apiserver, kube-controller-manager, kubectl, crossplane
	function string // our function's binary
	repo     string // repository root
	pki      *pki
	sp       *spawner
	procs    []*process
	kube     *kube
	crds     *crdSet
	timings  *timings
	fake     *fakeProvider
	restarts int // components restarted so far (restart)
}

// stop ends every process by its PID, last started first.
func (c *controlPlane) stop() {
	if c.fake != nil {
		c.fake.stop()
	}
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		if killed := p.stop(15 * time.Second); killed {
			fmt.Printf("e2e: %s (pid %d) ignored SIGTERM for 15s and was killed\n", p.name, p.pid())
		}
	}
}

// alive reports the first component that has exited.
func (c *controlPlane) alive() error {
	for _, p := range c.procs {
		if err := p.alive(); err != nil {
			return err
		}
	}
	return nil
}

func (c *controlPlane) start(name, bin string, args []string, env ...string) (*process, error) {
	p, err := c.sp.start(c.work, name, bin, args, env)
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, p)
	return p, nil
}

// bringUp starts the whole control plane. On error the caller still calls stop.
func (c *controlPlane) bringUp(ctx context.Context) error {
	t := c.timings.phase
	if err := loopbackUp(); err != nil {
		return err
	}
	if err := onlyLoopback(); err != nil {
		return err
	}
	var err error
	if c.pki, err = newPKI(filepath.Join(c.work, "pki")); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	t("certificates")

	if _, err := c.start("etcd", filepath.Join(c.bin, "etcd"), []string{
		"--name=e2e", "--data-dir=etcd-data",
		"--listen-client-urls=" + etcdURL, "--advertise-client-urls=" + etcdURL,
		"--listen-peer-urls=http://127.0.0.1:2380", "--initial-advertise-peer-urls=http://127.0.0.1:2380",
		"--initial-cluster=e2e=http://127.0.0.1:2380", "--unsafe-no-fsync", "--log-level=warn",
	}); err != nil {
		return err
	}
	if err := c.waitHTTP(ctx, etcdURL+"/health", nil); err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	t("etcd ready")

	// One API-server user per component (identities_test.go), so that requests can be told apart.
	if err := os.WriteFile(filepath.Join(c.work, "tokens.csv"), []byte(tokensCSV()), 0o600); err != nil {
		return err
	}
	audit, err := c.auditArgs()
	if err != nil {
		return err
	}
	if _, err := c.start("kube-apiserver", filepath.Join(c.bin, "kube-apiserver"), append([]string{
		"--etcd-servers=" + etcdURL, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=6443",
		"--tls-cert-file=" + c.pki.apiserverCert, "--tls-private-key-file=" + c.pki.apiserverKey,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + c.pki.saPub, "--service-account-signing-key-file=" + c.pki.saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--authorization-mode=RBAC", "--token-auth-file=tokens.csv",
		// Nothing here mints service-account tokens, and no pods run.
		"--disable-admission-plugins=ServiceAccount",
		"--shutdown-delay-duration=0s", "--profiling=false",
		// The suite's one client carries ~200 watches (fake provider, deletion recorder) besides its requests.
		"--http2-max-streams-per-connection=2000",
	}, audit...)); err != nil {
		return err
	}
	kubeconfig, cfg, err := c.writeKubeconfig()
	if err != nil {
		return err
	}
	if c.kube, err = newKube(cfg); err != nil {
		return err
	}
	if err := c.waitAPIServer(ctx); err != nil {
		return err
	}
	t("kube-apiserver ready")

	// Owner-reference garbage collection (how composed resources go when their XR is deleted) and namespace
	// deletion need the controller manager; nothing else of it is needed.
	kcmConfig, err := c.writeKubeconfigFor(userControllerManager)
	if err != nil {
		return err
	}
	if _, err := c.start("kube-controller-manager", filepath.Join(c.bin, "kube-controller-manager"), []string{
		"--kubeconfig=" + kcmConfig, "--authentication-kubeconfig=" + kcmConfig, "--authorization-kubeconfig=" + kcmConfig,
		"--bind-address=127.0.0.1", "--secure-port=10257", "--leader-elect=false",
		"--controllers=garbagecollector,namespace",
	}); err != nil {
		return err
	}

	if err := c.crossplane(ctx, kubeconfig); err != nil {
		return err
	}
	return nil
}

// crossplane installs and starts Crossplane core with its webhooks, the function, and our package's CRDs.
func (c *controlPlane) crossplane(ctx context.Context, kubeconfig string) error {
	t := c.timings.phase
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "crossplane-system"}}}
	readFile := func(p string) string { b, _ := os.ReadFile(p); return string(b) }
	secret := func(name, typ string, data map[string]string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Secret", "type": typ,
			"metadata":   map[string]any{"name": name, "namespace": "crossplane-system"},
			"stringData": toAnyMap(data),
		}}
	}
	cd := c.pki.crossplaneClientDir
	// `core init` fills these Secrets when they are missing; filled by us, it keeps our CA and client certificate.
	if err := c.kube.applyAll(ctx, []*unstructured.Unstructured{
		ns,
		secret("crossplane-root-ca", "kubernetes.io/tls", map[string]string{"tls.crt": readFile(c.pki.caCert), "tls.key": readFile(c.pki.caKey)}),
		secret("crossplane-tls-client", "Opaque", map[string]string{
			"ca.crt": readFile(filepath.Join(cd, "ca.crt")), "tls.crt": readFile(filepath.Join(cd, "tls.crt")), "tls.key": readFile(filepath.Join(cd, "tls.key")),
		}),
	}); err != nil {
		return err
	}

	xp := filepath.Join(c.bin, "crossplane")
	xpMod := moduleDir("E2E_MOD_CROSSPLANE")
	// init creates its CRDs and at once a Lock object, which fails until the Lock CRD is served. Installing the
	// same CRDs first (init then leaves them as they are) makes its first try succeed.
	coreCRDs, err := readObjectsDir(filepath.Join(xpMod, "cluster", "crds"))
	if err != nil {
		return err
	}
	if err := c.kube.applyAll(ctx, coreCRDs); err != nil {
		return err
	}
	for _, crd := range coreCRDs {
		if err := c.waitCondition(ctx, gvkCRD, "", crd.GetName(), "Established", time.Minute); err != nil {
			return err
		}
	}
	// `core init` with webhooks on would point the webhook configuration at a Service, which nothing here can route
	// to (no kube-proxy; Endpoints refuse loopback addresses). So init runs with webhooks off, and the harness
	// installs Crossplane's own webhook configuration with its clientConfig turned into a loopback URL (below).
	// init's flags are mangled by kong (--cr-ds-path), so it is configured through its environment; its first try
	// often races the Lock CRD it has just created, hence the retries.
	initEnv := []string{
		"KUBECONFIG=" + kubeconfig,
		"CRDS_PATH=" + filepath.Join(xpMod, "cluster", "crds"),
		"ENABLE_WEBHOOKS=false",
		"TLS_CA_SECRET_NAME=crossplane-root-ca",
		"TLS_CLIENT_SECRET_NAME=crossplane-tls-client",
	}
	var initErr error
	for i := 1; i <= 3; i++ {
		if initErr = c.sp.run(c.work, fmt.Sprintf("crossplane-init-%d", i), xp, []string{"core", "init"}, initEnv, 2*time.Minute); initErr == nil {
			break
		}
		time.Sleep(time.Second)
	}
	if initErr != nil {
		return fmt.Errorf("crossplane core init failed 3 times: %w (see crossplane-init-*.log)", initErr)
	}
	t("crossplane core init")

	hooks, err := webhookConfigurations(filepath.Join(xpMod, "cluster", "webhookconfigurations"), c.pki.caPEM)
	if err != nil {
		return err
	}
	if err := c.kube.applyAll(ctx, hooks); err != nil {
		return err
	}

	breaker := []string{"--circuit-breaker-burst=5000", "--circuit-breaker-refill-rate=50"}
	if os.Getenv("E2E_CROSSPLANE_DEFAULTS") != "" {
		breaker = nil
	}
	xpConfig, err := c.writeKubeconfigFor(userCrossplane)
	if err != nil {
		return err
	}
	if _, err := c.start("crossplane", xp, append([]string{
		"core", "start",
		"--package-runtime=External",
		"--enable-webhooks=true", fmt.Sprintf("--webhook-port=%d", webhookPort), "--tls-server-certs-dir=" + c.pki.webhookDir,
		"--tls-client-certs-dir=" + c.pki.crossplaneClientDir,
		"--xpkg-cache-dir=xpkg", "--xfn-cache-dir=xfn",
		// Metrics and health probes bind to every interface; in this namespace that is loopback.
		"--metrics-port=18080", "--health-probe-port=18081",
		"--debug",
		// Each XR has a circuit breaker on the watch events that trigger its reconciles (burst 100, refill 1/s).
		// The fake provider and the lifecycle walk touch a whole stage of resources within a second, so with the
		// defaults the breaker opens at once and every stage then waits for the function's TTL (60 s): 12 minutes
		// for the seed instead of two. Real providers spread their updates over minutes. A larger bucket keeps
		// the breaker for what it is for (an XR in a hot loop) and lets the walk measure composition, not
		// throttling. E2E_CROSSPLANE_DEFAULTS=1 keeps Crossplane's own values.
	}, breaker...), "KUBECONFIG="+xpConfig); err != nil {
		return err
	}
	// Ready includes "webhook server started".
	if err := c.waitHTTP(ctx, crossplaneHealth, nil); err != nil {
		return fmt.Errorf("crossplane: %w", err)
	}
	t("crossplane core start ready (webhooks served)")

	if _, err := c.start("function", c.function, []string{
		"--address=" + functionAddress, "--tls-certs-dir=" + c.pki.functionDir, "--metrics-address=", "--debug",
	}); err != nil {
		return err
	}
	if err := c.waitTCP(ctx, functionAddress); err != nil {
		return fmt.Errorf("function: %w", err)
	}
	if err := c.registerFunction(ctx); err != nil {
		return err
	}
	t("function serving over mTLS and registered")

	if c.crds, err = c.installCRDs(ctx); err != nil {
		return err
	}
	t(fmt.Sprintf("CRDs installed (%d provider CRDs) and XRD established", len(c.crds.providerCRDs)))

	fakeKube, err := c.kubeFor(userFakeProvider)
	if err != nil {
		return err
	}
	c.fake = newFakeProvider(fakeKube, c.crds.managedGVRs())
	if err := c.fake.start(ctx); err != nil {
		return err
	}
	t("fake provider watching managed resources")
	return nil
}

// registerFunction creates a paused FunctionRevision (so the package manager pulls no image) and patches its status
// with the endpoint Crossplane dials and the function's capabilities.
func (c *controlPlane) registerFunction(ctx context.Context) error {
	rev := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "pkg.crossplane.io/v1",
		"kind":       "FunctionRevision",
		"metadata": map[string]any{
			"name":        functionName + "-e2e",
			"labels":      map[string]any{"pkg.crossplane.io/package": functionName},
			"annotations": map[string]any{"crossplane.io/paused": "true"},
		},
		"spec": map[string]any{
			"image":        "xpkg.crossplane.io/cloudpartner/" + functionName + ":e2e",
			"desiredState": "Active",
			"revision":     int64(1),
		},
	}}
	if err := c.kube.applyAll(ctx, []*unstructured.Unstructured{rev}); err != nil {
		return err
	}
	_, err := c.kube.mergePatch(ctx, rev.GroupVersionKind(), "", rev.GetName(), map[string]any{
		"status": map[string]any{"endpoint": functionAddress, "capabilities": []any{"composition"}},
	}, "status")
	return err
}

// webhookConfigurations reads Crossplane's own webhook configurations and points them at the webhook server on
// loopback by URL, trusting our CA.
func webhookConfigurations(dir string, caPEM []byte) ([]*unstructured.Unstructured, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no webhook configurations in %s: %v", dir, err)
	}
	var out []*unstructured.Unstructured
	for _, f := range files {
		objs, err := readObjectsFile(f)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			hooks, _, _ := unstructured.NestedSlice(o.Object, "webhooks")
			for i, h := range hooks {
				hm := h.(map[string]any)
				path, _, _ := unstructured.NestedString(hm, "clientConfig", "service", "path")
				hm["clientConfig"] = map[string]any{
					"url":      fmt.Sprintf("https://127.0.0.1:%d%s", webhookPort, path),
					"caBundle": base64.StdEncoding.EncodeToString(caPEM),
				}
				hooks[i] = hm
			}
			if err := unstructured.SetNestedSlice(o.Object, hooks, "webhooks"); err != nil {
				return nil, err
			}
			out = append(out, o)
		}
	}
	return out, nil
}

func (c *controlPlane) writeKubeconfig() (string, *rest.Config, error) {
	path := filepath.Join(c.work, "kubeconfig")
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: e2e, cluster: {server: %q, certificate-authority: %q}}]
users: [{name: admin, user: {token: %s}}]
contexts: [{name: e2e, context: {cluster: e2e, user: admin}}]
current-context: e2e
`, apiserverURL, c.pki.caCert, adminToken)
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		return "", nil, err
	}
	cfg := &rest.Config{
		Host:            apiserverURL,
		BearerToken:     adminToken,
		TLSClientConfig: rest.TLSClientConfig{CAFile: c.pki.caCert},
		Timeout:         30 * time.Second,
	}
	return path, cfg, nil
}

func (c *controlPlane) waitAPIServer(ctx context.Context) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.pki.caPEM)
	return c.waitHTTP(ctx, apiserverURL+"/readyz", &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}, "Authorization", "Bearer "+adminToken)
}

// waitHTTP polls url until it answers 200, failing early if a component has exited.
func (c *controlPlane) waitHTTP(ctx context.Context, url string, client *http.Client, header ...string) error {
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Second}
	}
	return poll(ctx, 2*time.Minute, 100*time.Millisecond, func() (bool, error) {
		if err := c.alive(); err != nil {
			return false, err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rsp, err := client.Do(req)
		if err != nil {
			return false, nil
		}
		rsp.Body.Close()
		return rsp.StatusCode == http.StatusOK, nil
	})
}

func (c *controlPlane) waitTCP(ctx context.Context, addr string) error {
	return poll(ctx, time.Minute, 50*time.Millisecond, func() (bool, error) {
		if err := c.alive(); err != nil {
			return false, err
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false, nil
		}
		conn.Close()
		return true, nil
	})
}

// functionRequests reads Crossplane's counter of RunFunction requests to our function.
func functionRequests(ctx context.Context) (int, error) {
	return metricSum(ctx, "function_run_function_request_total", `"`+functionName+`"`)
}

// breakerStats reads the XR circuit breaker's opens and dropped watch events for our XR kind.
func breakerStats(ctx context.Context) (opens, dropped int, err error) {
	if opens, err = metricSum(ctx, "circuit_breaker_opens_total", "platformenvironments."); err != nil {
		return 0, 0, err
	}
	dropped, err = metricSum(ctx, "circuit_breaker_events_total", "platformenvironments.", `result="Dropped"`)
	return opens, dropped, err
}

// xrReconciles reads controller-runtime's counter of reconciles of our XR kind (every result).
func xrReconciles(ctx context.Context) (int, error) {
	return metricSum(ctx, "controller_runtime_reconcile_total", "composite/platformenvironments.")
}

// metricSum adds up the samples of a Prometheus counter from Crossplane's metrics whose labels contain every match.
func metricSum(ctx context.Context, name string, match ...string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, crossplaneMetric, nil)
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer rsp.Body.Close()
	var sb strings.Builder
	if _, err := io.Copy(&sb, rsp.Body); err != nil {
		return 0, err
	}
	total := 0
	for _, line := range strings.Split(sb.String(), "\n") {
		if !strings.HasPrefix(line, name+"{") || !containsAll(line, match) {
			continue
		}
		var n float64
		if _, err := fmt.Sscanf(line[strings.LastIndexByte(line, ' ')+1:], "%g", &n); err == nil {
			total += int(n)
		}
	}
	return total, nil
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

var gvkNamespace = schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}
