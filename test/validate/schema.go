package validate

import "github.com/cloudpartner/platform-environment/apis/admission"

// The schema machinery lives in apis/admission, where the plan CLI uses it too.
type crdSchema = admission.Schema

var (
	newCRDSchema = admission.NewSchema
	fieldError   = admission.FieldError
	jsonCopy     = admission.JSONCopy
)
