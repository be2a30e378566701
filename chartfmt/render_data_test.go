package chartfmt

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// TestRenderedData checks the data the deployer consumes (the byte stream
// is proven against helm elsewhere): install order, hook metadata, notes,
// CRDs of enabled charts only.
func TestRenderedData(t *testing.T) {
	ch, err := LoadDir("testdata/render/umbrella")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Render(context.Background(), ch, map[string]any{"hook": map[string]any{"weight": "-3"}},
		RenderOptions{ReleaseName: "rel", Namespace: "ns", KubeVersion: "1.37.2"})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range r.Manifests {
		kinds = append(kinds, m.Kind)
	}
	// The comment-only first document of multi.yaml has no kind: unknown
	// kinds go last, by name, and "" sorts first among them.
	wantKinds := []string{"ServiceAccount", "Secret", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap",
		"Service", "Deployment", "", "Aardvark", "Widget", "Zebra"}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Fatalf("install order %v\nwant %v", kinds, wantKinds)
	}
	if m := r.Manifests[len(r.Manifests)-2]; m.Source != "umbrella/charts/crdchart/templates/widget.yaml" || m.Name != "rel-widget" || m.APIVersion != "example.com/v1" {
		t.Fatalf("widget manifest: %+v", m)
	}
	hooks := map[string]*Hook{}
	for _, h := range r.Hooks {
		hooks[h.Name] = h
	}
	if len(r.Hooks) != 4 || hooks["unknown-hook"] != nil {
		t.Fatalf("want 4 hooks without the unknown event, got %d", len(r.Hooks))
	}
	job := hooks["pre-install-job"]
	if job == nil || job.Weight != -3 || !reflect.DeepEqual(job.Events, []string{"pre-install", "pre-upgrade"}) ||
		!reflect.DeepEqual(job.DeletePolicies, []string{"before-hook-creation", "hook-succeeded"}) || job.Kind != "Job" {
		t.Fatalf("pre-install job hook: %+v", job)
	}
	if h := hooks["rel-umbrella-test"]; h == nil || !h.IsTest() || h.Source != "umbrella/templates/tests/test-connection.yaml" {
		t.Fatalf("test hook: %+v", h)
	}
	if !strings.HasPrefix(r.Notes, "Thanks for installing umbrella as rel.") || strings.Contains(r.Notes, "Subchart notes") {
		t.Fatalf("notes: %q", r.Notes)
	}
	var crds []string
	for _, c := range r.CRDs {
		crds = append(crds, c.Source)
	}
	if want := []string{"umbrella/crds/root-crd.yaml", "umbrella/charts/crdchart/crds/widgets.yaml"}; !reflect.DeepEqual(crds, want) {
		t.Fatalf("CRDs %v, want %v", crds, want)
	}
}
