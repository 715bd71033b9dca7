package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/cloudpartner/platform-environment/functions/platform-environment/plan"
)

// apiServer serves the seed's ready stage as an API server would: the live XR (with spec.crossplane.resourceRefs to
// every composed resource), discovery per group/version, and a GET per object. It records every request.
type apiServer struct {
	mu       sync.Mutex
	requests []string // "METHOD path"
	objects  map[string]map[string]any
	groups   map[string]map[string]bool // group/version → kinds
}

func plural(kind string) string { return strings.ToLower(kind) + "s" }

func newAPIServer(t *testing.T) (*apiServer, *httptest.Server) {
	t.Helper()
	xr, objs := seedLive(t)
	s := &apiServer{objects: map[string]map[string]any{}, groups: map[string]map[string]bool{}}
	add := func(o map[string]any) {
		av, kind := o["apiVersion"].(string), o["kind"].(string)
		md := o["metadata"].(map[string]any)
		s.objects[fmt.Sprintf("/apis/%s/namespaces/%s/%s/%s", av, md["namespace"], plural(kind), md["name"])] = o
		if s.groups[av] == nil {
			s.groups[av] = map[string]bool{}
		}
		s.groups[av][kind] = true
	}
	refs := []any{}
	for _, o := range objs {
		add(o)
		refs = append(refs, map[string]any{"apiVersion": o["apiVersion"], "kind": o["kind"], "name": o["metadata"].(map[string]any)["name"]})
	}
	xr["spec"].(map[string]any)["crossplane"] = map[string]any{"resourceRefs": refs}
	add(xr)
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *apiServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if o, ok := s.objects[r.URL.Path]; ok {
		_ = json.NewEncoder(w).Encode(o)
		return
	}
	gv := strings.TrimPrefix(r.URL.Path, "/apis/")
	if kinds, ok := s.groups[gv]; ok {
		list := metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv}
		for k := range kinds {
			list.APIResources = append(list.APIResources, metav1.APIResource{Name: plural(k), Kind: k, Namespaced: true, Verbs: []string{"get", "list"}})
		}
		_ = json.NewEncoder(w).Encode(list)
		return
	}
	w.WriteHeader(http.StatusNotFound)
	_, _ = fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"%s not found"}`, r.URL.Path)
}

func kubeconfig(t *testing.T, server string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: %q}}]
users: [{name: reader, user: {token: read-only}}]
contexts: [{name: reader, context: {cluster: test, user: reader, namespace: elsewhere}}]
current-context: reader
`, server)
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestKubeconfig: the live state read from a cluster plans as the same state read from files, with GETs only: one
// for the XR, one discovery per group/version, one per composed resource named in spec.crossplane.resourceRefs.
func TestKubeconfig(t *testing.T) {
	s, srv := newAPIServer(t)
	kc := kubeconfig(t, srv.URL)
	newXR := edited(t, "maxSize: 10", "maxSize: 12")
	fromCluster, code := runJSON(t, "plan", "--new", newXR, "--kubeconfig", kc)
	fromFiles, _ := runJSON(t, "plan", "--new", newXR, "--old", seed, "--observed", seedReady)
	if code != exitChanges || fromCluster.Summary != fromFiles.Summary || len(fromCluster.Resources) != len(fromFiles.Resources) {
		t.Errorf("exit %d; cluster %+v, files %+v", code, fromCluster.Summary, fromFiles.Summary)
	}
	want := 1 + len(s.groups) - 1 + len(s.objects) - 1 // the XR's own group/version is not discovered
	if len(s.requests) != want {
		t.Errorf("%d requests, want %d (1 XR, %d discoveries, %d objects)", len(s.requests), want, len(s.groups)-1, len(s.objects)-1)
	}
	for _, r := range s.requests {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("a request that is not a GET: %s", r)
		}
	}

	// --destroy reads the XR named by --xr and -n; a wrong name is a one-line error naming it.
	p, code := runJSON(t, "plan", "--destroy", "--kubeconfig", kc, "--xr", "prod", "-n", "cloud-consulting")
	if code != exitHuman || !p.Destroy || p.Summary.Orphan == 0 {
		t.Errorf("destroy from the cluster: exit %d, %+v", code, p.Summary)
	}
	// A --new the cluster does not have is a new environment: everything is created.
	renamed := edited(t, "  name: prod\n", "  name: prod2\n")
	if p, code := runJSON(t, "plan", "--new", renamed, "--kubeconfig", kc); code != exitChanges || p.Summary.Create == 0 || p.Summary.Update+p.Summary.Delete != 0 {
		t.Errorf("new environment from the cluster: exit %d, %+v", code, p.Summary)
	}
	var out, errb strings.Builder
	if code := run([]string{"plan", "--destroy", "--kubeconfig", kc, "--xr", "nope", "-n", "cloud-consulting"}, &out, &errb); code != exitError ||
		!strings.Contains(errb.String(), "PlatformEnvironment cloud-consulting/nope: not found in the cluster") {
		t.Errorf("exit %d: %q", code, errb.String())
	}
}

// TestReadOnlyTransport: a write through the plan's client is refused before it reaches the server.
func TestReadOnlyTransport(t *testing.T) {
	s, srv := newAPIServer(t)
	dyn, err := dynamic.NewForConfig(plan.ReadOnly(&rest.Config{Host: srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: "platform.cloudpartner.pro", Version: "v1alpha1", Resource: "platformenvironments"}
	ri := dyn.Resource(gvr).Namespace("cloud-consulting")
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "platform.cloudpartner.pro/v1alpha1", "kind": "PlatformEnvironment", "metadata": map[string]any{"name": "x"}}}
	ctx := context.Background()
	for verb, call := range map[string]func() error{
		"POST": func() error { _, err := ri.Create(ctx, u, metav1.CreateOptions{}); return err },
		"PUT":  func() error { _, err := ri.Update(ctx, u, metav1.UpdateOptions{}); return err },
		"PATCH": func() error {
			_, err := ri.Patch(ctx, "x", "application/merge-patch+json", []byte("{}"), metav1.PatchOptions{})
			return err
		},
		"DELETE": func() error { return ri.Delete(ctx, "x", metav1.DeleteOptions{}) },
	} {
		if err := call(); err == nil || !strings.Contains(err.Error(), "refused "+verb) {
			t.Errorf("%s: want refused, got %v", verb, err)
		}
	}
	if _, err := ri.Get(ctx, "prod", metav1.GetOptions{}); err != nil {
		t.Errorf("GET: %v", err)
	}
	if len(s.requests) != 1 {
		t.Errorf("the server saw %v, want the GET only", s.requests)
	}
}
