// Package apps checks what the function deploys into the new cluster, in every golden render (test/golden):
// each provider-kubernetes Object's manifest decodes strictly into its Kubernetes type (k8s.io/api for the
// built-in kinds, the External Secrets CRDs of the pinned operator version, the load balancer controller's
// TargetGroupBinding type), every Object and Release names its ProviderConfig explicitly, and no secret
// value appears anywhere in the goldens or the observed stages.
//
// Its helpers (Manifests, DecodeStrict) are used by the function's unit tests too.
package apps
