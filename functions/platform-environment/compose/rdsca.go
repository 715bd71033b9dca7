package compose

// RDSCAIdentifier is the CA the database instance's server certificate is issued by: pinned, so that the
// CA bundle the pods trust (incluster/rdsca) and the instance's certificate cannot drift apart when AWS
// changes its default for new instances. rds-ca-rsa2048-g1 is AWS's default for new instances (valid to
// 2061); changing it is applied in place, and RDS restarts the instance to load the new certificate.
const RDSCAIdentifier = "rds-ca-rsa2048-g1"
