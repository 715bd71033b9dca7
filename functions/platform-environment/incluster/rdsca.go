package incluster

import (
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"strings"
	"sync"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// The RDS CA bundle in the application namespaces: a ConfigMap, mounted read-only by every pod that takes
// database-url, whose sslrootcert names the file.
const (
	RDSCAConfigMap = "rds-ca-bundle"
	RDSCAKey       = "rds-ca.pem"
	RDSCAVolume    = "rds-ca"
	RDSCADir       = "/etc/rds-ca"
	RDSCAPath      = RDSCADir + "/" + RDSCAKey
)

// rdsCABundle holds the G1 root CAs of every commercial region (the instance pins one of them:
// compose.RDSCAIdentifier) (dated, with its source, in its header;
// the refresh procedure is in docs/security.md).
//
//go:embed rdsca/rds-ca-g1.pem
var rdsCABundle string

// RDSCAObject is the composition resource name of a namespace's RDS CA bundle ConfigMap.
func RDSCAObject(ns string) string { return "apps-rds-ca-" + ns }

// RDSCABundle is the region's RDS root CAs (RSA2048, RSA4096 and ECC384 G1), as AWS's regional bundle
// holds them: libpq's verify-full trusts these and nothing else. A region the embedded bundle does not
// know gets every region's roots (still only RDS CAs).
func RDSCABundle(region string) string {
	b := rdsCABundles()
	if mine, ok := b.byRegion[region]; ok {
		return mine
	}
	return b.all
}

// rdsCABundles splits the embedded bundle by region once: parsing ~90 certificates took a seventh of a
// fully observed seed's RunFunction when it ran on every call (make bench).
var rdsCABundles = sync.OnceValue(func() (b struct {
	all      string
	byRegion map[string]string
}) {
	var all strings.Builder
	mine := map[string]*strings.Builder{}
	rest := []byte(rdsCABundle)
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		p := string(pem.EncodeToMemory(&pem.Block{Type: blk.Type, Bytes: blk.Bytes}))
		all.WriteString(p)
		if r := certRegion(blk.Bytes); r != "" {
			if mine[r] == nil {
				mine[r] = &strings.Builder{}
			}
			mine[r].WriteString(p)
		}
	}
	b.all, b.byRegion = all.String(), map[string]string{}
	for r, sb := range mine {
		b.byRegion[r] = sb.String()
	}
	return b
})

// certRegion reads the region out of the certificate's common name, "Amazon RDS <region> Root CA …".
func certRegion(der []byte) string {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return ""
	}
	f := strings.Fields(strings.TrimPrefix(c.Subject.CommonName, "Amazon RDS "))
	if len(f) < 2 || f[1] != "Root" {
		return ""
	}
	return f[0]
}

// RDSCAVolumeSpec and RDSCAMount are the pod volume and the container mount of the bundle.
func RDSCAVolumeSpec() map[string]any {
	return map[string]any{"name": RDSCAVolume, "configMap": map[string]any{"name": RDSCAConfigMap}}
}

func RDSCAMount() map[string]any {
	return map[string]any{"name": RDSCAVolume, "mountPath": RDSCADir, "readOnly": true}
}

// RDSCABundles renders the bundle ConfigMap in every application namespace one of whose applications
// takes database-url.
func (b Builder) RDSCABundles() compose.Result {
	var res compose.Result
	need := map[string]bool{}
	for i := range b.Spec.Apps {
		if b.Spec.Apps[i].UsesSecret(SecretDatabaseURL) {
			need[b.Spec.Apps[i].Namespace] = true
		}
	}
	for _, ns := range b.AppNamespaces() {
		if !need[ns] {
			continue
		}
		name := RDSCAObject(ns)
		if !res.Gate(b.Env.Observed, name, b.InCluster(), b.NamespaceExists(ns)) {
			continue
		}
		m := Manifest("v1", "ConfigMap", ns, RDSCAConfigMap, nil)
		m["data"] = map[string]any{RDSCAKey: RDSCABundle(b.Env.Region)}
		res.Add(b.Object(name, m, OnCreate))
	}
	return res
}
