// Package environment renders a PlatformEnvironment: every domain's builder in dependency order, then
// compose.Assemble. fn.go (the function) and cmd/penv (the plan CLI) both call Render in process.
package environment

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/cache"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/cluster"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/cost"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/database"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/dns"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/edge"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/email"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/network"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/observability"
)

// Render resolves the profile's defaults and calls every domain's builder in dependency order. It is the
// only place that knows all domains: each domain gets its own spec, the shared Env and observed state, and
// the few values from elsewhere it needs, passed here by name (spec.domain to edge, dns, the in-cluster domains and email;
// the applications' routes to edge; the alarm emails to dns; the database name to the in-cluster domains; the kinds the
// earlier domains rendered to email and observability).
func Render(xr *v1alpha1.PlatformEnvironment, observed compose.Observed) (*compose.Assembled, v1alpha1.PlatformEnvironmentStatus, error) {
	var status v1alpha1.PlatformEnvironmentStatus
	spec := xr.Spec
	env, err := NewEnv(xr, observed)
	if err != nil {
		return nil, status, err
	}
	resolved := &v1alpha1.ResolvedSpec{DeletionProtection: env.DeletionProtection}
	outputs := &v1alpha1.Outputs{}

	net, err := network.Resolve(spec.Network, env.Region, env.Profile)
	if err != nil {
		return nil, status, err
	}
	resolved.Network = &net
	env.Zones = net.AvailabilityZones
	netOut := network.Build(env, net)
	outputs.Network = netOut.Outputs

	cl, err := cluster.Resolve(spec.Cluster, env)
	if err != nil {
		return nil, status, err
	}
	resolved.Cluster = &cl
	clOut, err := cluster.Build(env, cl)
	if err != nil {
		return nil, status, err
	}
	outputs.Cluster = clOut.Outputs
	env.ServingNodeGroup = clOut.NodeGroup // moves to a replacement node group once it is Ready

	// Every domain above adds its result here: email and observability render last because they cover
	// what the others rendered (DKIM records go into the hosted zone; alarms and dashboard widgets follow
	// the load balancer, target groups, database and cache).
	results := []compose.Result{netOut.Result, clOut.Result}

	// The data tier: RDS PostgreSQL and ElastiCache in the database subnets (refs to the network's subnets
	// and security groups order their creation).
	db, err := database.Resolve(spec.Database, env)
	if err != nil {
		return nil, status, err
	}
	resolved.Database = &db
	dbOut := database.Build(env, db)
	outputs.Database = dbOut.Outputs
	ca, err := cache.Resolve(spec.Cache, env)
	if err != nil {
		return nil, status, err
	}
	resolved.Cache = &ca
	caOut := cache.Build(env, ca)
	outputs.Cache = caOut.Outputs
	results = append(results, dbOut.Result, caOut.Result)

	// The HTTPS edge and DNS exist only with spec.domain (no certificate without a domain).
	edgeSpec, routes, err := edge.Resolve(spec.Edge, spec.Domain, env.Profile, edge.Routes(spec.Applications))
	if err != nil {
		return nil, status, err
	}
	resolved.Edge = edgeSpec
	edgeOut := edge.Build(env, edge.Input{Domain: spec.Domain, Spec: edgeSpec, Routes: routes})
	outputs.Edge = edgeOut.Outputs
	// Route 53 health-check alarms live in us-east-1: there they notify the environment's own alarm topic,
	// elsewhere a topic of the dns domain in us-east-1.
	dnsIn := dns.Input{Domain: spec.Domain, Spec: dns.Resolve(spec.DNS), AlarmEmails: spec.Observability.AlarmEmails}
	if env.Region == "us-east-1" {
		dnsIn.AlarmTopic = compose.AlarmTopic
	}
	dnsOut := dns.Build(env, dnsIn)
	outputs.DNS = dnsOut.Outputs
	results = append(results, edgeOut.Result, dnsOut.Result)

	// What runs inside the new cluster: the add-on releases and the applications, deployed through the
	// cluster's own ProviderConfigs. They read the other domains' resources through observed state only.
	ap, err := ResolveInCluster(spec.Applications, spec.Addons, env.Namespace, spec.Domain, db.DatabaseName)
	if err != nil {
		return nil, status, err
	}
	apOut := BuildInCluster(env, &ap)
	outputs.Applications = apOut.Outputs
	results = append(results, apOut.Result)

	em, err := email.Resolve(spec.Email, spec.Domain, env.Region)
	if err != nil {
		return nil, status, err
	}
	em.AdoptedZone = spec.DNS.ZoneID != ""
	emOut := email.Build(env, em, compose.Kinds(results...))
	outputs.Email = emOut.Outputs
	results = append(results, emOut.Result)

	obs, err := observability.Resolve(spec.Observability, env.Profile)
	if err != nil {
		return nil, status, err
	}
	resolved.Observability = &obs
	obsOut := observability.Build(env, obs, spec.Observability, compose.Kinds(results...), compose.Composes(results...))
	outputs.Observability = obsOut.Outputs
	results = append(results, obsOut.Result)

	// The monthly cost of everything the spec composes, and the budget's verdict on it: an edit over the
	// limit ends here, before anything is assembled.
	estimate := cost.New(cost.Default, cost.Input{Region: env.Region, Spec: spec, Resolved: *resolved})
	outputs.Cost = estimate.Outputs()
	if status.Budget, err = cost.Guard(spec.Budget.MonthlyLimitUSD, xr.Generation, xr.Status.Budget, estimate); err != nil {
		return nil, status, err
	}

	assembled, err := compose.Assemble(env, results...)
	if err != nil {
		return nil, status, err
	}
	status.Resolved = resolved
	status.Outputs = outputs
	for _, c := range assembled.Components {
		status.Components = append(status.Components, v1alpha1.ComponentStatus{
			Name: c.Name, Ready: c.Ready, Resources: c.Resources, ReadyResources: c.ReadyResources, Message: c.Message,
		})
	}
	return assembled, status, nil
}

// NewEnv resolves what every domain shares: identity, region, profile, ProviderConfig, protection, tags.
func NewEnv(xr *v1alpha1.PlatformEnvironment, observed compose.Observed) (*compose.Env, error) {
	spec := xr.Spec
	if xr.Name == "" || xr.Namespace == "" {
		return nil, compose.Invalid("metadata", "file the PlatformEnvironment in a namespace", "name %q, namespace %q: a PlatformEnvironment is namespaced and needs both", xr.Name, xr.Namespace)
	}
	if spec.Region == "" {
		return nil, compose.Invalid("spec.region", "set the AWS region, e.g. us-east-1", "is required")
	}
	profile := spec.Profile
	switch profile {
	case "":
		profile = "prod"
	case "dev", "staging", "prod":
	default:
		return nil, compose.Invalid("spec.profile", "use dev, staging or prod", "%q is not a profile", profile)
	}
	pc := compose.ProviderConfigRef{Kind: spec.ProviderConfigRef.Kind, Name: spec.ProviderConfigRef.Name}
	if pc.Kind == "" {
		pc.Kind = "ProviderConfig"
	}
	if pc.Name == "" {
		pc.Name = "default"
	}
	protect := profile == "prod"
	if spec.DeletionProtection != nil {
		protect = *spec.DeletionProtection
	}
	return &compose.Env{
		Name:               xr.Name,
		Namespace:          xr.Namespace,
		UID:                string(xr.UID),
		Region:             spec.Region,
		Profile:            profile,
		ProviderConfig:     pc,
		DeletionProtection: protect,
		Tags:               spec.Tags,
		Observed:           observed,
	}, nil
}
