package main

import (
	"fmt"
	"strings"
	"testing"
)

// crossRegionKeys returns every desired AWS object that names a KMS key of another region than its own
// (spec.forProvider.region): by ARN anywhere in forProvider (kmsMasterKeyId, kmsKeyId, ...) or by a
// …Ref to a composed Key. SNS, CloudWatch Logs, RDS and the others refuse a key of another region, so
// such an object never becomes Ready in AWS; the observed fixtures fake every ARN in its resource's own
// region (functions/platform-environment/observe), so the render shows it.
func crossRegionKeys(desired map[string]map[string]any) (subjects int, violations []string) {
	keyRegion := map[string]string{} // metadata.name of a composed Key → its region
	for _, n := range sortedNames(desired) {
		o := desired[n]
		if api, _ := o["apiVersion"].(string); strings.HasPrefix(api, "kms.aws.m.upbound.io/") && o["kind"] == "Key" {
			name, _ := mapAt(o, "metadata")["name"].(string)
			keyRegion[name], _ = mapAt(o, "spec", "forProvider")["region"].(string)
		}
	}
	for _, n := range sortedNames(desired) {
		fp := mapAt(desired[n], "spec", "forProvider")
		region, _ := fp["region"].(string)
		if region == "" {
			continue
		}
		var visit func(path string, v any)
		visit = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				if name, ok := v["name"].(string); ok && strings.HasSuffix(path, "Ref") {
					if r, isKey := keyRegion[name]; isKey {
						subjects++
						if r != region {
							violations = append(violations, fmt.Sprintf("%s (%s) %s names key %s of %s", n, region, path, name, r))
						}
					}
				}
				for _, k := range sortedNames(v) {
					visit(path+"."+k, v[k])
				}
			case []any:
				for i, x := range v {
					visit(fmt.Sprintf("%s[%d]", path, i), x)
				}
			case string:
				// arn:partition:kms:region:account:key/… (alias ARNs too); a policy JSON's embedded ARNs are
				// principals' and resources', not keys the object encrypts with.
				if parts := strings.SplitN(v, ":", 6); len(parts) == 6 && parts[0] == "arn" && parts[2] == "kms" {
					subjects++
					if parts[3] != region {
						violations = append(violations, fmt.Sprintf("%s (%s) %s = %s", n, region, path, v))
					}
				}
			}
		}
		for _, k := range sortedNames(fp) {
			visit(k, fp[k])
		}
	}
	return subjects, violations
}

// TestKeysInResourceRegion: in every example's fully observed render, every KMS key an object names is in
// that object's region (the seed's e-mail fallback region us-west-2 has its own key), and the check
// catches a fallback topic given the primary region's key.
func TestKeysInResourceRegion(t *testing.T) {
	for _, ex := range controlExamples {
		t.Run(ex, func(t *testing.T) {
			desired, _ := renderReady(t, readXR(t, ex))
			n, violations := crossRegionKeys(desired)
			if n == 0 {
				t.Fatal("no object names a KMS key: the check examined nothing")
			}
			for _, v := range violations {
				t.Error(v)
			}
			if ex != "seed-production" {
				return
			}
			// The seed's fallback region: its e-mail events topic must carry us-west-2's key, and swapping in
			// the primary region's topic key must be caught.
			fallback := mapAt(desired["email-us-west-2-events-topic"], "spec", "forProvider")
			primary := mapAt(desired["email-us-east-1-events-topic"], "spec", "forProvider")
			if fallback == nil || primary == nil {
				t.Fatal("the seed renders no e-mail events topic in us-east-1 and us-west-2")
			}
			if k, _ := fallback["kmsMasterKeyId"].(string); !strings.HasPrefix(k, "arn:aws:kms:us-west-2:") {
				t.Errorf("us-west-2 events topic kmsMasterKeyId = %q, want a us-west-2 key", k)
			}
			fallback["kmsMasterKeyId"] = primary["kmsMasterKeyId"]
			if _, v := crossRegionKeys(desired); len(v) == 0 {
				t.Error("a us-west-2 topic encrypted with the us-east-1 key was not caught")
			}
		})
	}
}
