package secrets

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// Composition resource names of the tenant's secrets role and the admission policy of stores.
const (
	TenantRole       = "apps-secret-store-tenant-role"
	TenantPolicy     = "apps-secret-store-tenant-policy"
	StoreAdmission   = "apps-secret-store-admission"
	StoreAdmissionTo = "apps-secret-store-admission-binding"
)

// tenant renders the application namespaces' secrets role and the admission policy that keeps their
// SecretStores on it. The role is assumed by the operator's role (a SecretStore's spec.provider.aws.role)
// and only reads the environment's secrets. The ValidatingAdmissionPolicy refuses, in the application
// namespaces, AWS SecretStores that name no role (the operator's base role, which also fills the generated
// secrets) or any role but the tenant's, or chain further roles; and ClusterSecretStores that name any role
// but the tenant's.
func (b *builder) tenant() compose.Result {
	var res compose.Result
	if !b.Spec.Addons.ExternalSecrets.Enabled {
		return res
	}
	eso, esoOK := b.Env.Observed.ARN(incluster.ESORelease + "-role")
	if res.Gate(b.Env.Observed, TenantRole, compose.Needs(esoOK, incluster.ESORelease+"-role's ARN (the role that assumes it)")) {
		res.Add(b.Env.NewAWS(TenantRole, incluster.IAMAPI, "Role").
			ExternalName(b.Env.AWSName(compose.RuleIAM, incluster.TenantRolePart)).
			ForProvider(map[string]any{
				"description": "Application namespaces' secrets of " + b.Env.Owner() + " (read-only; assumed by External Secrets for their stores)",
				"assumeRolePolicy": compose.MustJSON(compose.Policy(compose.Statement{
					Sid: "ExternalSecretsOperator", Effect: "Allow",
					Principal: map[string]any{"AWS": eso},
					Action:    []string{"sts:AssumeRole"},
				})),
			}))
	}
	acct, acctOK := b.Account()
	if res.Gate(b.Env.Observed, TenantPolicy, compose.Needs(acctOK, incluster.NeedAccount)) {
		res.Add(b.Env.NewAWS(TenantPolicy, incluster.IAMAPI, "RolePolicy").Untagged().ForProvider(map[string]any{
			"roleRef": b.Env.Ref(TenantRole),
			"policy": compose.MustJSON(compose.Policy(compose.Statement{
				Sid: "ReadEnvironmentSecrets", Effect: "Allow",
				Action:   []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
				Resource: []string{b.Env.SecretsARNPattern(acct)},
			})),
		}))
	}
	arn, arnOK := b.TenantRoleARN()
	if res.Gate(b.Env.Observed, StoreAdmission, b.InCluster(), compose.Needs(arnOK, incluster.NeedAccount)) {
		res.Add(b.Object(StoreAdmission, b.storeAdmissionPolicy(arn), incluster.OnCreate))
	}
	if res.Gate(b.Env.Observed, StoreAdmissionTo, b.InCluster(), b.Env.Observed.ExistsCond(StoreAdmission)) {
		m := incluster.Manifest("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "", StoreAdmissionName, nil)
		m["spec"] = map[string]any{"policyName": StoreAdmissionName, "validationActions": []any{"Deny"}}
		res.Add(b.Object(StoreAdmissionTo, m, incluster.OnCreate))
	}
	return res
}

// StoreAdmissionName is the ValidatingAdmissionPolicy (and its binding) in the workload cluster.
const StoreAdmissionName = "platform-secret-stores"

// StoreAdmissionRules are the policy's CEL validations: SecretStores (they reach it only in the
// application namespaces, see the match conditions) and ClusterSecretStores.
func StoreAdmissionRules(tenantARN string) []map[string]any {
	role := "'" + tenantARN + "'"
	return []map[string]any{
		{
			"expression": "object.kind != 'SecretStore' || !has(object.spec.provider) || !has(object.spec.provider.aws) || " +
				"(has(object.spec.provider.aws.role) && object.spec.provider.aws.role == " + role + " && !has(object.spec.provider.aws.additionalRoles))",
			"message": "an AWS SecretStore in an application namespace must set spec.provider.aws.role to the tenant role " + tenantARN +
				" (and no additionalRoles): without it the store would run as the External Secrets Operator's own role",
			"reason": "Forbidden",
		},
		{
			"expression": "object.kind != 'ClusterSecretStore' || !has(object.spec.provider) || !has(object.spec.provider.aws) || " +
				"((!has(object.spec.provider.aws.role) || object.spec.provider.aws.role == " + role + ") && !has(object.spec.provider.aws.additionalRoles))",
			"message": "a ClusterSecretStore may name no role but the tenant role " + tenantARN + " (spec.provider.aws.role, no additionalRoles)",
			"reason":  "Forbidden",
		},
	}
}

func (b *builder) storeAdmissionPolicy(tenantARN string) map[string]any {
	ns := []any{}
	for _, n := range b.AppNamespaces() {
		ns = append(ns, n)
	}
	rules := []any{}
	for _, r := range StoreAdmissionRules(tenantARN) {
		rules = append(rules, r)
	}
	m := incluster.Manifest("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "", StoreAdmissionName, nil)
	m["spec"] = map[string]any{
		"failurePolicy": "Fail",
		"matchConstraints": map[string]any{"resourceRules": []any{map[string]any{
			"apiGroups": []any{"external-secrets.io"}, "apiVersions": []any{"*"},
			"operations": []any{"CREATE", "UPDATE"}, "resources": []any{"secretstores", "clustersecretstores"},
		}}},
		// SecretStores of the application namespaces; every ClusterSecretStore (cluster-scoped).
		"matchConditions": []any{map[string]any{
			"name":       "application-namespaces",
			"expression": "request.namespace == '' || request.namespace in " + celList(ns),
		}},
		"validations": rules,
	}
	return m
}

func celList(v []any) string {
	s := "["
	for i, x := range v {
		if i > 0 {
			s += ", "
		}
		s += "'" + x.(string) + "'"
	}
	return s + "]"
}
