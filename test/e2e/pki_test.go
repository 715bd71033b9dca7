//go:build e2e

package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pki holds the file paths of the certificates the control plane uses. One CA signs every certificate: the API
// server's serving certificate, Crossplane's client certificate (which it presents to functions), the function's
// server certificate and Crossplane's webhook server certificate. All keys are RSA 2048.
type pki struct {
	dir string

	caCert, caKey               string // caKey is PKCS#1: `crossplane core init` cannot parse PKCS#8
	apiserverCert, apiserverKey string
	saKey, saPub                string // service-account token signing
	crossplaneClientDir         string // ca.crt, tls.crt, tls.key (Crossplane's --tls-client-certs-dir)
	functionDir                 string // ca.crt, tls.crt, tls.key (the function's --tls-certs-dir)
	webhookDir                  string // tls.crt, tls.key (Crossplane's --tls-server-certs-dir)
	caPEM                       []byte
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

// newPKI creates the CA and every certificate under dir.
func newPKI(dir string) (*pki, error) {
	p := &pki{
		dir:                 dir,
		caCert:              filepath.Join(dir, "ca.crt"),
		caKey:               filepath.Join(dir, "ca.key"),
		apiserverCert:       filepath.Join(dir, "apiserver.crt"),
		apiserverKey:        filepath.Join(dir, "apiserver.key"),
		saKey:               filepath.Join(dir, "sa.key"),
		saPub:               filepath.Join(dir, "sa.pub"),
		crossplaneClientDir: filepath.Join(dir, "crossplane-client"),
		functionDir:         filepath.Join(dir, "function"),
		webhookDir:          filepath.Join(dir, "crossplane-webhook"),
	}
	for _, d := range []string{p.crossplaneClientDir, p.functionDir, p.webhookDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "platform-environment-e2e-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(48 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	p.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	if err := os.WriteFile(p.caCert, p.caPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writePEM(p.caKey, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(caKey)); err != nil {
		return nil, err
	}

	serial := int64(2)
	leaf := func(certPath, keyPath, cn string, usage x509.ExtKeyUsage, dns []string, ips []net.IP) error {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.Add(48 * time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
			DNSNames:     dns,
			IPAddresses:  ips,
		}
		serial++
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		if err := writePEM(certPath, "CERTIFICATE", der); err != nil {
			return err
		}
		return writePEM(keyPath, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	}
	loopback := []net.IP{net.IPv4(127, 0, 0, 1)}
	if err := leaf(p.apiserverCert, p.apiserverKey, "kube-apiserver", x509.ExtKeyUsageServerAuth,
		[]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"}, loopback); err != nil {
		return nil, err
	}
	// Crossplane's client certificate carries the name its own initializer would give it (<service account>.<namespace>).
	if err := leaf(filepath.Join(p.crossplaneClientDir, "tls.crt"), filepath.Join(p.crossplaneClientDir, "tls.key"),
		"crossplane", x509.ExtKeyUsageClientAuth, []string{"crossplane.crossplane-system"}, nil); err != nil {
		return nil, err
	}
	if err := leaf(filepath.Join(p.functionDir, "tls.crt"), filepath.Join(p.functionDir, "tls.key"),
		"function-platform-environment", x509.ExtKeyUsageServerAuth, []string{"localhost"}, loopback); err != nil {
		return nil, err
	}
	if err := leaf(filepath.Join(p.webhookDir, "tls.crt"), filepath.Join(p.webhookDir, "tls.key"),
		"crossplane-webhook", x509.ExtKeyUsageServerAuth, []string{"localhost"}, loopback); err != nil {
		return nil, err
	}
	for _, d := range []string{p.crossplaneClientDir, p.functionDir} {
		if err := os.WriteFile(filepath.Join(d, "ca.crt"), p.caPEM, 0o600); err != nil {
			return nil, err
		}
	}

	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	if err := writePEM(p.saKey, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(saKey)); err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return nil, err
	}
	if err := writePEM(p.saPub, "PUBLIC KEY", pub); err != nil {
		return nil, err
	}
	return p, nil
}
