package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// hashLen is the length of the hex hash that keeps names unique when they are shortened (32 bits).
const hashLen = 8

// shortHash returns hashLen hex characters of SHA-256 over the parts.
func shortHash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(sum[:])[:hashLen]
}

// maxKubernetesName keeps composed resource names valid DNS labels: some kinds (Services, namespaces in
// the workload cluster) and every label value need 63 characters or fewer.
const maxKubernetesName = 63

// ResourceName returns the metadata.name of the composed resource with the given composition resource
// name: "<xr>-<resource>". Names are unique within the XR's namespace because every resource name starts
// with its component. Longer names are cut and end in a hash of the full name, so they stay unique and
// stable across renders.
func (e *Env) ResourceName(resource string) string {
	return fit(sanitize(e.Name+"-"+resource, isDNSLabelRune), maxKubernetesName, e.Namespace, e.Name, resource)
}

// NameRule describes what AWS accepts as the name of one kind of resource.
type NameRule struct {
	// Max length.
	Max int
	// Allowed reports whether a character may appear (after lowercasing when Lower is set).
	Allowed func(r rune) bool
	// Lower forces lower case (ElastiCache, RDS and S3 names are lower case).
	Lower bool
	// LetterFirst requires the name to start with a letter (RDS, ElastiCache).
	LetterFirst bool
	// Reserved are prefixes AWS refuses (a load balancer named internal-…, a security group named sg-…);
	// a name that would start with one gets an "x" in front, like LetterFirst.
	Reserved []string
}

// AWS name rules used across domains. Limits from the AWS API references.
var (
	// RuleALB: load balancer and target group names: 32 alphanumerics or hyphens, no hyphen at either end.
	RuleALB = NameRule{Max: 32, Allowed: isDNSLabelRune, Lower: true, Reserved: []string{"internal-"}}
	// RuleRDS: DB identifiers: 63 lower-case letters, digits or hyphens, letter first, no "--", no trailing hyphen.
	RuleRDS = NameRule{Max: 63, Allowed: isDNSLabelRune, Lower: true, LetterFirst: true}
	// RuleElastiCache: replication group ids: 40 lower-case letters, digits or hyphens, letter first.
	RuleElastiCache = NameRule{Max: 40, Allowed: isDNSLabelRune, Lower: true, LetterFirst: true}
	// RuleIAM: IAM role and policy names: 64 characters of [A-Za-z0-9+=,.@_-].
	RuleIAM = NameRule{Max: 64, Allowed: func(r rune) bool { return isAlnum(r) || strings.ContainsRune("+=,.@_-", r) }}
	// RuleEKS: cluster and node group names: 100 alphanumerics, hyphens or underscores, alphanumeric first.
	RuleEKS = NameRule{Max: 100, Allowed: func(r rune) bool { return isAlnum(r) || r == '-' || r == '_' }, LetterFirst: true}
	// RuleEKSNodeGroup: node group names: 63 characters of the cluster name's alphabet.
	RuleEKSNodeGroup = NameRule{Max: 63, Allowed: RuleEKS.Allowed, LetterFirst: true}
	// RuleSecurityGroup: security group names: 255 characters; we keep them DNS-like.
	RuleSecurityGroup = NameRule{Max: 255, Allowed: isDNSLabelRune, Reserved: []string{"sg-"}}
	// RuleS3: bucket names: 63 lower-case letters, digits or hyphens (no dots: they break virtual-host TLS).
	RuleS3 = NameRule{Max: 63, Allowed: isDNSLabelRune, Lower: true, LetterFirst: true, Reserved: []string{"xn--", "sthree-", "amzn-s3-demo-"}}
	// RuleGeneric: names of kinds with generous limits (SNS topics 256, KMS aliases 256, alarms 255,
	// dashboards 255, WebACLs 128, launch templates 128, parameter groups 255): 128 DNS-like characters.
	RuleGeneric = NameRule{Max: 128, Allowed: isDNSLabelRune}
)

// AWSName returns the AWS name of one of the environment's resources: "<namespace>-<xr>-<part>-<hash>",
// cut to the rule's limit. AWS names live in the account, not in a namespace, so the namespace is part of
// the name, and the hash (of namespace, XR and part) keeps names unique even where cutting or the
// hyphens in namespace and XR names would make two environments' names collide. AWS names are immutable:
// this function must never change its output for the same input.
func (e *Env) AWSName(rule NameRule, part string) string {
	base := e.Namespace + "-" + e.Name + "-" + part
	if rule.Lower {
		base = strings.ToLower(base)
	}
	base = sanitize(base, rule.Allowed)
	if rule.LetterFirst && (base == "" || !isLetter(rune(base[0]))) {
		base = "x" + base
	}
	for _, p := range rule.Reserved {
		if strings.HasPrefix(base, p) {
			base = "x" + base
		}
	}
	h := shortHash(e.Namespace, e.Name, part)
	keep := rule.Max - hashLen - 1
	if len(base) > keep {
		base = base[:keep]
	}
	return strings.TrimRight(base, "-_.") + "-" + h
}

// fit returns name when it fits max, else its first characters and a hash of the identity parts.
func fit(name string, max int, identity ...string) string {
	if len(name) <= max {
		return name
	}
	keep := max - hashLen - 1
	return strings.TrimRight(name[:keep], "-_.") + "-" + shortHash(identity...)
}

// sanitize lower-cases nothing but replaces every character the rule does not allow with a hyphen,
// folds runs of hyphens (RDS and ElastiCache reject "--") and trims hyphens at both ends.
func sanitize(s string, allowed func(r rune) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	prevHyphen := false
	for _, r := range s {
		if !allowed(r) {
			r = '-'
		}
		if r == '-' {
			if prevHyphen {
				continue
			}
			prevHyphen = true
		} else {
			prevHyphen = false
		}
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), "-")
}

func isLetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
func isAlnum(r rune) bool  { return isLetter(r) || (r >= '0' && r <= '9') }

// isDNSLabelRune allows what a DNS label allows, in lower case.
func isDNSLabelRune(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' }

// KMSAlias returns "alias/platform/<namespace>/<xr>/<purpose>", the alias of a key of the environment.
// KMS alias names take letters, digits, "/", "_", "-" and ":" only: an XR name may hold dots (it is a DNS
// subdomain), which become "_" — a character no Kubernetes name holds, so no two environments' aliases
// meet. Names without dots are unchanged.
func (e *Env) KMSAlias(purpose string) string {
	return "alias/platform/" + e.Namespace + "/" + strings.ReplaceAll(e.Name, ".", "_") + "/" + purpose
}
