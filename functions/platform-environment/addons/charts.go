package addons

import (
	"github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"
)

// The add-on charts. Versions are exact: a chart version pins the controller image too (cluster-autoscaler's
// image is set to the cluster's minor, see autoscalerImage).
var (
	// lbcChart is the AWS Load Balancer Controller v2.17.1.
	lbcChart = incluster.Chart{Name: "aws-load-balancer-controller", Repository: "https://aws.github.io/eks-charts", Version: "1.17.1", Namespace: incluster.SystemNamespace}
	// metricsServerChart is metrics-server 0.8.0.
	metricsServerChart = incluster.Chart{Name: "metrics-server", Repository: "https://kubernetes-sigs.github.io/metrics-server/", Version: "3.13.0", Namespace: incluster.SystemNamespace}
	// fluentBitChart is AWS for Fluent Bit (Fluent Bit with the cloudwatch_logs output).
	fluentBitChart = incluster.Chart{Name: "aws-for-fluent-bit", Repository: "https://aws.github.io/eks-charts", Version: "0.2.0", Namespace: incluster.FluentBitNamespace}
	// autoscalerChart is the cluster autoscaler's chart; the image follows the cluster's minor version.
	autoscalerChart = incluster.Chart{Name: "cluster-autoscaler", Repository: "https://kubernetes.github.io/autoscaler", Version: "9.52.1", Namespace: incluster.SystemNamespace}
	// externalSecretsChart is External Secrets Operator v0.20.4 (external-secrets.io/v1 API).
	externalSecretsChart = incluster.Chart{Name: "external-secrets", Repository: "https://charts.external-secrets.io", Version: "0.20.4", Namespace: incluster.ExternalSecretsNamespace}
)

// autoscalerImages maps a Kubernetes minor version to the cluster autoscaler release made for it: the
// autoscaler must match the control plane's minor.
var autoscalerImages = map[string]string{
	"1.32": "v1.32.3",
	"1.33": "v1.33.1",
	"1.34": "v1.34.0",
	"1.35": "v1.35.0",
	"1.36": "v1.36.0",
}
