package compose

import (
	"strings"
	"time"
)

// A composed resource whose creation is in doubt. crossplane-runtime's managed reconciler (v2.4.0,
// pkg/reconciler/managed/reconciler.go) writes crossplane.io/external-create-pending just before it calls
// the provider's Create, and external-create-succeeded or -failed right after. A provider that stops in
// between (a crash, an OOM kill, a node drain) leaves pending the newest of the three, and on its next
// reconcile a controller without a deterministic external name — every provider-aws v2.7.0 controller —
// refuses to go on: Ready=False/Creating, Synced=False/ReconcileError "cannot determine creation result -
// remove the crossplane.io/external-create-pending annotation if it is safe to proceed", and no requeue.
// It never resolves by itself. provider-kubernetes and provider-helm v1.3.0 declare deterministic external
// names and proceed by themselves.
//
// The function reports such a resource (Creation): the component's message names it and says whether
// removing the annotation is safe for its kind (externalNames), the XR's Applied condition is
// False/CreateIncomplete, the resource counts as not ready whatever its readiness rule, and no successor
// rule retires the resource it supersedes (Assemble).
const (
	AnnotationCreatePending   = "crossplane.io/external-create-pending"
	AnnotationCreateSucceeded = "crossplane.io/external-create-succeeded"
	AnnotationCreateFailed    = "crossplane.io/external-create-failed"

	// msgCreateIncomplete is the start of crossplane-runtime's errCreateIncomplete.
	msgCreateIncomplete = "cannot determine creation result"
	// msgCreateFailed starts the Synced message of a failed create call (errReconcileCreate).
	msgCreateFailed = "create failed"
)

// CreationState is what an observed resource's annotations and conditions say about its creation.
type CreationState int

const (
	// Created: no create call in doubt (none started, or the last one's result was recorded).
	Created CreationState = iota
	// CreateInFlight: external-create-pending is the newest of the three annotations and the provider
	// reports no error: its create call is under way. A synchronous create (provider-kubernetes, a
	// Terraform resource without async) shows this for as long as the call takes.
	CreateInFlight
	// CreateFailing: the resource has never been Ready and its last create call failed ("create failed:
	// …"); the provider retries with backoff.
	CreateFailing
	// CreateIncomplete: the provider stopped during its create call and refuses to go on until someone
	// removes the pending annotation.
	CreateIncomplete
)

// Creation classifies an observed object's creation and returns a message naming the annotation or the
// provider's error.
func Creation(obj map[string]any) (CreationState, string) {
	pending, inDoubt := createPending(obj)
	syncedMsg := conditionMessage(obj, "Synced")
	notSynced := hasCondition(obj, "Synced") && !conditionTrue(obj, "Synced")
	switch {
	case inDoubt && notSynced && strings.Contains(strings.ToLower(syncedMsg), msgCreateIncomplete):
		return CreateIncomplete, "creation incomplete: the provider stopped during its create call (" +
			AnnotationCreatePending + " " + pending + " is newer than external-create-succeeded and -failed) and will not retry: " + syncedMsg
	case inDoubt && !notSynced:
		return CreateInFlight, "being created (" + AnnotationCreatePending + " " + pending + ", not confirmed yet)"
	case notSynced && !conditionTrue(obj, "Ready") && strings.HasPrefix(strings.ToLower(syncedMsg), msgCreateFailed):
		return CreateFailing, syncedMsg
	}
	return Created, ""
}

// createPending mirrors crossplane-runtime's meta.ExternalCreateIncomplete: pending is set and newer than
// both succeeded and failed (RFC 3339 timestamps; one that does not parse counts as unset, as there).
func createPending(obj map[string]any) (string, bool) {
	ann, _ := lookup(obj, "metadata.annotations").(map[string]any)
	at := func(key string) (string, time.Time) {
		s, _ := ann[key].(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s, time.Time{}
		}
		return s, t
	}
	raw, pending := at(AnnotationCreatePending)
	if pending.IsZero() {
		return "", false
	}
	_, succeeded := at(AnnotationCreateSucceeded)
	_, failed := at(AnnotationCreateFailed)
	latest := succeeded
	if failed.After(succeeded) {
		latest = failed
	}
	return raw, pending.After(latest)
}

func hasCondition(obj map[string]any, t string) bool {
	_, ok := condition(obj, t)
	return ok
}

// NameSource is where a managed resource's external name (the identifier the provider finds the cloud
// resource by) comes from, which decides whether an interrupted create can simply be retried.
type NameSource string

const (
	// NameFromFunction: the function sets crossplane.io/external-name, the identifier AWS knows the
	// resource by. A retried create finds (or makes) exactly that one.
	NameFromFunction NameSource = "set by the function"
	// NameFromMetadata: the external name is the identifier and, unset, defaults to the managed resource's
	// metadata.name before the first create (upjet's name initializer), so it is known before the call.
	NameFromMetadata NameSource = "the managed resource's name"
	// NameFromParameters: the identifier is built from spec fields (a cluster and an add-on name, a route
	// table and a destination), or the resource is a setting of its parent (a bucket's versioning, a
	// policy attachment, a validation waiter) that a second create applies again.
	NameFromParameters NameSource = "derived from its parameters"
	// NameFromAWS: AWS assigns the ID in the create call's response; a provider that stopped before it
	// recorded the ID lost it, and a retried create may make a second resource.
	NameFromAWS NameSource = "assigned by AWS"
	// NameNoExternal: no cloud resource (a provider-side object such as EKS ClusterAuth, a ProviderConfig).
	NameNoExternal NameSource = "no cloud resource"
)

// RetrySafe reports whether removing crossplane.io/external-create-pending is safe: the retried create
// cannot make a second cloud resource.
func (s NameSource) RetrySafe() bool { return s != NameFromAWS }

// ExternalNameConfig is what provider-aws v2.7.0's config/externalname.go configures for a kind, and
// where the external name comes from as this package composes it.
type ExternalNameConfig struct {
	// Config is the external-name configuration in provider-aws v2.7.0 config/externalname.go (the
	// Terraform resource's entry), or what the provider does for kinds it does not build from Terraform.
	Config string
	Source NameSource
}

// ExternalNames are the composed kinds ("<API group>/<kind>"), read from provider-aws v2.7.0
// config/externalname.go (namespaced kinds use the same table), provider-kubernetes v1.3.0 and
// provider-helm v1.3.0. docs/packaging.md ("Failures and recovery") renders it; test/packaging checks that
// every kind in the render goldens has a row there and that the rows agree with this table.
var ExternalNames = map[string]ExternalNameConfig{
	"acm.aws.m.upbound.io/Certificate":                            {"IdentifierFromProvider", NameFromAWS},
	"acm.aws.m.upbound.io/CertificateValidation":                  {"IdentifierFromProvider (a waiter: no AWS object)", NameNoExternal},
	"cloudtrail.aws.m.upbound.io/Trail":                           {"TemplatedStringAsIdentifier(name, trail ARN)", NameFromFunction},
	"cloudwatch.aws.m.upbound.io/Dashboard":                       {"ParameterAsIdentifier(dashboard_name)", NameFromFunction},
	"cloudwatch.aws.m.upbound.io/MetricAlarm":                     {"ParameterAsIdentifier(alarm_name)", NameFromFunction},
	"cloudwatchevents.aws.m.upbound.io/Rule":                      {"FormattedIdentifierUserDefinedNameLast(name, event_bus_name)", NameFromFunction},
	"cloudwatchevents.aws.m.upbound.io/Target":                    {"FormattedIdentifierFromProvider(event_bus_name, rule, target_id)", NameFromParameters},
	"cloudwatchlogs.aws.m.upbound.io/Group":                       {"NameAsIdentifier", NameFromFunction},
	"cloudwatchlogs.aws.m.upbound.io/ResourcePolicy":              {"ParameterAsIdentifier(policy_name)", NameFromFunction},
	"configservice.aws.m.upbound.io/ConfigRule":                   {"NameAsIdentifier", NameFromFunction},
	"ec2.aws.m.upbound.io/DefaultSecurityGroup":                   {"IdentifierFromProvider (adopts the VPC's default group)", NameFromParameters},
	"ec2.aws.m.upbound.io/EIP":                                    {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/FlowLog":                                {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/InternetGateway":                        {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/LaunchTemplate":                         {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/NATGateway":                             {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/Route":                                  {"route(): route_table_id and destination", NameFromParameters},
	"ec2.aws.m.upbound.io/RouteTable":                             {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/RouteTableAssociation":                  {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/SecurityGroup":                          {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/SecurityGroupEgressRule":                {"vpcSecurityGroupRule(): IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/SecurityGroupIngressRule":               {"vpcSecurityGroupRule(): IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/Subnet":                                 {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/VPC":                                    {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/VPCEndpoint":                            {"IdentifierFromProvider", NameFromAWS},
	"ec2.aws.m.upbound.io/VPCEndpointRouteTableAssociation":       {"vpcEndpointAssociationIdentifier(route_table_id)", NameFromParameters},
	"eks.aws.m.upbound.io/AccessEntry":                            {"TemplatedStringAsIdentifierWithNoName(cluster_name:principal_arn)", NameFromParameters},
	"eks.aws.m.upbound.io/AccessPolicyAssociation":                {"TemplatedStringAsIdentifierWithNoName(cluster_name#principal_arn#policy_arn)", NameFromParameters},
	"eks.aws.m.upbound.io/Addon":                                  {"FormattedIdentifierFromProvider(cluster_name:addon_name)", NameFromParameters},
	"eks.aws.m.upbound.io/Cluster":                                {"NameAsIdentifier", NameFromFunction},
	"eks.aws.m.upbound.io/ClusterAuth":                            {"not a Terraform resource (a token the provider generates)", NameNoExternal},
	"eks.aws.m.upbound.io/NodeGroup":                              {"TemplatedStringAsIdentifier(node_group_name, cluster_name:name)", NameFromFunction},
	"eks.aws.m.upbound.io/PodIdentityAssociation":                 {"eksPodIdentityAssociation(): IdentifierFromProvider", NameFromAWS},
	"elasticache.aws.m.upbound.io/ReplicationGroup":               {"ParameterAsIdentifier(replication_group_id)", NameFromFunction},
	"elasticache.aws.m.upbound.io/SubnetGroup":                    {"NameAsIdentifier", NameFromFunction},
	"elbv2.aws.m.upbound.io/LB":                                   {"IdentifierFromProvider", NameFromAWS},
	"elbv2.aws.m.upbound.io/LBListener":                           {"IdentifierFromProvider", NameFromAWS},
	"elbv2.aws.m.upbound.io/LBListenerRule":                       {"IdentifierFromProvider", NameFromAWS},
	"elbv2.aws.m.upbound.io/LBTargetGroup":                        {"IdentifierFromProvider", NameFromAWS},
	"helm.m.crossplane.io/ProviderConfig":                         {"no external resource", NameNoExternal},
	"helm.m.crossplane.io/Release":                                {"the release name; WithDeterministicExternalName(true)", NameFromParameters},
	"iam.aws.m.upbound.io/OpenIDConnectProvider":                  {"IdentifierFromProvider", NameFromAWS},
	"iam.aws.m.upbound.io/Role":                                   {"NameAsIdentifier", NameFromFunction},
	"iam.aws.m.upbound.io/RolePolicy":                             {"TemplatedStringAsIdentifier(name, role:name)", NameFromMetadata},
	"iam.aws.m.upbound.io/RolePolicyAttachment":                   {"IdentifierFromProvider (attaching again changes nothing)", NameFromParameters},
	"kms.aws.m.upbound.io/Alias":                                  {"kmsAlias(): NameAsIdentifier", NameFromFunction},
	"kms.aws.m.upbound.io/Key":                                    {"IdentifierFromProvider", NameFromAWS},
	"kubernetes.m.crossplane.io/Object":                           {"the manifest's name; WithDeterministicExternalName(true)", NameFromParameters},
	"kubernetes.m.crossplane.io/ProviderConfig":                   {"no external resource", NameNoExternal},
	"rds.aws.m.upbound.io/Instance":                               {"IdentifierFromProvider", NameFromAWS},
	"rds.aws.m.upbound.io/ParameterGroup":                         {"NameAsIdentifier", NameFromFunction},
	"rds.aws.m.upbound.io/SubnetGroup":                            {"NameAsIdentifier", NameFromFunction},
	"route53.aws.m.upbound.io/HealthCheck":                        {"IdentifierFromProvider", NameFromAWS},
	"route53.aws.m.upbound.io/Record":                             {"IdentifierFromProvider", NameFromAWS},
	"route53.aws.m.upbound.io/Zone":                               {"IdentifierFromProvider", NameFromAWS},
	"s3.aws.m.upbound.io/Bucket":                                  {"ParameterAsIdentifier(bucket)", NameFromFunction},
	"s3.aws.m.upbound.io/BucketLifecycleConfiguration":            {"s3BucketIdentifier(): the bucket's setting", NameFromParameters},
	"s3.aws.m.upbound.io/BucketOwnershipControls":                 {"IdentifierFromProvider (the bucket's setting)", NameFromParameters},
	"s3.aws.m.upbound.io/BucketPolicy":                            {"IdentifierFromProvider (the bucket's setting)", NameFromParameters},
	"s3.aws.m.upbound.io/BucketPublicAccessBlock":                 {"IdentifierFromProvider (the bucket's setting)", NameFromParameters},
	"s3.aws.m.upbound.io/BucketServerSideEncryptionConfiguration": {"IdentifierFromProvider (the bucket's setting)", NameFromParameters},
	"s3.aws.m.upbound.io/BucketVersioning":                        {"IdentifierFromProvider (the bucket's setting)", NameFromParameters},
	"secretsmanager.aws.m.upbound.io/Secret":                      {"IdentifierFromProvider", NameFromAWS},
	"secretsmanager.aws.m.upbound.io/SecretVersion":               {"IdentifierFromProvider", NameFromAWS},
	"sesv2.aws.m.upbound.io/ConfigurationSet":                     {"ParameterAsIdentifier(configuration_set_name)", NameFromFunction},
	"sesv2.aws.m.upbound.io/ConfigurationSetEventDestination":     {"IdentifierFromProvider", NameFromAWS},
	"sesv2.aws.m.upbound.io/EmailIdentity":                        {"ParameterAsIdentifier(email_identity)", NameFromFunction},
	"sns.aws.m.upbound.io/Topic":                                  {"TemplatedStringAsIdentifier(name, topic ARN)", NameFromFunction},
	"sns.aws.m.upbound.io/TopicSubscription":                      {"IdentifierFromProvider", NameFromAWS},
	"wafv2.aws.m.upbound.io/WebACL":                               {"IdentifierFromProvider", NameFromAWS},
	"wafv2.aws.m.upbound.io/WebACLAssociation":                    {"TemplatedStringAsIdentifier(web_acl_arn,resource_arn)", NameFromParameters},
	"wafv2.aws.m.upbound.io/WebACLLoggingConfiguration":           {"TemplatedStringAsIdentifier(resource_arn)", NameFromParameters},
}

// KindKey is an object's "<API group>/<kind>", the key of ExternalNames.
func KindKey(obj map[string]any) string {
	av, _ := obj["apiVersion"].(string)
	k, _ := obj["kind"].(string)
	group, _, _ := strings.Cut(av, "/")
	return group + "/" + k
}

// createIncompleteAdvice says, for a resource stuck in CreateIncomplete, whether removing the pending
// annotation is safe and what to do first when it is not. desired is the object the function renders (its
// external name, when the function sets one), observed the live one.
func createIncompleteAdvice(desired, observed map[string]any) string {
	name, _ := lookup(observed, "metadata.name").(string)
	ns, _ := lookup(observed, "metadata.namespace").(string)
	k, _ := observed["kind"].(string)
	av, _ := observed["apiVersion"].(string)
	group, _, _ := strings.Cut(av, "/")
	remove := "kubectl"
	if ns != "" {
		remove += " -n " + ns
	}
	remove += " annotate " + strings.ToLower(k) + "." + group + " " + name + " " + AnnotationCreatePending + "-"
	en := ExternalName(desired)
	if en == "" {
		en = ExternalName(observed)
	}
	c, known := ExternalNames[KindKey(observed)]
	switch {
	case !known:
		return "see docs/packaging.md (Failures and recovery) before removing the annotation"
	case c.Source == NameFromFunction && en != "":
		return "its external name " + en + " is set by the function, so removing the annotation is safe: " + remove
	case c.Source == NameNoExternal:
		return "it has no cloud resource to lose, so removing the annotation is safe: " + remove
	case c.Source.RetrySafe():
		return "its external name is " + string(c.Source) + ", so removing the annotation is safe: " + remove
	}
	return "AWS assigns its ID, so the interrupted create may have made one: find it (tag crossplane-name=" + name +
		") and import it (set " + "crossplane.io/external-name to its ID) or delete it, then " + remove
}

// creationSettled reports whether nothing about an observed object's creation is in doubt.
func creationSettled(obj map[string]any) bool {
	st, _ := Creation(obj)
	return st == Created
}

// stuckCreations lists the observed resources in CreateIncomplete, by name.
func stuckCreations(o Observed) []string {
	var out []string
	for _, name := range sortedKeys(o) {
		if st, _ := Creation(o[name]); st == CreateIncomplete {
			out = append(out, name)
		}
	}
	return out
}
