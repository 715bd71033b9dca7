package compose

// PolicyDocument is an IAM policy document. Typed so that policies are built, not concatenated, and so
// tests can parse and check them (no Action "*" on Resource "*").
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Policy returns a policy document with the given statements.
func Policy(s ...Statement) PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: s}
}

// AssumeRolePolicy returns a trust policy that lets the AWS services assume a role.
func AssumeRolePolicy(services ...string) PolicyDocument {
	svc := make([]any, len(services))
	for i, s := range services {
		svc[i] = s
	}
	var principal any = svc
	if len(svc) == 1 {
		principal = svc[0]
	}
	return Policy(Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": principal},
		Action:    []string{"sts:AssumeRole"},
	})
}
