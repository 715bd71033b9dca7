package mrap

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Package references of the providers, as the Configuration's dependsOn names them.
const (
	awsFamilyPrefix    = "xpkg.upbound.io/upbound/provider-aws-"
	providerKubernetes = "xpkg.crossplane.io/crossplane-contrib/provider-kubernetes"
	providerHelm       = "xpkg.crossplane.io/crossplane-contrib/provider-helm"
	awsNamespacedGroup = ".aws.m.upbound.io"
)

// ProviderPackage returns the provider package that serves a group: provider-aws v2 is a family of one package per
// service, named after the group's first label (ec2.aws.m.upbound.io → provider-aws-ec2). The family's own group
// (aws.m.upbound.io: ProviderConfig) needs no entry: every family member depends on provider-family-aws.
func ProviderPackage(group string) (pkg string, implicit bool, err error) {
	switch {
	case group == "aws.m.upbound.io":
		return "xpkg.upbound.io/upbound/provider-family-aws", true, nil
	case strings.HasSuffix(group, awsNamespacedGroup):
		return awsFamilyPrefix + strings.TrimSuffix(group, awsNamespacedGroup), false, nil
	case group == "kubernetes.m.crossplane.io":
		return providerKubernetes, false, nil
	case group == "helm.m.crossplane.io":
		return providerHelm, false, nil
	}
	return "", false, fmt.Errorf("no provider package known for group %q (only namespaced provider-aws v2, provider-kubernetes and provider-helm groups are)", group)
}

// Providers returns the sorted provider packages the Configuration must depend on to serve gks.
func Providers(gks []schema.GroupKind) ([]string, error) {
	set := map[string]bool{}
	for _, gk := range gks {
		p, implicit, err := ProviderPackage(gk.Group)
		if err != nil {
			return nil, err
		}
		if !implicit {
			set[p] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}
