package apps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// builtin are the Kubernetes kinds the function deploys, by apiVersion and kind, with a constructor of
// their k8s.io/api type.
var builtin = map[string]func() any{
	"v1/Namespace":                             func() any { return &corev1.Namespace{} },
	"v1/ConfigMap":                             func() any { return &corev1.ConfigMap{} },
	"v1/ServiceAccount":                        func() any { return &corev1.ServiceAccount{} },
	"v1/Service":                               func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                       func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                             func() any { return &batchv1.Job{} },
	"batch/v1/CronJob":                         func() any { return &batchv1.CronJob{} },
	"autoscaling/v2/HorizontalPodAutoscaler":   func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":            func() any { return &policyv1.PodDisruptionBudget{} },
	"elbv2.k8s.aws/v1beta1/TargetGroupBinding": func() any { return &TargetGroupBinding{} },
	"admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": func() any { return &admissionv1.ValidatingAdmissionPolicy{} },
	"admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": func() any {
		return &admissionv1.ValidatingAdmissionPolicyBinding{}
	},
}

// TargetGroupBinding mirrors the AWS Load Balancer Controller's elbv2.k8s.aws/v1beta1 type
// (apis/elbv2/v1beta1/targetgroupbinding_types.go, v2.17): its module cannot be fetched through the Go
// module proxy (v2 tags without a /v2 module path), so the type is copied field for field.
type TargetGroupBinding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		TargetGroupARN          string  `json:"targetGroupARN"`
		MultiClusterTargetGroup bool    `json:"multiClusterTargetGroup,omitempty"`
		TargetType              *string `json:"targetType,omitempty"`
		ServiceRef              struct {
			Name string             `json:"name"`
			Port intstr.IntOrString `json:"port"`
		} `json:"serviceRef"`
		Networking *struct {
			Ingress []struct {
				From []struct {
					IPBlock *struct {
						CIDR string `json:"cidr"`
					} `json:"ipBlock,omitempty"`
					SecurityGroup *struct {
						GroupID string `json:"groupID"`
					} `json:"securityGroup,omitempty"`
				} `json:"from"`
				Ports []struct {
					Protocol *string             `json:"protocol,omitempty"`
					Port     *intstr.IntOrString `json:"port,omitempty"`
				} `json:"ports"`
			} `json:"ingress,omitempty"`
		} `json:"networking,omitempty"`
		NodeSelector  *metav1.LabelSelector `json:"nodeSelector,omitempty"`
		IPAddressType *string               `json:"ipAddressType,omitempty"`
		VpcID         string                `json:"vpcID,omitempty"`
	} `json:"spec,omitempty"`
}

// DecodeStrict decodes a manifest of a built-in kind (or a TargetGroupBinding) into its type, failing on
// unknown or duplicate fields and wrong types, and checks the few things the API server would refuse
// that a decode cannot see. known is false for kinds without a Go type here (CRD kinds: see CRDs).
func DecodeStrict(manifest map[string]any) (obj any, known bool, err error) {
	apiVersion, _ := manifest["apiVersion"].(string)
	kind, _ := manifest["kind"].(string)
	newObj, ok := builtin[apiVersion+"/"+kind]
	if !ok {
		return nil, false, nil
	}
	b, err := json.Marshal(manifest)
	if err != nil {
		return nil, true, err
	}
	obj = newObj()
	strict, err := sigsjson.UnmarshalStrict(b, obj)
	if err != nil {
		return nil, true, err
	}
	if len(strict) > 0 {
		msgs := make([]string, len(strict))
		for i, e := range strict {
			msgs[i] = e.Error()
		}
		return nil, true, fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	// A round trip must not lose anything: what the API server stores is what was meant.
	again, err := json.Marshal(obj)
	if err != nil {
		return nil, true, err
	}
	var back map[string]any
	if err := json.Unmarshal(again, &back); err != nil {
		return nil, true, err
	}
	if lost := missing(manifest, back, ""); lost != "" {
		return nil, true, fmt.Errorf("%s is lost in %s's type", lost, kind)
	}
	return obj, true, nil
}

// missing returns the first path of want that got has not (after JSON round trips, zero values that
// omitempty drops are not reported).
func missing(want, got map[string]any, path string) string {
	for k, v := range want {
		p := path + "." + k
		g, ok := got[k]
		if !ok {
			if isZero(v) {
				continue
			}
			return p
		}
		wm, ok1 := v.(map[string]any)
		gm, ok2 := g.(map[string]any)
		if ok1 && ok2 {
			if m := missing(wm, gm, p); m != "" {
				return m
			}
		}
	}
	return ""
}

func isZero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case bool:
		return !t
	case string:
		return t == ""
	case float64:
		return t == 0
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// Document is one object of a golden render, with the file it came from.
type Document struct {
	File   string
	Object map[string]any
}

// Name is the object's composition resource name (annotation) or metadata.name.
func (d Document) Name() string {
	md, _ := d.Object["metadata"].(map[string]any)
	if ann, ok := md["annotations"].(map[string]any); ok {
		if n, ok := ann["crossplane.io/composition-resource-name"].(string); ok {
			return n
		}
	}
	n, _ := md["name"].(string)
	return n
}

// Kind is the object's apiVersion and kind.
func (d Document) Kind() (string, string) {
	a, _ := d.Object["apiVersion"].(string)
	k, _ := d.Object["kind"].(string)
	return a, k
}

// Manifests reads every object of a multi-document YAML file.
func Manifests(path string) ([]Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Document
	for _, doc := range bytes.Split(b, []byte("\n---")) {
		doc = bytes.TrimPrefix(bytes.TrimSpace(doc), []byte("---"))
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		obj := map[string]any{}
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(obj) == 0 {
			continue
		}
		out = append(out, Document{File: path, Object: obj})
	}
	return out, nil
}
