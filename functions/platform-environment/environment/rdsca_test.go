package environment_test

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

// TestDatabaseTLSVerified: every rendered database URL verifies the server (verify-full) against a CA file
// that every pod taking it mounts, from the RDS CA bundle ConfigMap rendered in its namespace, which holds
// the region's RDS root CAs only; a namespace whose applications do not take database-url gets no bundle.
func TestDatabaseTLSVerified(t *testing.T) {
	worker := it.BackendSpec()
	worker.Name, worker.Namespace, worker.Route, worker.Migration = "worker", "jobs", nil, nil
	static := it.FrontendSpec()
	static.Name, static.Namespace, static.Route = "static", "static", nil
	cases := map[string]struct {
		apps []v1alpha1.ApplicationSpec
		// bundles are the namespaces that must hold the bundle; others must not.
		bundles []string
		noneIn  []string
	}{
		"Seed":            {apps: []v1alpha1.ApplicationSpec{it.BackendSpec(), it.FrontendSpec()}, bundles: []string{ct.Namespace}},
		"TwoDBNamespaces": {apps: []v1alpha1.ApplicationSpec{it.BackendSpec(), it.FrontendSpec(), worker, static}, bundles: []string{ct.Namespace, "jobs"}, noneIn: []string{"static"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var apps []string
			for _, a := range tc.apps {
				if a.Route != nil {
					apps = append(apps, a.Name)
				}
			}
			r := it.Resolve(t, tc.apps, v1alpha1.AddonsSpec{})
			out, _ := it.Walk(t, "prod", r, it.All, it.Others(it.All, apps...))

			for _, ns := range tc.bundles {
				cm := it.ManifestOf(t, ct.Find(t, out.Resources, incluster.RDSCAObject(ns)))
				if it.Get(cm, "metadata.name") != incluster.RDSCAConfigMap || it.Get(cm, "metadata.namespace") != ns {
					t.Errorf("%s: the bundle is %v/%v, want %s/%s", ns, it.Get(cm, "metadata.namespace"), it.Get(cm, "metadata.name"), ns, incluster.RDSCAConfigMap)
				}
				data, _ := cm["data"].(map[string]any)
				pemText, _ := data[incluster.RDSCAKey].(string)
				var cns []string
				for rest := []byte(pemText); ; {
					var b *pem.Block
					if b, rest = pem.Decode(rest); b == nil {
						break
					}
					c, err := x509.ParseCertificate(b.Bytes)
					if err != nil {
						t.Fatalf("%s: bundle certificate: %v", ns, err)
					}
					cns = append(cns, c.Subject.CommonName)
				}
				want := []string{"Amazon RDS us-east-1 Root CA ECC384 G1", "Amazon RDS us-east-1 Root CA RSA2048 G1", "Amazon RDS us-east-1 Root CA RSA4096 G1"}
				if fmt.Sprint(cns) != fmt.Sprint(want) {
					t.Errorf("%s: the bundle holds %q, want the region's G1 roots %q", ns, cns, want)
				}
			}
			for _, ns := range tc.noneIn {
				if ct.Has(out.Resources, incluster.RDSCAObject(ns)) {
					t.Errorf("%s: no application there takes database-url, yet it got the RDS CA bundle", ns)
				}
			}

			urls := 0
			for _, res := range out.Resources {
				if res.Object["kind"] != "Object" {
					continue
				}
				m := it.ManifestOf(t, res)
				kind, _ := m["kind"].(string)
				if kind == "ExternalSecret" {
					data, _ := it.Get(m, "spec.target.template.data").(map[string]any)
					for k, v := range data {
						s, _ := v.(string)
						if !strings.HasPrefix(s, "postgres") {
							continue
						}
						urls++
						if !strings.Contains(s, "sslmode=verify-full") || !strings.Contains(s, "sslrootcert="+incluster.RDSCAPath) {
							t.Errorf("%s: %s = %q: want sslmode=verify-full&sslrootcert=%s", res.Name, k, s, incluster.RDSCAPath)
						}
					}
				}
				if kind != "Deployment" && kind != "Job" || it.Get(m, "metadata.namespace") == incluster.PlatformNamespace {
					continue
				}
				pod, _ := it.Get(m, "spec.template.spec").(map[string]any)
				takesURL := false
				for _, c := range pod["containers"].([]any) {
					for _, ef := range asList(it.Get(c, "envFrom")) {
						if it.Get(ef, "secretRef.name") == incluster.AppSecretName {
							takesURL = true
						}
					}
					for _, e := range asList(it.Get(c, "env")) {
						if it.Get(e, "valueFrom.secretKeyRef.key") == incluster.SecretDatabaseURL {
							takesURL = true
						}
					}
				}
				if !takesURL {
					continue
				}
				if !mounts(pod) {
					t.Errorf("%s (%s) takes the application secret but does not mount %s from ConfigMap %s", res.Name, kind, incluster.RDSCAPath, incluster.RDSCAConfigMap)
				}
				if ns, _ := it.Get(m, "metadata.namespace").(string); !ct.Has(out.Resources, incluster.RDSCAObject(ns)) {
					t.Errorf("%s mounts the bundle, but %s has none", res.Name, ns)
				}
			}
			if urls == 0 {
				t.Fatal("no database URL rendered: the test reads nothing")
			}
		})
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// mounts reports whether every container of the pod mounts the bundle's ConfigMap at incluster.RDSCADir.
func mounts(pod map[string]any) bool {
	vol := ""
	for _, v := range asList(pod["volumes"]) {
		if it.Get(v, "configMap.name") == incluster.RDSCAConfigMap {
			vol, _ = it.Get(v, "name").(string)
		}
	}
	if vol == "" {
		return false
	}
	for _, c := range asList(pod["containers"]) {
		ok := false
		for _, m := range asList(it.Get(c, "volumeMounts")) {
			if it.Get(m, "name") == vol && it.Get(m, "mountPath") == incluster.RDSCADir {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
