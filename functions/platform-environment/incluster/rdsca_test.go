package incluster

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

func bundleCerts(t *testing.T, s string) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for rest := []byte(s); ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return out
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatalf("bundle certificate: %v", err)
		}
		out = append(out, c)
	}
}

// TestRDSCABundle: each region gets its own three G1 roots, self-signed CAs valid until at least 2060; a
// region the embedded file does not know gets every region's roots.
func TestRDSCABundle(t *testing.T) {
	cases := map[string]struct {
		region string
		want   int
	}{
		"USEast1":     {"us-east-1", 3},
		"EUCentral1":  {"eu-central-1", 3},
		"APSouth2":    {"ap-south-2", 3},
		"USWest2":     {"us-west-2", 3},
		"UnknownAll":  {"xx-nowhere-1", 81},
		"EmptyRegion": {"", 81},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			certs := bundleCerts(t, RDSCABundle(tc.region))
			if len(certs) != tc.want {
				t.Fatalf("%s: %d certificates, want %d", tc.region, len(certs), tc.want)
			}
			kinds := map[string]bool{}
			for _, c := range certs {
				cn := c.Subject.CommonName
				if !c.IsCA || c.CheckSignatureFrom(c) != nil {
					t.Errorf("%s is not a self-signed CA", cn)
				}
				if c.NotAfter.Before(time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("%s expires %s", cn, c.NotAfter)
				}
				if !strings.HasPrefix(cn, "Amazon RDS ") || !strings.HasSuffix(cn, " G1") {
					t.Errorf("%s is not an RDS G1 root", cn)
				}
				if tc.want == 3 {
					if certRegion(c.Raw) != tc.region {
						t.Errorf("%s in the %s bundle", cn, tc.region)
					}
					kinds[cn[strings.Index(cn, "Root CA ")+len("Root CA "):]] = true
				}
			}
			if tc.want == 3 && !(kinds["RSA2048 G1"] && kinds["RSA4096 G1"] && kinds["ECC384 G1"]) {
				t.Errorf("%s: kinds %v, want RSA2048, RSA4096 and ECC384 G1 (RSA2048 is the pinned rds-ca-rsa2048-g1)", tc.region, kinds)
			}
		})
	}
}
