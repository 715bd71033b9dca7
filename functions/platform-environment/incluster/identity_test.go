package incluster_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"

	it "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster/inclustertest"
	ct "github.com/cloudpartner/platform-environment/test/composetest"
)

func TestIdentityBinding(t *testing.T) {
	out, _ := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	cases := map[string]struct {
		reason    string
		prefix    string
		namespace string
		sa        string
	}{
		"LBC":     {"The controller's role is bound to its service account.", "releases-lbc", "kube-system", "aws-load-balancer-controller"},
		"ESO":     {"", "releases-external-secrets", "external-secrets", "external-secrets"},
		"Backend": {"An application's role is bound to its own service account.", "apps-app-backend", ct.Namespace, "backend"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := ct.JSONCopy(ct.Find(t, out.Resources, tc.prefix+"-identity").Object)
			if a["kind"] != "PodIdentityAssociation" || it.Get(a, "spec.forProvider.namespace") != tc.namespace || it.Get(a, "spec.forProvider.serviceAccount") != tc.sa ||
				it.Get(a, "spec.forProvider.roleArnRef.name") != "prod-"+tc.prefix+"-role" {
				t.Errorf("%s: %v", tc.reason, a["spec"])
			}
			trust := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, tc.prefix+"-role").Object), "spec.forProvider.assumeRolePolicy").(string)
			if !strings.Contains(trust, "pods.eks.amazonaws.com") || !strings.Contains(trust, "sts:TagSession") {
				t.Errorf("the role must trust EKS Pod Identity: %s", trust)
			}
		})
	}
	if ct.Has(out.Resources, "apps-app-frontend-role") {
		t.Errorf("an application without IAM statements gets no role (and no AWS credentials)")
	}
}

// TestPodIdentityTrustIsScoped: EKS Pod Identity may assume a workload's role only for this account's
// cluster and only with the identity's own namespace and service account as session tags (an association
// made elsewhere for the role gets nothing).
func TestPodIdentityTrustIsScoped(t *testing.T) {
	out, observed := it.Walk(t, "prod", it.Seed(t), it.All, it.Others(it.All, "backend", "frontend"))
	env := ct.Env("prod", observed)
	acct, _ := observed.AccountID()
	cases := map[string]struct {
		prefix, namespace, sa string
	}{
		"Application": {"apps-app-backend", ct.Namespace, "backend"},
		"ESO":         {"releases-external-secrets", "external-secrets", "external-secrets"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var doc compose.PolicyDocument
			s := it.Get(ct.JSONCopy(ct.Find(t, out.Resources, tc.prefix+"-role").Object), "spec.forProvider.assumeRolePolicy").(string)
			if err := json.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string]any{
				"StringEquals": {
					"aws:SourceAccount":                         acct,
					"aws:RequestTag/kubernetes-namespace":       tc.namespace,
					"aws:RequestTag/kubernetes-service-account": tc.sa,
				},
				"ArnEquals": {"aws:SourceArn": "arn:aws:eks:" + ct.Region + ":" + acct + ":cluster/" + env.ClusterName()},
			}
			if len(doc.Statement) != 1 {
				t.Fatalf("one trust statement: %v", doc.Statement)
			}
			if diff := cmp.Diff(want, doc.Statement[0].Condition); diff != "" {
				t.Errorf("the trust names the account, the cluster and the service account (-want +got):\n%s", diff)
			}
		})
	}
}
