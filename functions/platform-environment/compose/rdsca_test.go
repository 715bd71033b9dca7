package compose

import "testing"

func TestRDSCAFor(t *testing.T) {
	for observed, want := range map[string]string{
		"":                  RDSCAIdentifier, // a new instance
		"rds-ca-rsa2048-g1": "rds-ca-rsa2048-g1",
		"rds-ca-rsa4096-g1": "rds-ca-rsa4096-g1", // trusted by the bundle: kept, no restart
		"rds-ca-ecc384-g1":  "rds-ca-ecc384-g1",
		"rds-ca-2019":       RDSCAIdentifier, // expired, not in the bundle: moved
	} {
		if got := RDSCAFor(observed); got != want {
			t.Errorf("RDSCAFor(%q) = %q, want %q", observed, got, want)
		}
	}
}
