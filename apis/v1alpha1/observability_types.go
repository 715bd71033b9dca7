package v1alpha1

// ObservabilitySpec is alarms, the dashboard, the application log group and the audit trail. Alarms and
// the dashboard cover whatever the environment has (load balancer, target groups, database, cache, SES);
// their thresholds follow AWS's recommended alarms.
type ObservabilitySpec struct {
	// AlarmEmails receive every alarm and its recovery by e-mail. Each address gets a confirmation mail
	// from SNS and receives nothing until the link in it is followed.
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MaxLength=254
	// +kubebuilder:validation:items:Pattern=`^[A-Za-z0-9._%+-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.])+[A-Za-z]{2,63}$`
	// +listType=set
	// +optional
	AlarmEmails []string `json:"alarmEmails,omitempty"`

	// LogRetentionDays keeps the applications' logs (/aws/eks/<cluster>/application) this long
	// (default: 365 prod, 90 staging, 30 dev).
	// +kubebuilder:validation:Enum=1;3;5;7;14;30;60;90;120;150;180;365;400;545;731;1096;1827;2192;2557;2922;3288;3653
	// +optional
	LogRetentionDays *int32 `json:"logRetentionDays,omitempty"`

	// CloudTrail creates a multi-region trail of the account's API activity, with log file validation,
	// KMS encryption, an S3 bucket and CloudWatch Logs delivery. Default: on for prod, off otherwise —
	// many accounts already have an organization trail, which makes a second one pay twice for the same
	// events.
	// +optional
	CloudTrail *bool `json:"cloudTrail,omitempty"`

	// TrailRetentionDays keeps CloudTrail log files in S3 and CloudWatch Logs this long
	// (default: 365 prod, 90 otherwise).
	// +kubebuilder:validation:Enum=1;3;5;7;14;30;60;90;120;150;180;365;400;545;731;1096;1827;2192;2557;2922;3288;3653
	// +optional
	TrailRetentionDays *int32 `json:"trailRetentionDays,omitempty"`

	// Compliance adds AWS Config managed rules scoped to this environment's resources (by its environment
	// tag). It needs the account's AWS Config configuration recorder in the region, which is account-wide
	// and not created here: without it AWS refuses the rules and the environment does not become Ready
	// (status.components says so for the observability component).
	// Default: off.
	// +optional
	Compliance *bool `json:"compliance,omitempty"`
}

// ResolvedObservability is the observability setup as the function resolved it.
type ResolvedObservability struct {
	LogRetentionDays   int32 `json:"logRetentionDays"`
	CloudTrail         bool  `json:"cloudTrail"`
	TrailRetentionDays int32 `json:"trailRetentionDays"`
	Compliance         bool  `json:"compliance"`
}

// ObservabilityOutputs are the names and ARNs to find the environment's monitoring by.
type ObservabilityOutputs struct {
	// DashboardName is the CloudWatch dashboard's name; DashboardURL opens it in the console.
	// +optional
	DashboardName string `json:"dashboardName,omitempty"`
	// +optional
	DashboardURL string `json:"dashboardUrl,omitempty"`
	// AlarmTopicARN is the SNS topic every alarm notifies, once observed. Subscribe on-call tools to it.
	// +optional
	AlarmTopicARN string `json:"alarmTopicArn,omitempty"`
	// KeyARN is the KMS key of the topic, the log groups and the trail, once observed.
	// +optional
	KeyARN string `json:"keyArn,omitempty"`
	// ApplicationLogGroup is the log group the applications' logs go to.
	// +optional
	ApplicationLogGroup string `json:"applicationLogGroup,omitempty"`
	// Alarms are the AWS names of the alarms rendered so far; PendingAlarms says which wait for a
	// dimension AWS has not reported yet.
	// +optional
	Alarms []string `json:"alarms,omitempty"`
	// +optional
	PendingAlarms []string `json:"pendingAlarms,omitempty"`
	// TrailARN and TrailBucket, when CloudTrail is on and observed.
	// +optional
	TrailARN string `json:"trailArn,omitempty"`
	// +optional
	TrailBucket string `json:"trailBucket,omitempty"`
	// ConfigRules are the AWS Config rule names, when compliance is on.
	// +optional
	ConfigRules []string `json:"configRules,omitempty"`
}
