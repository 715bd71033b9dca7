package incluster

// Composition resource names that more than one in-cluster domain reads: one domain renders the
// resource, the others wait for it or point at it. Names only one domain uses live there.

// The in-cluster ProviderConfigs (access.go).
const (
	KubernetesConfig = "releases-kubernetes-config"
	HelmConfig       = "releases-helm-config"
)

// Add-on releases other domains wait for (addons renders them).
const (
	// LBCRelease is the AWS Load Balancer Controller: TargetGroupBindings need it.
	LBCRelease = "releases-lbc"
	// ESORelease is the External Secrets Operator: every External Secrets object needs it.
	ESORelease = "releases-external-secrets"
)

// Secrets (the secrets domain renders them; the app secrets, the checks and the database setup read them).
const (
	SecretStore         = "apps-secret-store"
	SecretRedis         = "apps-secret-redis"
	SecretRedisVersion  = "apps-secret-redis-version"
	SecretDatabaseSetup = "apps-secret-database-setup"
	SecretSmokeTest     = "apps-secret-smoke-test"
)

// The application secret: every namespace whose applications take envFromSecrets gets a Secret of this
// name, built and kept in sync by External Secrets.
const AppSecretName = "app-secrets"

// SecretStoreName is the ClusterSecretStore of AWS Secrets Manager in this environment's region that the
// application namespaces use (through the tenant role).
const SecretStoreName = "aws-secrets-manager"

// PlatformSecretStore (composition resource) is the ClusterSecretStore PlatformSecretStoreName of the
// platform namespace, on the operator's own role: its PushSecrets and ExternalSecrets.
const (
	PlatformSecretStore     = "apps-secret-store-platform"
	PlatformSecretStoreName = "platform-secrets"
)

// StoreFor is the store a namespace's ExternalSecrets use: its composition resource name and its name.
func StoreFor(namespace string) (resource, name string) {
	if namespace == PlatformNamespace {
		return PlatformSecretStore, PlatformSecretStoreName
	}
	return SecretStore, SecretStoreName
}

// AppDatabaseUser is the PostgreSQL role the applications connect as: created by the database setup Job,
// owner of what the migrations create; never the master user (whose password RDS rotates).
const AppDatabaseUser = "app"

// RedisKey is the bridged cache AUTH token's name under the environment's prefix.
const RedisKey = "redis-auth-token"

// Generated is a secret whose value External Secrets generates once, in the cluster, and pushes into the
// (empty) Secrets Manager secret Crossplane created for it. The function never sees the value, so its output
// stays deterministic; the value survives the cluster (it lives in Secrets Manager) and is rotated there.
type Generated struct {
	// Part names the composition resources (apps-secret-<part>, -generator-, -push-) and the secret.
	Part string
	// Key is the secret's name under the environment's prefix.
	Key string
	// Length of the value; alphanumeric, so that it needs no escaping in a URL.
	Length int
}

// The generated secrets.
var (
	JWTSecret        = Generated{Part: "jwt", Key: "jwt-secret", Length: 64}
	DatabasePassword = Generated{Part: "database", Key: "database-app-password", Length: 40}
)

// Secret, Generator and Push are the composition resource names of a generated secret's Secrets Manager
// secret, its Password generator and its PushSecret.
func (g Generated) Secret() string    { return "apps-secret-" + g.Part }
func (g Generated) Generator() string { return "apps-secret-generator-" + g.Part }
func (g Generated) Push() string      { return "apps-secret-push-" + g.Part }

// NamespaceObject is the composition resource name of a namespace's Namespace object.
func NamespaceObject(ns string) string { return "apps-namespace-" + ns }

// AppSecretObject is the composition resource name of a namespace's application secret (ExternalSecret).
func AppSecretObject(ns string) string { return "apps-secret-namespace-" + ns }

// AppPrefix starts the composition resource names of an application's resources. The "app-" keeps them
// apart from the environment-level ones (apps-namespace-…, apps-secret-…) whatever the application's name.
func AppPrefix(app string) string { return "apps-app-" + app + "-" }

// DeploymentObject is the composition resource name of an application's Deployment (the checks' rollout
// reads it).
func DeploymentObject(app string) string { return AppPrefix(app) + "deployment" }

// Deployment is an application's Deployment manifest as the spec asks for it (workloads renders it; the
// checks' rollout compares it with what runs).
type Deployment struct {
	App      string
	Manifest map[string]any
}
