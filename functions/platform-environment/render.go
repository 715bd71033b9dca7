package main

import (
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/environment"
)

// render is environment.Render: the render lives in an importable package so that cmd/penv (the plan CLI) runs
// it in process; the function's tests keep calling it by its old name.
func render(xr *v1alpha1.PlatformEnvironment, observed compose.Observed) (*compose.Assembled, v1alpha1.PlatformEnvironmentStatus, error) {
	return environment.Render(xr, observed)
}

// decode is environment.Decode (see render).
func decode(obj map[string]any) (*v1alpha1.PlatformEnvironment, error) {
	return environment.Decode(obj)
}
