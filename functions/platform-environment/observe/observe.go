// Package observe turns desired composed resources into observed ones, the way Crossplane and the
// providers would report them: the composition resource name annotation, an external name, Ready and
// Synced conditions and the status.atProvider fields the function reads. Tests and the golden stages use
// it to walk an environment through its lifecycle without AWS.
//
// Values are fake but deterministic (derived from the resource's name) and shaped like AWS's, so goldens
// are stable and the function's reads of observed state are exercised for real.
package observe

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// Account is the fake AWS account of observed ARNs.
const Account = "123456789012"

// transitionTime is fixed so that observed files and goldens are byte-stable.
const transitionTime = "2026-01-01T00:00:00Z"

// Hook adds kind-specific observed fields (an EKS cluster's endpoint, a certificate's validation
// options, ...). It gets the observed object (already carrying the generic fields) and the region.
type Hook func(obj map[string]any, f Facts)

// Facts are what a hook may need to fake AWS's answers.
type Facts struct {
	// Name is the composition resource name.
	Name string
	// Region of the environment.
	Region string
	// ID and ARN the generic step assigned.
	ID, ARN string
}

// hooks by "<group>/<Kind>" (group without version). Domain files in this package register theirs in init.
var hooks = map[string]Hook{}

// Register adds a hook for a kind: apiVersion's group and the kind, e.g. ("eks.aws.m.upbound.io", "Cluster").
func Register(group, kind string, h Hook) { hooks[group+"/"+kind] = h }

// Options control how a resource is observed.
type Options struct {
	// Namespace of the XR; observed namespaced resources live there.
	Namespace string
	// Region of the environment.
	Region string
	// Ready decides whether a resource is observed Ready (true) or still creating (false). Nil: all ready.
	Ready func(name string) bool
}

// Resource returns the observed form of one desired resource with the given composition resource name.
func Resource(name string, desired map[string]any, o Options) map[string]any {
	obj := JSON(desired).(map[string]any)
	md, _ := obj["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		obj["metadata"] = md
	}
	if o.Namespace != "" {
		md["namespace"] = o.Namespace
	}
	ann, _ := md["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		md["annotations"] = ann
	}
	ann["crossplane.io/composition-resource-name"] = name

	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group := strings.SplitN(apiVersion, "/", 2)[0]
	// A resource lives in the region its forProvider names (the e-mail fallback region's key and topic,
	// a CloudFront certificate in us-east-1), the environment's only where it names none: faking every ARN
	// in the environment's region would hide a resource that refers to another region's key.
	f := Facts{Name: name, Region: o.Region}
	if spec, _ := obj["spec"].(map[string]any); spec != nil {
		if fp, _ := spec["forProvider"].(map[string]any); fp != nil {
			if r, _ := fp["region"].(string); r != "" {
				f.Region = r
			}
		}
	}
	f.ID = FakeID(kind, name)
	if en, ok := ann["crossplane.io/external-name"].(string); ok && en != "" {
		f.ID = en
	} else {
		ann["crossplane.io/external-name"] = f.ID
	}
	f.ARN = FakeARN(group, kind, f.Region, f.ID)

	status := map[string]any{
		"atProvider": map[string]any{"id": f.ID, "arn": f.ARN},
	}
	ready := o.Ready == nil || o.Ready(name)
	status["conditions"] = conditions(ready)
	obj["status"] = status
	if h, ok := hooks[group+"/"+kind]; ok {
		h(obj, f)
	}
	return obj
}

func conditions(ready bool) []any {
	readyStatus, reason := "True", "Available"
	if !ready {
		readyStatus, reason = "False", "Creating"
	}
	return []any{
		map[string]any{"type": "Ready", "status": readyStatus, "reason": reason, "lastTransitionTime": transitionTime},
		map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "lastTransitionTime": transitionTime},
	}
}

// FakeID returns an AWS-shaped identifier for a resource: "<prefix>-<17 hex>" for EC2 kinds, the hash
// otherwise.
func FakeID(kind, name string) string {
	sum := sha256.Sum256([]byte(kind + "/" + name))
	h := hex.EncodeToString(sum[:])
	if p, ok := ec2Prefixes[kind]; ok {
		return p + "-0" + h[:16]
	}
	return strings.ToLower(kind) + "-" + h[:12]
}

var ec2Prefixes = map[string]string{
	"VPC": "vpc", "Subnet": "subnet", "InternetGateway": "igw", "EIP": "eipalloc", "NATGateway": "nat",
	"RouteTable": "rtb", "Route": "r-rtb", "RouteTableAssociation": "rtbassoc", "VPCEndpoint": "vpce",
	"SecurityGroup": "sg", "DefaultSecurityGroup": "sg", "SecurityGroupIngressRule": "sgr",
	"SecurityGroupEgressRule": "sgr", "FlowLog": "fl", "LaunchTemplate": "lt",
}

// FakeARN returns an ARN-shaped string in the fake account.
func FakeARN(group, kind, region, id string) string {
	svc := strings.SplitN(group, ".", 2)[0]
	switch svc {
	case "iam", "route53":
		region = ""
	case "cloudwatchlogs":
		svc = "logs"
	case "elbv2":
		svc = "elasticloadbalancing"
	}
	return "arn:aws:" + svc + ":" + region + ":" + Account + ":" + strings.ToLower(kind) + "/" + id
}

// Set sets a nested field of obj, creating maps on the way.
func Set(obj map[string]any, value any, path ...string) {
	cur := obj
	for _, p := range path[:len(path)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[path[len(path)-1]] = value
}

// JSON is a deep copy of v as a decoded object holds it (numbers become float64, typed slices []any): what
// Crossplane hands the function, and what tests compare against.
func JSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
