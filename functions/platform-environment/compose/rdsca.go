package compose

// RDSCAIdentifier is the CA the database instance's server certificate is issued by: pinned, so that the
// CA bundle the pods trust (incluster/rdsca) and the instance's certificate cannot drift apart when AWS
// changes its default for new instances. rds-ca-rsa2048-g1 is AWS's default for new instances (valid to
// 2061); changing it is applied in place, and RDS restarts the instance to load the new certificate.
const RDSCAIdentifier = "rds-ca-rsa2048-g1"

// rdsTrustedCAs are the G1 CAs whose roots the pods' bundle holds for every region (incluster/rdsca).
var rdsTrustedCAs = map[string]bool{"rds-ca-rsa2048-g1": true, "rds-ca-rsa4096-g1": true, "rds-ca-ecc384-g1": true}

// RDSCAFor is the CA to pin on an instance: the one it already runs with when the pods' bundle trusts
// it (moving an existing instance between trusted CAs would restart it for nothing), else
// RDSCAIdentifier (new instances, and instances on a CA the bundle lacks, e.g. the expired rds-ca-2019).
func RDSCAFor(observed string) string {
	if rdsTrustedCAs[observed] {
		return observed
	}
	return RDSCAIdentifier
}
