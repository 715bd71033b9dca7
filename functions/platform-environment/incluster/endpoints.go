package incluster

import (
	"fmt"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Endpoints are the database and cache endpoints, once AWS reports them.
type Endpoints struct {
	DBHost    string
	DBPort    int64
	DBName    string
	DBOK      bool
	RedisHost string
	RedisPort int64
	RedisOK   bool
}

// Endpoints reads the database's and the cache's endpoints from observed state.
func (b Builder) Endpoints() Endpoints {
	var e Endpoints
	e.DBHost, e.DBOK = b.Env.Observed.String(compose.Database, "status.atProvider.address")
	e.DBPort = b.intValue(compose.Database, "status.atProvider.port", 5432)
	e.DBName = b.Spec.DatabaseName
	if n, ok := b.Env.Observed.String(compose.Database, "spec.forProvider.dbName"); ok {
		e.DBName = n
	}
	e.RedisHost, e.RedisOK = b.Env.Observed.String(compose.CacheReplicationGroup, "status.atProvider.primaryEndpointAddress")
	e.RedisPort = b.intValue(compose.CacheReplicationGroup, "status.atProvider.port", 6379)
	return e
}

func (b Builder) intValue(name, path string, def int64) int64 {
	if n, ok := b.Env.Observed.Number(name, path); ok {
		return int64(n)
	}
	return def
}

// DatabaseURL is the template of database-url: the applications' own role over TLS, verifying the server
// against the mounted RDS CA bundle (rdsca.go) and its host name (verify-full).
func (e Endpoints) DatabaseURL() string {
	return fmt.Sprintf("postgresql://%s:{{ .dbpassword }}@%s:%d/%s?sslmode=verify-full&sslrootcert=%s", AppDatabaseUser, e.DBHost, e.DBPort, e.DBName, RDSCAPath)
}

// RedisURL is the template of redis-url: TLS (rediss) with the AUTH token.
func (e Endpoints) RedisURL() string {
	return fmt.Sprintf("rediss://:{{ .redisauth | urlquery }}@%s:%d", e.RedisHost, e.RedisPort)
}

// MasterSecretARN is the Secrets Manager secret RDS keeps the master credentials in.
func (b Builder) MasterSecretARN() (string, bool) {
	return b.Env.Observed.String(compose.Database, "status.atProvider.masterUserSecret[0].secretArn")
}
