package addons

import (
	"strings"
	"testing"
)

func TestLoadBalancerControllerPolicy(t *testing.T) {
	p := loadBalancerControllerPolicy("aws-cn")
	if len(p.Statement) != 16 {
		t.Errorf("the published policy has 16 statements, got %d", len(p.Statement))
	}
	for _, s := range p.Statement {
		for _, r := range s.Resource {
			if strings.HasPrefix(r, "arn:") && !strings.HasPrefix(r, "arn:aws-cn:") {
				t.Errorf("ARN %s is not in the region's partition", r)
			}
		}
		for _, a := range s.Action {
			if strings.HasPrefix(a, "elasticloadbalancing:Delete") || strings.HasPrefix(a, "ec2:DeleteSecurityGroup") {
				if s.Condition["Null"]["aws:ResourceTag/"+lbcClusterTag] != "false" && a != "elasticloadbalancing:DeleteListener" && a != "elasticloadbalancing:DeleteRule" {
					t.Errorf("%s is allowed on resources the controller did not tag", a)
				}
			}
		}
	}
}
