package main

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/cluster"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/network"
)

// render resolves the profile's defaults and calls every domain's builder in dependency order. It is the
// only place that knows all domains; each domain sees its own spec, the shared Env and observed state.
func render(xr *v1alpha1.PlatformEnvironment, observed compose.Observed) (*compose.Assembled, v1alpha1.PlatformEnvironmentStatus, error) {
	var status v1alpha1.PlatformEnvironmentStatus
	spec := xr.Spec
	env, err := newEnv(xr, observed)
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

	assembled, err := compose.Assemble(env, netOut.Result, clOut.Result)
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

// newEnv resolves what every domain shares: identity, region, profile, ProviderConfig, protection, tags.
func newEnv(xr *v1alpha1.PlatformEnvironment, observed compose.Observed) (*compose.Env, error) {
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
		Region:             spec.Region,
		Profile:            profile,
		ProviderConfig:     pc,
		DeletionProtection: protect,
		Tags:               spec.Tags,
		Observed:           observed,
	}, nil
}
