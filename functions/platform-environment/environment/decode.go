package environment

import (
	"encoding/json"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// Decode reads the observed XR into the API types. Unknown fields are ignored (Crossplane adds its
// own under spec.crossplane); a field of the wrong type is reported with its path.
func Decode(obj map[string]any) (*v1alpha1.PlatformEnvironment, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, errors.Wrap(err, "cannot encode the observed PlatformEnvironment")
	}
	xr := &v1alpha1.PlatformEnvironment{}
	if err := json.Unmarshal(b, xr); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, compose.Invalid(te.Field, "fix the value's type (see the XRD's schema)", "a %s value cannot be a %s", te.Type, te.Value)
		}
		return nil, errors.Wrap(err, "cannot decode the PlatformEnvironment")
	}
	// DNS names are case-insensitive, and Route 53, ACM and SES keep them in lower case: a mixed-case
	// spec.domain would be a difference the providers never close.
	xr.Spec.Domain = strings.ToLower(xr.Spec.Domain)
	// A namespaced XR's name may be a 253-character DNS subdomain, but Crossplane labels every composed
	// resource with it (crossplane.io/composite) and label values stop at 63: a longer name could never
	// be applied. The AWS names are sized for 63 as well.
	if len(xr.Name) > 63 {
		return nil, compose.Invalid("metadata.name", "use a name of at most 63 characters", "%d characters: Crossplane labels every composed resource with the name, and a label value holds at most 63", len(xr.Name))
	}
	return xr, nil
}
