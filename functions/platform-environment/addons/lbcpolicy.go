package addons

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// lbcClusterTag is the tag the load balancer controller puts on everything it creates; its published
// policy lets it change and delete only what carries it.
const lbcClusterTag = "elbv2.k8s.aws/cluster"

// loadBalancerControllerPolicy is the AWS Load Balancer Controller's published IAM policy
// (docs/install/iam_policy.json of kubernetes-sigs/aws-load-balancer-controller, v2.14 and later), typed,
// with the partition of the environment's region instead of "aws". It is the controller's own least
// privilege: reads on "*" (EC2 and ELB describe calls cannot be scoped), writes limited by the
// elbv2.k8s.aws/cluster tag to what the controller created. This environment uses it for
// TargetGroupBindings only (the load balancer and target groups are composed resources); keeping the
// published policy means the controller's own features keep working when an application uses them.
func loadBalancerControllerPolicy(partition string) compose.PolicyDocument {
	arn := func(service, resource string) string { return compose.ARN(partition, service, "*", "*", resource) }
	requestTagged := map[string]any{"aws:RequestTag/" + lbcClusterTag: "false"}
	resourceTagged := map[string]any{"aws:ResourceTag/" + lbcClusterTag: "false"}
	retagOwned := map[string]any{"aws:RequestTag/" + lbcClusterTag: "true", "aws:ResourceTag/" + lbcClusterTag: "false"}
	lbResources := []string{
		arn("elasticloadbalancing", "targetgroup/*/*"),
		arn("elasticloadbalancing", "loadbalancer/net/*/*"),
		arn("elasticloadbalancing", "loadbalancer/app/*/*"),
	}
	return compose.Policy(
		compose.Statement{
			Effect:    "Allow",
			Action:    []string{"iam:CreateServiceLinkedRole"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
		},
		compose.Statement{
			Effect: "Allow",
			Action: []string{
				"ec2:DescribeAccountAttributes",
				"ec2:DescribeAddresses",
				"ec2:DescribeAvailabilityZones",
				"ec2:DescribeInternetGateways",
				"ec2:DescribeVpcs",
				"ec2:DescribeVpcPeeringConnections",
				"ec2:DescribeSubnets",
				"ec2:DescribeSecurityGroups",
				"ec2:DescribeInstances",
				"ec2:DescribeNetworkInterfaces",
				"ec2:DescribeTags",
				"ec2:GetCoipPoolUsage",
				"ec2:DescribeCoipPools",
				"ec2:GetSecurityGroupsForVpc",
				"ec2:DescribeIpamPools",
				"ec2:DescribeRouteTables",
				"elasticloadbalancing:DescribeLoadBalancers",
				"elasticloadbalancing:DescribeLoadBalancerAttributes",
				"elasticloadbalancing:DescribeListeners",
				"elasticloadbalancing:DescribeListenerCertificates",
				"elasticloadbalancing:DescribeSSLPolicies",
				"elasticloadbalancing:DescribeRules",
				"elasticloadbalancing:DescribeTargetGroups",
				"elasticloadbalancing:DescribeTargetGroupAttributes",
				"elasticloadbalancing:DescribeTargetHealth",
				"elasticloadbalancing:DescribeTags",
				"elasticloadbalancing:DescribeTrustStores",
				"elasticloadbalancing:DescribeListenerAttributes",
				"elasticloadbalancing:DescribeCapacityReservation",
			},
			Resource: []string{"*"},
		},
		compose.Statement{
			Effect: "Allow",
			Action: []string{
				"cognito-idp:DescribeUserPoolClient",
				"acm:ListCertificates",
				"acm:DescribeCertificate",
				"iam:ListServerCertificates",
				"iam:GetServerCertificate",
				"waf-regional:GetWebACL",
				"waf-regional:GetWebACLForResource",
				"waf-regional:AssociateWebACL",
				"waf-regional:DisassociateWebACL",
				"wafv2:GetWebACL",
				"wafv2:GetWebACLForResource",
				"wafv2:AssociateWebACL",
				"wafv2:DisassociateWebACL",
				"shield:GetSubscriptionState",
				"shield:DescribeProtection",
				"shield:CreateProtection",
				"shield:DeleteProtection",
			},
			Resource: []string{"*"},
		},
		compose.Statement{
			Effect:   "Allow",
			Action:   []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"},
			Resource: []string{"*"},
		},
		compose.Statement{
			Effect:   "Allow",
			Action:   []string{"ec2:CreateSecurityGroup"},
			Resource: []string{"*"},
		},
		compose.Statement{
			Effect:   "Allow",
			Action:   []string{"ec2:CreateTags"},
			Resource: []string{arn("ec2", "security-group/*")},
			Condition: map[string]map[string]any{
				"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"},
				"Null":         requestTagged,
			},
		},
		compose.Statement{
			Effect:    "Allow",
			Action:    []string{"ec2:CreateTags", "ec2:DeleteTags"},
			Resource:  []string{arn("ec2", "security-group/*")},
			Condition: map[string]map[string]any{"Null": retagOwned},
		},
		compose.Statement{
			Effect:    "Allow",
			Action:    []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"Null": resourceTagged},
		},
		compose.Statement{
			Effect:    "Allow",
			Action:    []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"Null": requestTagged},
		},
		compose.Statement{
			Effect: "Allow",
			Action: []string{
				"elasticloadbalancing:CreateListener",
				"elasticloadbalancing:DeleteListener",
				"elasticloadbalancing:CreateRule",
				"elasticloadbalancing:DeleteRule",
			},
			Resource: []string{"*"},
		},
		compose.Statement{
			Effect:    "Allow",
			Action:    []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			Resource:  lbResources,
			Condition: map[string]map[string]any{"Null": retagOwned},
		},
		compose.Statement{
			Effect: "Allow",
			Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			Resource: []string{
				arn("elasticloadbalancing", "listener/net/*/*/*"),
				arn("elasticloadbalancing", "listener/app/*/*/*"),
				arn("elasticloadbalancing", "listener-rule/net/*/*/*"),
				arn("elasticloadbalancing", "listener-rule/app/*/*/*"),
			},
		},
		compose.Statement{
			Effect: "Allow",
			Action: []string{
				"elasticloadbalancing:ModifyLoadBalancerAttributes",
				"elasticloadbalancing:SetIpAddressType",
				"elasticloadbalancing:SetSecurityGroups",
				"elasticloadbalancing:SetSubnets",
				"elasticloadbalancing:DeleteLoadBalancer",
				"elasticloadbalancing:ModifyTargetGroup",
				"elasticloadbalancing:ModifyTargetGroupAttributes",
				"elasticloadbalancing:DeleteTargetGroup",
				"elasticloadbalancing:ModifyListenerAttributes",
				"elasticloadbalancing:ModifyCapacityReservation",
				"elasticloadbalancing:ModifyIpPools",
			},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"Null": resourceTagged},
		},
		compose.Statement{
			Effect:   "Allow",
			Action:   []string{"elasticloadbalancing:AddTags"},
			Resource: lbResources,
			Condition: map[string]map[string]any{
				"StringEquals": {"elasticloadbalancing:CreateAction": []string{"CreateTargetGroup", "CreateLoadBalancer"}},
				"Null":         requestTagged,
			},
		},
		compose.Statement{
			Effect:   "Allow",
			Action:   []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
			Resource: []string{arn("elasticloadbalancing", "targetgroup/*/*")},
		},
		compose.Statement{
			Effect: "Allow",
			Action: []string{
				"elasticloadbalancing:SetWebAcl",
				"elasticloadbalancing:ModifyListener",
				"elasticloadbalancing:AddListenerCertificates",
				"elasticloadbalancing:RemoveListenerCertificates",
				"elasticloadbalancing:ModifyRule",
				"elasticloadbalancing:SetRulePriorities",
			},
			Resource: []string{"*"},
		},
	)
}
