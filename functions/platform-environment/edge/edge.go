// Package edge renders the environment's HTTPS entry: the internet-facing Application Load Balancer in
// the public subnets with its access-log bucket, HTTP redirected to HTTPS, the HTTPS listener with the ACM
// certificate, one target group and routing rule per routed application, and the WAF web ACL.
//
// Several values exist only once AWS has answered, so the edge is rendered in passes:
//   - the certificate's validation records (written by the dns domain) need its observed
//     domainValidationOptions; the CertificateValidation needs them too;
//   - the HTTPS listener needs the certificate's ARN and waits for the CertificateValidation to be Ready
//     (AWS refuses a listener with a certificate that is not issued);
//   - the load balancer waits for its log bucket's policy to be Ready (AWS checks that it may write there);
//   - the bucket policy names the account, read from observed ARNs;
//   - the web ACL association needs the load balancer's observed ARN.
//
// Until then the dependent resource is not rendered and the component says what it waits for. Once a
// gated resource exists it stays rendered, so a transient state never takes it back.
package edge

import (
	"strings"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

const (
	elbv2 = "elbv2.aws.m.upbound.io/v1beta1"
	s3    = "s3.aws.m.upbound.io/v1beta1"
	acm   = "acm.aws.m.upbound.io/v1beta1"
	wafv2 = "wafv2.aws.m.upbound.io/v1beta1"

	component = "edge"
)

// Route is what the edge needs to know about one application with a route. The function builds it from
// spec.applications, so the edge does not depend on the applications' API.
type Route struct {
	// App is the application's name.
	App string
	// Port is the application's container port (the target group's port; the load balancer controller
	// registers the nodes on the Service's NodePort).
	Port int32
	// Default marks the application that gets every request no rule matches.
	Default bool
	// PathPatterns route matching requests to the application, e.g. /api/*.
	PathPatterns []string
	// Priority of the path rule (1-50000, lower first) when the spec sets it; 0 leaves it to priorities.
	Priority int32
	// HealthPath is the target group's health-check path.
	HealthPath string
}

// Input is the edge's resolved spec.
type Input struct {
	// Domain is spec.domain; the edge exists only when it is set.
	Domain string
	// Spec is the resolved edge; nil without a domain.
	Spec *v1alpha1.ResolvedEdge
	// Routes are the routed applications, in spec order.
	Routes []Route
}

// Output is the edge's desired resources and status.
type Output struct {
	compose.Result
	Outputs *v1alpha1.EdgeOutputs
}

// Build renders the edge. Without a domain it renders nothing and retires what an earlier domain made.
func Build(env *compose.Env, in Input) Output {
	var out Output
	if in.Domain == "" || in.Spec == nil {
		out.Retire(component + "-")
		return out
	}
	// DNS names are case-insensitive; AWS reports them in lower case, so they are written that way.
	in.Domain = strings.ToLower(in.Domain)
	// With a domain the spec composes the load balancer, rendered this pass or not (see Want).
	out.Want(compose.LoadBalancer)
	out.Merge(accessLogs(env, *in.Spec))
	out.Merge(targetGroups(env, in.Routes))
	out.Merge(certificate(env, in.Domain))
	out.Merge(loadBalancer(env, in))
	out.Merge(waf(env, *in.Spec))
	out.Outputs = outputs(env, in)
	return out
}

// outputs reads the edge's identifiers from observed state.
func outputs(env *compose.Env, in Input) *v1alpha1.EdgeOutputs {
	o := &v1alpha1.EdgeOutputs{URL: "https://" + in.Domain}
	o.LoadBalancerDNSName, _ = env.Observed.String(compose.LoadBalancer, "status.atProvider.dnsName")
	o.LoadBalancerARN, _ = env.Observed.ARN(compose.LoadBalancer)
	o.CertificateARN, _ = env.Observed.ARN(compose.Certificate)
	o.CertificateStatus, _ = env.Observed.String(compose.Certificate, "status.atProvider.status")
	o.WebACLARN, _ = env.Observed.ARN(webACL)
	for _, r := range in.Routes {
		if arn, ok := env.Observed.ARN(compose.TargetGroup(r.App)); ok {
			if o.TargetGroupARNs == nil {
				o.TargetGroupARNs = map[string]string{}
			}
			o.TargetGroupARNs[r.App] = arn
		}
	}
	return o
}
