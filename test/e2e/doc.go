// Package e2e runs the PlatformEnvironment XRD, Composition and function on a real control plane: etcd,
// kube-apiserver, kube-controller-manager and Crossplane core (with its webhooks), all inside a private network
// namespace on loopback. Every file but this one carries the build tag e2e, so `go test ./...` compiles nothing
// here; run the suite with `make e2e` (see README.md).
package e2e
