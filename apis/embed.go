// Package apis embeds the generated XRD (definition.yaml, `make generate`) for the programs that need it at run time
// without the repository: the plan CLI's admission of a new spec.
package apis

import _ "embed"

// Definition is apis/definition.yaml.
//
//go:embed definition.yaml
var Definition []byte
