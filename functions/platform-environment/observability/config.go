package observability

import (
	"fmt"
	"strings"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// configRule is one AWS Config managed rule.
type configRule struct {
	identifier  string
	description string
}

// complianceRules are AWS Config managed rules that run on configuration changes, which is what lets a
// rule be scoped by tag: AWS evaluates periodic rules account-wide whatever the scope says, so none is
// listed. Together they check the seed's security considerations on this environment's resources.
var complianceRules = []configRule{
	{"RDS_STORAGE_ENCRYPTED", "RDS storage is encrypted at rest"},
	{"RDS_INSTANCE_PUBLIC_ACCESS_CHECK", "RDS instances are not publicly accessible"},
	{"RDS_MULTI_AZ_SUPPORT", "RDS instances are Multi-AZ"},
	{"RDS_INSTANCE_DELETION_PROTECTION_ENABLED", "RDS instances have deletion protection"},
	{"DB_INSTANCE_BACKUP_ENABLED", "RDS instances have automated backups"},
	{"RDS_LOGGING_ENABLED", "RDS instances export their logs"},
	{"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", "S3 buckets block public access"},
	{"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "S3 buckets encrypt by default"},
	{"S3_BUCKET_SSL_REQUESTS_ONLY", "S3 buckets refuse plain HTTP"},
	{"ELB_DELETION_PROTECTION_ENABLED", "Load balancers have deletion protection"},
	{"ELB_LOGGING_ENABLED", "Load balancers write access logs"},
	{"ALB_HTTP_DROP_INVALID_HEADER_ENABLED", "Load balancers drop invalid HTTP headers"},
	{"ALB_WAF_ENABLED", "Load balancers are protected by WAF"},
	{"SNS_ENCRYPTED_KMS", "SNS topics are encrypted with KMS"},
	{"VPC_DEFAULT_SECURITY_GROUP_CLOSED", "The VPC's default security group allows no traffic"},
	{"INCOMING_SSH_DISABLED", "No security group opens SSH to the world"},
}

// configRules renders the compliance rules, scoped to the resources tagged with this environment's
// environment tag (every resource the function creates carries it). AWS Config evaluates only what its
// recorder records: the account's recorder is assumed (it is account-wide, one per region, and usually
// run by the organization), so none is created here.
//
// Without a recorder AWS refuses every rule (NoAvailableConfigurationRecorderException): the rules never
// become Ready, and so neither does the environment. The provider's error sits on each rule's Synced
// condition, where nobody reading the environment's status looks, so the component says it in words.
func configRules(env *compose.Env) compose.Result {
	var res compose.Result
	var noRecorder []string
	for _, r := range complianceRules {
		slug := strings.ReplaceAll(strings.ToLower(r.identifier), "_", "-")
		if missingRecorder(env.Observed, configRulePrefix+slug) {
			noRecorder = append(noRecorder, r.identifier)
		}
		res.Add(env.NewAWS(configRulePrefix+slug, apiConfig, "ConfigRule").
			ExternalName(env.AWSName(compose.RuleGeneric, "config-"+slug)).
			ForProvider(map[string]any{
				"description": r.description + " (" + env.Namespace + "/" + env.Name + ")",
				"source":      map[string]any{"owner": "AWS", "sourceIdentifier": r.identifier},
				"scope":       map[string]any{"tagKey": compose.TagEnvironment, "tagValue": env.Owner()},
			}))
	}
	if len(noRecorder) > 0 {
		res.Wait(component, fmt.Sprintf("AWS Config has no configuration recorder in %s, so AWS refuses the compliance rules "+
			"(%d of %d, e.g. %s: NoAvailableConfigurationRecorderException): turn on AWS Config recording in the account and "+
			"region (usually the organization's), or set spec.observability.compliance: false", env.Region, len(noRecorder), len(complianceRules), noRecorder[0]))
	}
	return res
}

// missingRecorder reports whether AWS refused an observed rule for want of a configuration recorder: its
// Synced condition is False with NoAvailableConfigurationRecorder in the provider's message.
func missingRecorder(o compose.Observed, name string) bool {
	conds, _ := o.Value(name, "status.conditions")
	list, _ := conds.([]any)
	for _, c := range list {
		m, _ := c.(map[string]any)
		if m["type"] != "Synced" || m["status"] != "False" {
			continue
		}
		msg, _ := m["message"].(string)
		return strings.Contains(msg, "NoAvailableConfigurationRecorder")
	}
	return false
}
