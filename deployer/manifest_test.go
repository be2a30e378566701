package deployer

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/testcluster"
)

// objectKinds lists "Kind/name" of the documents of ms that hold objects,
// parsed the way Kube.Build parses them.
func objectKinds(t *testing.T, ms []Manifest) []string {
	t.Helper()
	var out []string
	for _, m := range ms {
		if !hasObject(m) {
			continue
		}
		h := chartfmt.SimpleHead{}
		if err := yaml.Unmarshal([]byte(m.Content), &h); err != nil {
			t.Fatalf("%s: %v", m.Source, err)
		}
		if h.Kind == "" || h.Metadata == nil {
			t.Fatalf("%s: document without kind or name kept as an object: %q", m.Source, m.Content)
		}
		out = append(out, h.Kind+"/"+h.Metadata.Name)
	}
	return out
}

// Comment-only documents (kube-prometheus-stack's CRD files start with
// "# https://…" then "---"; templates with "# comment\n---\n<object>")
// are kept in the release manifest, as Helm stores them, but are not
// objects to build.
func TestCommentOnlyDocumentsSplitIntoRealObjects(t *testing.T) {
	ch, err := chartfmt.LoadDir(filepath.Join("testdata", "commented"))
	if err != nil {
		t.Fatal(err)
	}
	src := ChartSource(ch, "v1.37.2", nil)
	r, err := src.Render(context.Background(), RenderRequest{Target: Target{Name: "rel", Namespace: "ns"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := objectKinds(t, r.Manifests), []string{"ConfigMap/rel-commented"}; !slices.Equal(got, want) {
		t.Errorf("rendered objects = %q, want %q", got, want)
	}
	if len(r.Manifests) != 4 {
		t.Errorf("rendered documents = %d, want 4 (three comment-only ones are part of the release manifest): %q", len(r.Manifests), r.Manifests)
	}
	// The stored manifest splits back into the same documents.
	stored := splitManifests(joinManifests(r.Manifests))
	if !slices.Equal(stored, r.Manifests) {
		t.Errorf("stored manifest splits into %q, want %q", stored, r.Manifests)
	}
	var crdDocs []Manifest
	for _, f := range r.CRDs {
		crdDocs = append(crdDocs, splitManifests(f.Content)...)
	}
	if got, want := objectKinds(t, crdDocs), []string{"CustomResourceDefinition/gadgets.test.berth.dev"}; !slices.Equal(got, want) {
		t.Errorf("CRD objects = %q, want %q", got, want)
	}
}

// A chart with comment-only documents installs on a real control plane
// (it failed with "Object 'Kind' is missing in 'null'").
func TestCommentOnlyDocumentsInstall(t *testing.T) {
	env := testcluster.NewEnv(t)
	d := newDeployer(t, env)
	res, err := d.Install(context.Background(), InstallOptions{
		Target: Target{Name: "cmt", Namespace: env.Namespace}, Source: source(t, d, "commented"),
		Options: Options{Record: RecordOptions{MaxHistory: 10}},
	})
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	if res.Release.Info.Status != StatusDeployed {
		t.Fatalf("status %s", res.Release.Info.Status)
	}
	if _, err := env.Cluster.Clientset().CoreV1().ConfigMaps(env.Namespace).Get(context.Background(), "cmt-commented", metav1.GetOptions{}); err != nil {
		t.Fatalf("ConfigMap not created: %v", err)
	}
	// helm reads the release berth wrote: the manifest keeps the comments.
	out := mustHelm(t, env, "get", "manifest", "cmt")
	for _, want := range []string{"# comment before the object", "# trailing comment", "# only a comment in this file"} {
		if !contains(out, want) {
			t.Errorf("helm get manifest lacks %q:\n%s", want, out)
		}
	}
}
