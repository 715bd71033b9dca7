package observe

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// The reads and writes of an observed object and the made-up identifiers every hook shares.

// atProvider returns the object's status.atProvider, made where there is none.
func atProvider(obj map[string]any) map[string]any {
	st, _ := obj["status"].(map[string]any)
	at, _ := st["atProvider"].(map[string]any)
	if at == nil {
		at = map[string]any{}
		Set(obj, at, "status", "atProvider")
	}
	return at
}

// forProviderMap returns the object's spec.forProvider to read, an empty map where there is none.
func forProviderMap(obj map[string]any) map[string]any {
	spec, _ := obj["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	if fp == nil {
		return map[string]any{}
	}
	return fp
}

func forProviderValue(obj map[string]any, field string) any { return forProviderMap(obj)[field] }

// forProvider returns a string field of spec.forProvider, or fallback where it is empty.
func forProvider(obj map[string]any, field, fallback string) string {
	if s, ok := forProviderValue(obj, field).(string); ok && s != "" {
		return s
	}
	return fallback
}

// objectRegion is the object's own forProvider.region, else the environment's.
func objectRegion(obj map[string]any, f Facts) string {
	return forProvider(obj, "region", f.Region)
}

// isReady reports whether the object's Ready condition is True (the stage it is observed at).
func isReady(obj map[string]any) bool {
	st, _ := obj["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Ready" {
			return m["status"] == "True"
		}
	}
	return false
}

func setExternalName(obj map[string]any, name string) {
	Set(obj, name, "metadata", "annotations", "crossplane.io/external-name")
}

// hashHex is the hex SHA-256 of the parts joined by "/": the seed of every made-up identifier, so that
// they are stable from run to run.
func hashHex(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(sum[:])
}

// hexOf returns n hex digits made up from s.
func hexOf(s string, n int) string { return hashHex(s)[:n] }

// digitsOf returns n decimal digits made up from s.
func digitsOf(s string, n int) string {
	b := []byte(hexOf("digits/"+s, n))
	for i, c := range b {
		b[i] = '0' + c%10
	}
	return string(b)
}

// uuidOf returns a UUID-shaped identifier made up from the parts.
func uuidOf(parts ...string) string {
	h := hashHex(parts...)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func itoa(i int) string { return strconv.Itoa(i) }
