package v1alpha1

// RDS cannot reduce an instance's storage, and a left-out allocatedStorageGiB is the function's default,
// 100 GiB (database.defaultAllocatedStorage; a test keeps the two in step): the rule compares the values in
// force, so that removing the field (or adding a smaller one) is refused like lowering it.
// +kubebuilder:validation:XValidation:rule="(has(self.allocatedStorageGiB) ? self.allocatedStorageGiB : 100) >= (has(oldSelf.allocatedStorageGiB) ? oldSelf.allocatedStorageGiB : 100)",message="spec.database.allocatedStorageGiB cannot shrink (a left-out value is 100 GiB): RDS cannot reduce an instance's storage; keep the old value or raise it"

// DatabaseSpec is the RDS PostgreSQL instance: encrypted with its own KMS key, in the database subnets,
// Multi-AZ, backed up, monitored, its master password kept by RDS in Secrets Manager. Fields left out
// take the profile's defaults (see status.resolved.database).
//
// +kubebuilder:validation:XValidation:rule="!has(self.maxAllocatedStorageGiB) || !has(self.allocatedStorageGiB) || self.maxAllocatedStorageGiB == 0 || self.maxAllocatedStorageGiB >= self.allocatedStorageGiB",message="spec.database.maxAllocatedStorageGiB must be 0 (no storage autoscaling) or at least spec.database.allocatedStorageGiB"
// +kubebuilder:validation:XValidation:rule="has(self.databaseName) == has(oldSelf.databaseName)",message="spec.database.databaseName cannot be added or removed after creation: RDS would replace the instance; put it back as it was"
// +kubebuilder:validation:XValidation:rule="has(self.masterUsername) == has(oldSelf.masterUsername)",message="spec.database.masterUsername cannot be added or removed after creation: RDS cannot rename the master user; put it back as it was"
// +kubebuilder:validation:XValidation:rule="has(self.snapshotIdentifier) == has(oldSelf.snapshotIdentifier)",message="spec.database.snapshotIdentifier cannot be added or removed after creation: a snapshot only seeds a new instance; restore into a new environment instead"
type DatabaseSpec struct {
	// Engine is the database engine. Only postgres is supported; it cannot change after creation.
	// +kubebuilder:validation:Enum=postgres
	// +kubebuilder:default=postgres
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.database.engine is immutable: RDS cannot change an instance's engine; migrate into a new environment instead"
	// +optional
	Engine string `json:"engine,omitempty"`

	// RDS cannot downgrade an instance (neither its major nor its minor). The function refuses a version
	// below the observed instance's too; this refuses the edit itself at admission. major.minor to a
	// major alone is allowed: RDS keeps the newest minor of that major.
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[0-9]+([.][0-9]+)?$') || !oldSelf.matches('^[0-9]+([.][0-9]+)?$') || int(self.split('.')[0]) > int(oldSelf.split('.')[0]) || (int(self.split('.')[0]) == int(oldSelf.split('.')[0]) && (size(self.split('.')) == 1 || size(oldSelf.split('.')) == 1 || int(self.split('.')[1]) >= int(oldSelf.split('.')[1])))",message="spec.database.engineVersion cannot go down: RDS cannot downgrade an instance; keep the old version or raise it (restore a snapshot into a new environment to go back)"

	// EngineVersion is the PostgreSQL major version (e.g. "17": RDS picks the newest minor and upgrades
	// minors in the maintenance window) or major.minor (e.g. "17.6"). Default: 17 for a new instance;
	// an existing instance keeps its major. Raising the major needs allowMajorVersionUpgrade.
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:XValidation:rule="self.matches('^1[4-8]([.][0-9]{1,2})?$')",message="spec.database.engineVersion must be a PostgreSQL major in RDS standard support (14 to 18), optionally with a minor, e.g. 17 or 17.6"
	// +optional
	EngineVersion string `json:"engineVersion,omitempty"`

	// AllowMajorVersionUpgrade permits raising spec.database.engineVersion's major version (e.g. 16 to
	// 17). RDS upgrades in the next maintenance window; take a manual snapshot and test first.
	// +optional
	AllowMajorVersionUpgrade bool `json:"allowMajorVersionUpgrade,omitempty"`

	// InstanceClass is the RDS instance class (default db.t3.medium, the seed's).
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^db[.][a-z][a-z0-9-]*[.][a-z0-9]+$')",message="spec.database.instanceClass must be an RDS instance class such as db.t3.medium or db.m7g.large"
	// +optional
	InstanceClass string `json:"instanceClass,omitempty"`

	// AllocatedStorageGiB is the gp3 storage at creation (default 100). With storage autoscaling RDS
	// grows it; lowering it later is not possible.
	// +kubebuilder:validation:Minimum=20
	// +kubebuilder:validation:Maximum=65536
	// +optional
	AllocatedStorageGiB *int32 `json:"allocatedStorageGiB,omitempty"`

	// MaxAllocatedStorageGiB is the storage autoscaling ceiling (default: 5 × allocatedStorageGiB);
	// 0 turns autoscaling off.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=65536
	// +optional
	MaxAllocatedStorageGiB *int32 `json:"maxAllocatedStorageGiB,omitempty"`

	// MultiAZ keeps a synchronous standby in another zone (default: true, false for dev).
	// +optional
	MultiAZ *bool `json:"multiAz,omitempty"`

	// BackupRetentionDays keeps automated backups this long (default: 7, 1 for dev).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=35
	// +optional
	BackupRetentionDays *int32 `json:"backupRetentionDays,omitempty"`

	// BackupWindow is the daily backup window in UTC, hh:mm-hh:mm (default 03:00-04:00).
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$')",message="spec.database.backupWindow must be hh:mm-hh:mm in UTC, e.g. 03:00-04:00"
	// +kubebuilder:validation:MaxLength=11
	// +optional
	BackupWindow string `json:"backupWindow,omitempty"`

	// MaintenanceWindow is the weekly maintenance window in UTC, ddd:hh:mm-ddd:hh:mm (default
	// sun:04:00-sun:05:00). It must not overlap the backup window.
	// +kubebuilder:validation:XValidation:rule="self.matches('^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$')",message="spec.database.maintenanceWindow must be ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:04:00-sun:05:00"
	// +kubebuilder:validation:MaxLength=19
	// +optional
	MaintenanceWindow string `json:"maintenanceWindow,omitempty"`

	// DatabaseName is the database created in the instance (default consulting). It cannot change after
	// creation.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-zA-Z][a-zA-Z0-9_]*$')",message="spec.database.databaseName must start with a letter and hold only letters, digits and underscores"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.database.databaseName is immutable: RDS creates the database once; create others with SQL"
	// +optional
	DatabaseName string `json:"databaseName,omitempty"`

	// MasterUsername is the master user's name (default dbadmin); RDS keeps its password in Secrets
	// Manager (see status.outputs.database.masterUserSecretArn). It cannot change after creation.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-zA-Z][a-zA-Z0-9_]*$')",message="spec.database.masterUsername must start with a letter and hold only letters, digits and underscores"
	// +kubebuilder:validation:XValidation:rule="!(self in ['postgres', 'rdsadmin', 'rdsrepladmin', 'rds_superuser', 'public'])",message="spec.database.masterUsername must not be a name PostgreSQL or RDS reserves (postgres, rdsadmin, rdsrepladmin, rds_superuser, public)"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.database.masterUsername is immutable: RDS cannot rename the master user"
	// +optional
	MasterUsername string `json:"masterUsername,omitempty"`

	// SnapshotIdentifier restores the instance from this DB snapshot (name or ARN) when it is created.
	// It is read at creation only and cannot change afterwards.
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.database.snapshotIdentifier is immutable: a snapshot can only seed a new instance; restore into a new environment instead"
	// +optional
	SnapshotIdentifier string `json:"snapshotIdentifier,omitempty"`

	// SlowQueryThresholdMs logs statements that run longer than this (log_min_duration_statement;
	// default 1000 ms; -1 logs none).
	// +kubebuilder:validation:Minimum=-1
	// +kubebuilder:validation:Maximum=3600000
	// +optional
	SlowQueryThresholdMs *int32 `json:"slowQueryThresholdMs,omitempty"`

	// PerformanceInsightsRetentionDays keeps Performance Insights data this long (default 7, the free
	// tier).
	// +kubebuilder:validation:Enum=7;31;93;186;372;731
	// +optional
	PerformanceInsightsRetentionDays *int32 `json:"performanceInsightsRetentionDays,omitempty"`

	// FinalSnapshot takes a snapshot when the instance is deleted (default: true, false for dev).
	// +optional
	FinalSnapshot *bool `json:"finalSnapshot,omitempty"`
}

// ResolvedDatabase is the database as the function resolved it.
type ResolvedDatabase struct {
	// Identifier is the RDS DB instance identifier.
	Identifier    string `json:"identifier"`
	Engine        string `json:"engine"`
	EngineVersion string `json:"engineVersion"`
	// ParameterGroupFamily follows the engine version's major, e.g. postgres17.
	ParameterGroupFamily             string `json:"parameterGroupFamily"`
	InstanceClass                    string `json:"instanceClass"`
	AllocatedStorageGiB              int32  `json:"allocatedStorageGiB"`
	MaxAllocatedStorageGiB           int32  `json:"maxAllocatedStorageGiB"`
	MultiAZ                          bool   `json:"multiAz"`
	BackupRetentionDays              int32  `json:"backupRetentionDays"`
	BackupWindow                     string `json:"backupWindow"`
	MaintenanceWindow                string `json:"maintenanceWindow"`
	DatabaseName                     string `json:"databaseName"`
	MasterUsername                   string `json:"masterUsername"`
	SlowQueryThresholdMs             int32  `json:"slowQueryThresholdMs"`
	PerformanceInsightsRetentionDays int32  `json:"performanceInsightsRetentionDays"`
	MonitoringIntervalSeconds        int32  `json:"monitoringIntervalSeconds"`
	// FinalSnapshotIdentifier names the snapshot taken when the instance is deleted; empty when the
	// profile skips it.
	// +optional
	FinalSnapshotIdentifier string `json:"finalSnapshotIdentifier,omitempty"`
	// +optional
	SnapshotIdentifier string `json:"snapshotIdentifier,omitempty"`
	// AllowMajorVersionUpgrade is passed to RDS while the spec allows a major upgrade.
	// +optional
	AllowMajorVersionUpgrade bool `json:"allowMajorVersionUpgrade,omitempty"`
}

// DatabaseOutputs are the database's endpoints and identifiers, filled once observed. The master
// password itself is never published: read it from the Secrets Manager secret.
type DatabaseOutputs struct {
	// +optional
	Identifier string `json:"identifier,omitempty"`
	// Address is the instance's DNS name; Port its port; Endpoint both, address:port.
	// +optional
	Address string `json:"address,omitempty"`
	// +optional
	Port int32 `json:"port,omitempty"`
	// +optional
	Endpoint string `json:"endpoint,omitempty"`
	// EngineVersion is the version RDS runs.
	// +optional
	EngineVersion string `json:"engineVersion,omitempty"`
	// MasterUserSecretArn is the Secrets Manager secret RDS keeps the master credentials in.
	// +optional
	MasterUserSecretArn string `json:"masterUserSecretArn,omitempty"`
	// KMSKeyArn encrypts the storage, Performance Insights and the master user secret; readers of the
	// secret need kms:Decrypt on it.
	// +optional
	KMSKeyArn string `json:"kmsKeyArn,omitempty"`
	// ConnectionSecret is the Secret in the environment's namespace with the endpoint, port and
	// username (no password).
	// +optional
	ConnectionSecret string `json:"connectionSecret,omitempty"`
}
