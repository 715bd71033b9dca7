package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/compose"
)

// sentinels are secret values as Crossplane hands them to the function: connection details of composed
// resources (ClusterAuth's kubeconfig, the cache's AUTH token, the database's connection secret). The
// function must never copy any of them into its response or its log.
var sentinels = map[string]map[string]string{
	compose.ClusterAuth:           {"kubeconfig": "apiVersion: v1\nusers:\n- user:\n    token: SENTINEL-KUBECONFIG-TOKEN-0001"},
	compose.CacheReplicationGroup: {"auth_token": "SENTINEL-REDIS-AUTH-0002"},
	compose.Database:              {"password": "SENTINEL-DB-PASSWORD-0003", "username": "dbadmin"},
	"apps-secret-redis-version":   {"secret_string": "SENTINEL-REDIS-COPY-0004"},
}

// TestNoSecretValueLeaves runs the function on the seed with every resource observed Ready and secret
// connection details attached, at full debug logging, and looks for the secret values in the whole
// response (desired resources, XR status, results, conditions) and the log.
func TestNoSecretValueLeaves(t *testing.T) {
	xr := readXR(t, "seed-production")
	observed, _ := walk(t, xr, func(string) bool { return true })
	req := &fnv1.RunFunctionRequest{
		Observed: &fnv1.State{
			Composite: &fnv1.Resource{Resource: mustStruct(t, xr)},
			Resources: map[string]*fnv1.Resource{},
		},
	}
	for name, o := range observed {
		r := &fnv1.Resource{Resource: mustStruct(t, o)}
		if cd, ok := sentinels[name]; ok {
			r.ConnectionDetails = map[string][]byte{}
			for k, v := range cd {
				r.ConnectionDetails[k] = []byte(v)
			}
		}
		req.Observed.Resources[name] = r
	}
	for name := range sentinels {
		if _, ok := observed[name]; !ok {
			t.Fatalf("%s is not observed in the seed's ready stage: the test would check nothing", name)
		}
	}

	var logs bytes.Buffer
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(&logs), zapcore.DebugLevel)
	f := &Function{log: logging.NewLogrLogger(zapr.NewLogger(zap.New(core)))}
	rsp, err := f.RunFunction(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	out, err := protojson.Marshal(rsp)
	if err != nil {
		t.Fatal(err)
	}
	for _, cd := range sentinels {
		for k, v := range cd {
			if k == "username" {
				continue
			}
			secret := v[strings.Index(v, "SENTINEL"):]
			if strings.Contains(string(out), secret) {
				t.Errorf("the response carries the secret value %s", secret)
			}
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the log carries the secret value %s", secret)
			}
		}
	}
	if strings.Contains(string(out), "connectionDetails") {
		t.Errorf("the response passes connection details on")
	}
	if logs.Len() == 0 {
		t.Errorf("the debug log is empty: the test would not see a leak there")
	}
}
