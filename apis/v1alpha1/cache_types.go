package v1alpha1

// CacheSpec is the ElastiCache replication group (cluster mode disabled): encrypted at rest with its own
// KMS key and in transit, an AUTH token generated into a Secret, in the database subnets. Fields left out
// take the profile's defaults (see status.resolved.cache).
//
// +kubebuilder:validation:XValidation:rule="!has(self.engineVersion) || (has(self.engine) && self.engine == 'valkey' ? self.engineVersion.matches('^(7[.]2|8[.][0-2])$') : self.engineVersion.matches('^(6[.]2|7[.][01])$'))",message="spec.cache.engineVersion must be a version ElastiCache supports for the engine: 6.2, 7.0 or 7.1 for redis; 7.2, 8.0, 8.1 or 8.2 for valkey"
type CacheSpec struct {
	// Engine is redis (Redis OSS, the seed's) or valkey. A redis group can move to valkey (ElastiCache
	// upgrades it in place); valkey cannot go back.
	// +kubebuilder:validation:Enum=redis;valkey
	// +kubebuilder:default=redis
	// +kubebuilder:validation:XValidation:rule="self == oldSelf || (oldSelf == 'redis' && self == 'valkey')",message="spec.cache.engine can only move from redis to valkey; ElastiCache cannot downgrade an engine"
	// +optional
	Engine string `json:"engine,omitempty"`

	// ElastiCache cannot downgrade a replication group. The function refuses a version below the observed
	// group's too; this refuses the edit itself at admission. Versions are major.minor (the spec-level
	// rule checks which), compared numerically; a move to valkey starts at 7.2, above every redis version.
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[0-9]+[.][0-9]+$') || !oldSelf.matches('^[0-9]+[.][0-9]+$') || int(self.split('.')[0]) > int(oldSelf.split('.')[0]) || (int(self.split('.')[0]) == int(oldSelf.split('.')[0]) && int(self.split('.')[1]) >= int(oldSelf.split('.')[1]))",message="spec.cache.engineVersion cannot go down: ElastiCache cannot downgrade a replication group; keep the old version or raise it"

	// EngineVersion is major.minor (default: 7.1 for redis, 8.1 for valkey; an existing group keeps its
	// version). Minor patches are applied in the maintenance window.
	// +kubebuilder:validation:MaxLength=8
	// +optional
	EngineVersion string `json:"engineVersion,omitempty"`

	// NodeType is the cache node type (default cache.t3.micro, the seed's).
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^cache[.][a-z][a-z0-9-]*[.][a-z0-9]+$')",message="spec.cache.nodeType must be an ElastiCache node type such as cache.t3.micro or cache.m7g.large"
	// +optional
	NodeType string `json:"nodeType,omitempty"`

	// NumCacheClusters is the number of nodes: one primary and the rest replicas. Two or more turn on
	// automatic failover and Multi-AZ. Default: 2 (1 for dev).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=6
	// +optional
	NumCacheClusters *int32 `json:"numCacheClusters,omitempty"`

	// SnapshotRetentionDays keeps daily snapshots this long (default: 7, 1 for dev).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=35
	// +optional
	SnapshotRetentionDays *int32 `json:"snapshotRetentionDays,omitempty"`

	// SnapshotWindow is the daily snapshot window in UTC, hh:mm-hh:mm, at least an hour (default
	// 02:00-03:00).
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$')",message="spec.cache.snapshotWindow must be hh:mm-hh:mm in UTC, e.g. 02:00-03:00"
	// +kubebuilder:validation:MaxLength=11
	// +optional
	SnapshotWindow string `json:"snapshotWindow,omitempty"`

	// MaintenanceWindow is the weekly maintenance window in UTC, ddd:hh:mm-ddd:hh:mm (default
	// sun:05:00-sun:06:00, after the database's).
	// +kubebuilder:validation:XValidation:rule="self.matches('^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$')",message="spec.cache.maintenanceWindow must be ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:05:00-sun:06:00"
	// +kubebuilder:validation:MaxLength=19
	// +optional
	MaintenanceWindow string `json:"maintenanceWindow,omitempty"`

	// FinalSnapshot takes a snapshot when the group is deleted (default: true, false for dev).
	// +optional
	FinalSnapshot *bool `json:"finalSnapshot,omitempty"`
}

// ResolvedCache is the cache as the function resolved it.
type ResolvedCache struct {
	// ReplicationGroupID is the ElastiCache replication group id.
	ReplicationGroupID       string `json:"replicationGroupId"`
	Engine                   string `json:"engine"`
	EngineVersion            string `json:"engineVersion"`
	NodeType                 string `json:"nodeType"`
	NumCacheClusters         int32  `json:"numCacheClusters"`
	AutomaticFailoverEnabled bool   `json:"automaticFailoverEnabled"`
	MultiAZ                  bool   `json:"multiAz"`
	SnapshotRetentionDays    int32  `json:"snapshotRetentionDays"`
	SnapshotWindow           string `json:"snapshotWindow"`
	MaintenanceWindow        string `json:"maintenanceWindow"`
	// FinalSnapshotIdentifier names the snapshot taken when the group is deleted; empty when the
	// profile skips it.
	// +optional
	FinalSnapshotIdentifier string `json:"finalSnapshotIdentifier,omitempty"`
}

// CacheOutputs are the cache's endpoints, filled once observed. The AUTH token is never published: it
// is in the Secret AuthTokenSecret names.
type CacheOutputs struct {
	// +optional
	ReplicationGroupID string `json:"replicationGroupId,omitempty"`
	// PrimaryEndpoint takes writes; ReaderEndpoint spreads reads over the replicas.
	// +optional
	PrimaryEndpoint string `json:"primaryEndpoint,omitempty"`
	// +optional
	ReaderEndpoint string `json:"readerEndpoint,omitempty"`
	// +optional
	Port int32 `json:"port,omitempty"`
	// +optional
	EngineVersion string `json:"engineVersion,omitempty"`
	// MemberClusters are the nodes' cache cluster ids.
	// +optional
	MemberClusters []string `json:"memberClusters,omitempty"`
	// AuthTokenSecret is the Secret in the environment's namespace that holds the AUTH token under the
	// key AuthTokenSecretKey. Clients connect with TLS (rediss://).
	// +optional
	AuthTokenSecret string `json:"authTokenSecret,omitempty"`
	// +optional
	AuthTokenSecretKey string `json:"authTokenSecretKey,omitempty"`
	// KMSKeyArn encrypts the cache at rest and its snapshots.
	// +optional
	KMSKeyArn string `json:"kmsKeyArn,omitempty"`
}
