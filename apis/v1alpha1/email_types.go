package v1alpha1

// EmailSpec is the SES sending setup for spec.domain: a verified domain identity with Easy DKIM (its CNAME
// records go into the environment's hosted zone), a configuration set that publishes the email events the
// applications track, and the same setup in a fallback region the applications switch to when SES in the
// primary region fails.
type EmailSpec struct {
	// Enabled turns SES on for spec.domain. Default: on when spec.domain is set.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Sender is the From address the applications send as (seed: info@cloudpartner.pro). It must be an
	// address of spec.domain or one of its subdomains: the domain identity verifies every address in it.
	// Default: info@<spec.domain>.
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9._%+-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.])+[A-Za-z]{2,63}$')",message="spec.email.sender must be an e-mail address such as info@example.com"
	// +optional
	Sender string `json:"sender,omitempty"`

	// FallbackRegion is a second SES region with the same identity and configuration set, for the
	// applications to send through when the primary region (spec.region) fails (seed: us-west-2).
	// Default: none.
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`
	// +optional
	FallbackRegion string `json:"fallbackRegion,omitempty"`

	// Events are the email event types published to the events topic (the seed's ENABLE_EMAIL_EVENTS).
	// OPEN and CLICK make SES rewrite links and add a tracking pixel, so they are opt-in.
	// Default: SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, DELIVERY_DELAY, RENDERING_FAILURE.
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:Enum=SEND;REJECT;BOUNCE;COMPLAINT;DELIVERY;OPEN;CLICK;RENDERING_FAILURE;DELIVERY_DELAY;SUBSCRIPTION
	// +listType=set
	// +optional
	Events []string `json:"events,omitempty"`
}

// EmailOutputs is what the applications need to send mail, and how far verification got.
type EmailOutputs struct {
	// Sender is the From address the applications use.
	// +optional
	Sender string `json:"sender,omitempty"`

	// Regions lists the SES setup per region, the primary region first.
	// +optional
	Regions []EmailRegionOutputs `json:"regions,omitempty"`

	// DMARCRecord is the domain's DMARC policy record (_dmarc.<domain> TXT, p=none: report-only). It is in
	// the environment's hosted zone when it has one; otherwise add it wherever the domain's DNS is run.
	// +optional
	DMARCRecord *DNSRecordOutput `json:"dmarcRecord,omitempty"`

	// ProductionAccess says how to leave the SES sandbox. AWS publishes no API that provider-aws can observe
	// for it, so this is always a reminder: a new account sends only to verified addresses, 200 a day, until
	// an account owner requests production access in each region (AWS support case, 24 hours or so).
	// +optional
	ProductionAccess string `json:"productionAccess,omitempty"`
}

// EmailRegionOutputs is the SES setup of one region.
type EmailRegionOutputs struct {
	// Region of this SES setup.
	Region string `json:"region"`
	// IdentityARN of the domain identity, once observed.
	// +optional
	IdentityARN string `json:"identityArn,omitempty"`
	// VerificationStatus of the domain identity as SES reports it (PENDING, SUCCESS, FAILED,
	// TEMPORARY_FAILURE, NOT_STARTED), once observed.
	// +optional
	VerificationStatus string `json:"verificationStatus,omitempty"`
	// VerifiedForSending is true once SES lets the identity send.
	// +optional
	VerifiedForSending bool `json:"verifiedForSending,omitempty"`
	// DKIMStatus is whether SES found the DKIM records (PENDING, SUCCESS, ...), once observed.
	// +optional
	DKIMStatus string `json:"dkimStatus,omitempty"`
	// ConfigurationSet is the name to pass as ConfigurationSetName when sending (it is also the identity's
	// default configuration set).
	// +optional
	ConfigurationSet string `json:"configurationSet,omitempty"`
	// EventsTopicARN is the SNS topic that receives the email events, once observed.
	// +optional
	EventsTopicARN string `json:"eventsTopicArn,omitempty"`
	// DKIMRecords are the CNAME records SES needs. They are created in the environment's hosted zone when
	// it has one; otherwise whoever runs the domain's DNS must create them.
	// +optional
	DKIMRecords []DNSRecordOutput `json:"dkimRecords,omitempty"`
}

// DNSRecordOutput is one DNS record to publish.
type DNSRecordOutput struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}
