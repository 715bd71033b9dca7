//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
)

// The API-server users of the control plane's components (issue 18: requests attributed per component). Every one
// is in system:masters: the suite tests composition, not RBAC; the names are what the audit log tells apart.
// The suite's own client (the walk harness, the scenarios' reads and writes) stays "admin".
const (
	userAdmin             = "admin"
	userCrossplane        = "crossplane"
	userFakeProvider      = "fake-provider"
	userControllerManager = "kube-controller-manager"
)

// userTokens are the static tokens of the users (--token-auth-file).
var userTokens = map[string]string{
	userAdmin:             adminToken,
	userCrossplane:        "e2e-crossplane-token",
	userFakeProvider:      "e2e-fake-provider-token",
	userControllerManager: "e2e-kube-controller-manager-token",
}

// tokensCSV is the API server's token file: token,user,uid,groups.
func tokensCSV() string {
	out := ""
	for _, u := range []string{userAdmin, userCrossplane, userFakeProvider, userControllerManager} {
		out += fmt.Sprintf("%s,%s,%s,system:masters\n", userTokens[u], u, u)
	}
	return out
}

// writeKubeconfigFor writes a kubeconfig that authenticates as user and returns its path.
func (c *controlPlane) writeKubeconfigFor(user string) (string, error) {
	path := filepath.Join(c.work, "kubeconfig-"+user)
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: e2e, cluster: {server: %q, certificate-authority: %q}}]
users: [{name: %s, user: {token: %s}}]
contexts: [{name: e2e, context: {cluster: e2e, user: %s}}]
current-context: e2e
`, apiserverURL, c.pki.caCert, user, userTokens[user], user)
	return path, os.WriteFile(path, []byte(kc), 0o600)
}

// kubeFor is a client that authenticates as user.
func (c *controlPlane) kubeFor(user string) (*kube, error) {
	return newKube(&rest.Config{
		Host:            apiserverURL,
		BearerToken:     userTokens[user],
		TLSClientConfig: rest.TLSClientConfig{CAFile: c.pki.caCert},
		Timeout:         30 * time.Second,
	})
}

// auditLog is the API server's audit log (JSON lines), written only when E2E_AUDIT is set (make fleet): auditing
// every request costs API-server CPU the other scenarios need not pay.
const auditLog = "audit.log"

// auditArgs are the API server's audit flags: level Metadata for every request (who, verb, resource; no bodies).
func (c *controlPlane) auditArgs() ([]string, error) {
	if os.Getenv("E2E_AUDIT") == "" {
		return nil, nil
	}
	policy := filepath.Join(c.work, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n"), 0o600); err != nil {
		return nil, err
	}
	return []string{"--audit-policy-file=" + policy, "--audit-log-path=" + filepath.Join(c.work, auditLog),
		"--audit-log-format=json", "--audit-log-maxsize=0", "--audit-log-mode=batch"}, nil
}
