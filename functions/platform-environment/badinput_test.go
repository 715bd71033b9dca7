package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/cloudpartner/platform-environment/test/validate"
)

// The bad input table: every case is refused with a message that names the field and says how to fix it
// — at admission by the XRD's schema and CEL rules (tested against the generated schema), by the function
// with a Fatal (crossplane render, an older XRD or a rule CEL cannot express), or both, as declared. A
// case that neither refuses is a hole in the API. TestBadSpecs (fn_test.go) holds the first cases; these
// cover every section.

// Where a bad spec must be refused.
const (
	atAdmission = 1 << iota
	inFunction
	both = atAdmission | inFunction
)

type badInput struct {
	reason string
	xr     map[string]any
	// old, when set, makes the admission check an update from old (transition rules).
	old   map[string]any
	field string
	where int
}

func withApps(xr map[string]any, mutate func(apps []any)) map[string]any {
	out := deepCopyMap(xr)
	apps := out["spec"].(map[string]any)["applications"].([]any)
	mutate(apps)
	return out
}

func app(apps []any, i int) map[string]any { return apps[i].(map[string]any) }

func badInputs(t *testing.T) map[string]badInput {
	seed := readXR(t, "seed-production")
	dev := readXR(t, "dev")
	manyTags := map[string]any{}
	for i := 0; i < 41; i++ {
		manyTags[fmt.Sprintf("k%d", i)] = "v"
	}
	longName := deepCopyMap(seed)
	longName["metadata"].(map[string]any)["name"] = strings.Repeat("p", 64)
	return map[string]badInput{
		// Network.
		"VPCPrefixTooLong":        {reason: "A /25 VPC cannot hold the subnets.", xr: set(seed, "network.vpcCidr", "10.0.0.0/25"), field: "spec.network.vpcCidr", where: both},
		"VPCIPv6":                 {reason: "The VPC's primary block is IPv4.", xr: set(seed, "network.vpcCidr", "fd00::/56"), field: "spec.network.vpcCidr", where: both},
		"VPCNotCIDR":              {reason: "Not a CIDR at all.", xr: set(seed, "network.vpcCidr", "ten.zero"), field: "spec.network.vpcCidr", where: both},
		"SubnetNotCIDR":           {reason: "A subnet entry without a prefix.", xr: set(seed, "network.publicSubnetCidrs", []any{"10.0.1.0", "10.0.2.0/24", "10.0.3.0/24"}), field: "spec.network.publicSubnetCidrs", where: both},
		"SubnetsOverlapEachOther": {reason: "Two database subnets overlap.", xr: set(seed, "network.databaseSubnetCidrs", []any{"10.0.21.0/24", "10.0.21.128/25", "10.0.23.0/24"}), field: "spec.network.databaseSubnetCidrs", where: inFunction},
		"DuplicateZones":          {reason: "A zone listed twice.", xr: set(seed, "network.availabilityZones", []any{"us-east-1a", "us-east-1a", "us-east-1b"}), field: "spec.network.availabilityZones", where: both},
		"SevenZones":              {reason: "At most six zones.", xr: set(set(set(set(seed, "network.availabilityZones", []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f", "us-east-1g"}), "network.publicSubnetCidrs", nil), "network.privateSubnetCidrs", nil), "network.databaseSubnetCidrs", nil), field: "spec.network.availabilityZones", where: atAdmission},
		"SubnetPrefixTooSmall":    {reason: "Subnets of /30 hold no EKS node group.", xr: set(dev, "network.subnetPrefixLength", 30), field: "spec.network.subnetPrefixLength", where: atAdmission},
		"NATGatewaysUnknown":      {reason: "PerZone or Single.", xr: set(seed, "network.natGateways", "HighlyAvailable"), field: "spec.network.natGateways", where: atAdmission},
		"RegionMalformed":         {reason: "Regions are lower case.", xr: set(seed, "region", "US-EAST-1"), field: "spec.region", where: atAdmission},
		"VPCCIDRChanged":          {reason: "The VPC CIDR cannot change.", old: seed, xr: set(seed, "network.vpcCidr", "10.9.0.0/16"), field: "spec.network.vpcCidr", where: atAdmission},
		"ProviderConfigChanged":   {reason: "Every managed resource would be created again through another ProviderConfig.", old: seed, xr: set(seed, "providerConfigRef.name", "other"), field: "spec.providerConfigRef", where: atAdmission},
		"DomainChanged":           {reason: "The zone, certificate, records and SES identities are the domain's.", old: seed, xr: set(seed, "domain", "example.org"), field: "spec.domain", where: atAdmission},
		"TooManyTags":             {reason: "AWS takes 50 tags; three are ours.", xr: set(seed, "tags", manyTags), field: "spec.tags", where: atAdmission},
		"ProviderConfigKind":      {reason: "ProviderConfig or ClusterProviderConfig.", xr: set(seed, "providerConfigRef", map[string]any{"kind": "Secret", "name": "x"}), field: "spec.providerConfigRef.kind", where: atAdmission},
		"NameTooLong":             {reason: "Crossplane's composite label holds 63 characters.", xr: longName, field: "metadata.name", where: inFunction},

		// Domain.
		"DomainNotADomain":   {reason: "Spaces are no DNS.", xr: set(seed, "domain", "cloud partner"), field: "spec.domain", where: atAdmission},
		"DomainSingleLabel":  {reason: "A certificate needs a registrable domain.", xr: set(seed, "domain", "localhost"), field: "spec.domain", where: atAdmission},
		"DomainTrailingDot":  {reason: "Write the domain without the root dot.", xr: set(seed, "domain", "cloudpartner.pro."), field: "spec.domain", where: atAdmission},
		"DomainLabelTooLong": {reason: "DNS labels stop at 63.", xr: set(seed, "domain", strings.Repeat("a", 64)+".com"), field: "spec.domain", where: atAdmission},

		// Cluster.
		"ClusterVersionOld":      {reason: "1.28 is out of EKS support.", xr: set(seed, "cluster.version", "1.28"), field: "spec.cluster.version", where: both},
		"EndpointOpenInProd":     {reason: "The prod profile refuses an endpoint open to the internet.", xr: set(seed, "cluster.endpointPublicAccessCidrs", []any{"0.0.0.0/0"}), field: "spec.cluster.endpointPublicAccessCidrs", where: inFunction},
		"EndpointCIDRInvalid":    {reason: "Not an IPv4 CIDR.", xr: set(seed, "cluster.endpointPublicAccessCidrs", []any{"300.0.0.0/8"}), field: "spec.cluster.endpointPublicAccessCidrs", where: both},
		"AdminNotAnARN":          {reason: "Admins are IAM role or user ARNs.", xr: set(seed, "cluster.adminPrincipalArns", []any{"platform-admins"}), field: "spec.cluster.adminPrincipalArns", where: both},
		"ProviderPrincipalGone":  {reason: "The provider's access entry is required.", xr: set(seed, "cluster.providerPrincipalArn", nil), field: "spec.cluster.providerPrincipalArn", where: inFunction},
		"NodeDesiredAboveMax":    {reason: "desiredSize above maxSize.", xr: set(seed, "cluster.nodeGroup.desiredSize", 11), field: "spec.cluster.nodeGroup.desiredSize", where: both},
		"NodeInstanceType":       {reason: "Instance types are family.size.", xr: set(seed, "cluster.nodeGroup.instanceTypes", []any{"t3medium"}), field: "spec.cluster.nodeGroup.instanceTypes", where: both},
		"NodeNegative":           {reason: "Sizes are counts.", xr: set(seed, "cluster.nodeGroup.minSize", -1), field: "spec.cluster.nodeGroup.minSize", where: atAdmission},
		"ClusterLogRetentionOdd": {reason: "CloudWatch Logs takes fixed retentions.", xr: set(seed, "cluster.logRetentionDays", 42), field: "spec.cluster.logRetentionDays", where: atAdmission},

		// Database.
		"DBVersionUnsupported":  {reason: "PostgreSQL 9.6 is long gone from RDS.", xr: set(seed, "database.engineVersion", "9.6"), field: "spec.database.engineVersion", where: both},
		"DBInstanceClass":       {reason: "RDS classes start with db.", xr: set(seed, "database.instanceClass", "t3.medium"), field: "spec.database.instanceClass", where: both},
		"DBStorageTooSmall":     {reason: "gp3 starts at 20 GiB.", xr: set(seed, "database.allocatedStorageGiB", 10), field: "spec.database.allocatedStorageGiB", where: both},
		"DBMaxBelowAllocated":   {reason: "The autoscaling ceiling is below the storage.", xr: set(seed, "database.maxAllocatedStorageGiB", 50), field: "spec.database.maxAllocatedStorageGiB", where: both},
		"DBBackupRetention":     {reason: "RDS keeps backups 1 to 35 days.", xr: set(seed, "database.backupRetentionDays", 40), field: "spec.database.backupRetentionDays", where: both},
		"DBBackupWindow":        {reason: "hh:mm-hh:mm.", xr: set(seed, "database.backupWindow", "3-4"), field: "spec.database.backupWindow", where: both},
		"DBMaintenanceWindow":   {reason: "ddd:hh:mm-ddd:hh:mm.", xr: set(seed, "database.maintenanceWindow", "sunday 4am"), field: "spec.database.maintenanceWindow", where: both},
		"DBWindowsOverlap":      {reason: "Backups and maintenance must not overlap.", xr: set(seed, "database.maintenanceWindow", "sun:03:30-sun:04:30"), field: "spec.database.maintenanceWindow", where: inFunction},
		"DBNameDigitFirst":      {reason: "PostgreSQL identifiers start with a letter.", xr: set(seed, "database.databaseName", "1consulting"), field: "spec.database.databaseName", where: both},
		"DBMasterUserReserved":  {reason: "postgres is reserved on RDS.", xr: set(seed, "database.masterUsername", "postgres"), field: "spec.database.masterUsername", where: both},
		"DBStorageShrunk":       {reason: "RDS cannot shrink storage.", old: seed, xr: set(seed, "database.allocatedStorageGiB", 50), field: "spec.database.allocatedStorageGiB", where: atAdmission},
		"DBVersionDowngrade":    {reason: "RDS cannot downgrade an instance.", old: seed, xr: set(seed, "database.engineVersion", "16"), field: "spec.database.engineVersion", where: atAdmission},
		"ClusterDowngrade":      {reason: "EKS cannot downgrade a cluster.", old: set(seed, "cluster.version", "1.36"), xr: seed, field: "spec.cluster.version", where: atAdmission},
		"CacheNodeType":         {reason: "ElastiCache node types start with cache.", xr: set(seed, "cache.nodeType", "t3.micro"), field: "spec.cache.nodeType", where: both},
		"CacheVersionForEngine": {reason: "Redis 5.0 is not offered for new clusters.", xr: set(seed, "cache.engineVersion", "5.0"), field: "spec.cache.engineVersion", where: both},
		"CacheValkeyOldVersion": {reason: "Valkey starts at 7.2.", xr: set(set(seed, "cache.engine", "valkey"), "cache.engineVersion", "7.1"), field: "spec.cache.engineVersion", where: both},
		"CacheEngineUnknown":    {reason: "redis or valkey.", xr: set(seed, "cache.engine", "memcached"), field: "spec.cache.engine", where: both},
		"CacheNodesOutOfRange":  {reason: "One primary and up to five replicas.", xr: set(seed, "cache.numCacheClusters", 7), field: "spec.cache.numCacheClusters", where: both},

		// Edge, DNS, e-mail, observability.
		"SSLPolicyWithoutTLS13": {reason: "The seed's old policy lacks TLS 1.3.", xr: set(seed, "edge.sslPolicy", "ELBSecurityPolicy-TLS-1-2-2017-01"), field: "spec.edge.sslPolicy", where: atAdmission},
		"WAFRateLimitTooLow":    {reason: "WAF's rate limit starts at 10.", xr: set(seed, "edge.waf.rateLimit", 5), field: "spec.edge.waf.rateLimit", where: atAdmission},
		"APIApplicationUnknown": {reason: "The api host must go to an application with a route.", xr: set(seed, "edge.apiApplication", "nope"), field: "spec.edge.apiApplication", where: inFunction},
		"HealthCheckPath":       {reason: "Paths start with /.", xr: set(seed, "dns.healthCheck.path", "health"), field: "spec.dns.healthCheck.path", where: atAdmission},
		"SenderNotAnAddress":    {reason: "An e-mail address.", xr: set(seed, "email.sender", "info"), field: "spec.email.sender", where: both},
		"SenderOtherDomain":     {reason: "The identity verifies spec.domain only.", xr: set(seed, "email.sender", "info@example.com"), field: "spec.email.sender", where: inFunction},
		"FallbackIsPrimary":     {reason: "The fallback region must differ from spec.region.", xr: set(seed, "email.fallbackRegion", "us-east-1"), field: "spec.email.fallbackRegion", where: inFunction},
		"AlarmEmailInvalid":     {reason: "Alarm e-mails are addresses.", xr: set(seed, "observability.alarmEmails", []any{"ops"}), field: "spec.observability.alarmEmails", where: both},
		"LogRetentionOdd":       {reason: "CloudWatch Logs takes fixed retentions.", xr: set(seed, "observability.logRetentionDays", 42), field: "spec.observability.logRetentionDays", where: atAdmission},

		// Applications.
		"AppDuplicateNames": {reason: "Application names are keys.", xr: withApps(seed, func(a []any) { app(a, 1)["name"] = "backend" }), field: "spec.applications", where: both},
		"AppRouteCollision": {reason: "Two applications route /api/*.", xr: withApps(seed, func(a []any) {
			app(a, 1)["route"] = map[string]any{"pathPatterns": []any{"/api/*"}, "priority": 200}
		}), field: "spec.applications", where: both},
		"AppPriorityCollision": {reason: "Two rules at priority 100.", xr: withApps(seed, func(a []any) {
			app(a, 1)["route"] = map[string]any{"pathPatterns": []any{"/web/*"}, "priority": 100}
		}), field: "spec.applications", where: both},
		"AppPriorityHostRule": {reason: "Priority 10 is the function's own api.<domain> host rule (AWS: PriorityInUse).", xr: withApps(seed, func(a []any) {
			app(a, 0)["route"].(map[string]any)["priority"] = 10
		}), field: "].route.priority", where: both},
		"AppTwoDefaults": {reason: "One default action.", xr: withApps(seed, func(a []any) {
			app(a, 0)["route"] = map[string]any{"default": true}
		}), field: "spec.applications", where: both},
		"AppPortOutOfRange":  {reason: "Ports stop at 65535.", xr: withApps(seed, func(a []any) { app(a, 0)["port"] = 70000 }), field: "spec.applications[0].port", where: both},
		"AppPortZero":        {reason: "Port 0 is no port.", xr: withApps(seed, func(a []any) { app(a, 0)["port"] = 0 }), field: "spec.applications[0].port", where: both},
		"AppImageLatest":     {reason: ":latest is not a version.", xr: withApps(seed, func(a []any) { app(a, 0)["image"] = "registry.cloudpartner.pro/backend:latest" }), field: "spec.applications[0].image", where: both},
		"AppNamespaceSystem": {reason: "kube-system is the cluster's.", xr: withApps(seed, func(a []any) { app(a, 0)["namespace"] = "kube-system" }), field: "spec.applications[0].namespace", where: both},
		"AppIAMStarOnStar": {reason: "Action * on Resource * is refused.", xr: withApps(seed, func(a []any) {
			app(a, 0)["iam"] = map[string]any{"statements": []any{map[string]any{"actions": []any{"*"}, "resources": []any{"*"}}}}
		}), field: "spec.applications[0].iam.statements", where: both},
		"AppSecretKeyUnknown": {reason: "envFromSecrets names keys of the application secret.", xr: withApps(seed, func(a []any) {
			app(a, 0)["envFromSecrets"] = map[string]any{"X": "aws-secret-key"}
		}), field: "spec.applications[0].envFromSecrets", where: both},
		"AppAutoscalingMinAboveMax": {reason: "The autoscaler's minimum above its maximum.", xr: withApps(seed, func(a []any) {
			app(a, 0)["autoscaling"] = map[string]any{"minReplicas": 12, "maxReplicas": 10}
		}), field: "].autoscaling", where: both},
	}
}

// TestBadInputTable checks every case where it is declared to be refused, and that each message names the
// field and how to fix it.
func TestBadInputTable(t *testing.T) {
	cases := badInputs(t)
	if len(cases) < 40 {
		t.Fatalf("%d bad inputs; the table keeps at least 40", len(cases))
	}
	v := validate.Shared(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var errs []string
			if tc.old != nil {
				errs = v.XRUpdate(tc.old, tc.xr)
			} else {
				errs = v.XR(tc.xr)
			}
			admission := strings.Join(errs, "\n")
			if tc.where&atAdmission != 0 && !strings.Contains(admission, tc.field) {
				t.Errorf("%s\nadmission: want a schema/CEL error naming %s, got:\n%s", tc.reason, tc.field, admission)
			}
			if tc.where&atAdmission == 0 && admission != "" && tc.old == nil {
				t.Logf("admission refuses it too (declare it): %s", admission)
			}
			if tc.old != nil {
				return // transition rules exist only at admission
			}

			desired := &fnv1.State{Resources: map[string]*fnv1.Resource{
				"network-vpc": {Resource: mustStruct(t, map[string]any{"apiVersion": "ec2.aws.m.upbound.io/v1beta1", "kind": "VPC"})},
			}}
			req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: mustStruct(t, tc.xr)}}, Desired: desired}
			rsp, err := (&Function{log: nopLogger()}).RunFunction(t.Context(), req)
			if err != nil {
				t.Fatalf("RunFunction returned a Go error: %v", err)
			}
			msg := fatal(rsp)
			if tc.where&inFunction != 0 {
				if !strings.Contains(msg, tc.field) {
					t.Errorf("%s\nfunction: want a Fatal naming %s, got %q", tc.reason, tc.field, msg)
				}
				// compose.FieldError: "<field>: <problem>; <fix>".
				if !strings.Contains(msg, "; ") {
					t.Errorf("%s\nthe Fatal must say how to fix it: %q", tc.reason, msg)
				}
			}
			if tc.where&inFunction == 0 && msg != "" {
				t.Logf("the function refuses it too (declare it): %s", msg)
			}
			if msg != "" {
				if diff := cmp.Diff(desired, rsp.GetDesired(), protocmp.Transform()); diff != "" {
					t.Errorf("a Fatal must not change desired state:\n%s", diff)
				}
			}
		})
	}
}
