package oci

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestHelmInterop proves, against every registry variant, that a chart pushed
// by berth is pulled byte-identical by helm, that a chart pushed by helm is
// pulled and loaded by berth, and that berth's manifest for a .tgz equals
// helm's except for the created annotation.
func TestHelmInterop(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	meta, err := chartfmt.LoadArchive(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	name, version := meta.Metadata.Name, meta.Metadata.Version
	for _, v := range registrytest.Variants() {
		t.Run(v.Name, func(t *testing.T) {
			ctx := t.Context()
			r := registrytest.Start(t, v.Options...)
			h := newOracle(t)
			h.login(r)
			c := clientFor(t, r, r.Username, r.Password)

			// berth push → helm pull: identical bytes.
			res, err := c.Push(ctx, tgz, "oci://"+r.Host+"/berth", PushOptions{})
			if err != nil {
				t.Fatalf("berth push: %v", err)
			}
			dest := t.TempDir()
			h.run("", append([]string{"pull", "oci://" + r.Host + "/berth/" + name, "--version", version, "-d", dest}, transportFlags(r)...)...)
			got, err := os.ReadFile(filepath.Join(dest, name+"-"+version+".tgz"))
			if err != nil || !bytes.Equal(got, tgz) {
				t.Fatalf("helm pulled different bytes (err=%v, %d vs %d bytes)", err, len(got), len(tgz))
			}

			// helm push → berth pull: identical bytes, loadable chart.
			h.run("", append([]string{"push", writeTemp(t, tgz), "oci://" + r.Host + "/helm"}, transportFlags(r)...)...)
			pulled, err := c.Pull(ctx, "oci://"+r.Host+"/helm/"+name, PullOptions{Version: version})
			if err != nil {
				t.Fatalf("berth pull of helm's push: %v", err)
			}
			if !bytes.Equal(pulled.Chart, tgz) || pulled.Metadata.Name != name {
				t.Fatalf("berth pulled different chart bytes or metadata %+v", pulled.Metadata)
			}
			shown, err := c.ShowMetadata(ctx, "oci://"+r.Host+"/helm/"+name, PullOptions{Version: version})
			if err != nil || shown.Name != name || shown.Version != version || shown.Description != meta.Metadata.Description {
				t.Fatalf("show chart of helm's push: %+v %v", shown, err)
			}
			// Rendered by berth from its pull = rendered by helm from the registry.
			ch, err := chartfmt.LoadArchive(bytes.NewReader(pulled.Chart))
			if err != nil {
				t.Fatalf("load pulled chart: %v", err)
			}
			rendered, err := chartfmt.Render(ctx, ch, nil, chartfmt.RenderOptions{ReleaseName: "rel", Namespace: "default", KubeVersion: "v1.30.0"})
			if err != nil {
				t.Fatalf("render pulled chart: %v", err)
			}
			berthOut, err := rendered.TemplateOutput(chartfmt.TemplateOutputOptions{SkipTests: true}) // test hooks use random names
			if err != nil {
				t.Fatal(err)
			}
			helmOut := h.run("", append([]string{"template", "rel", "oci://" + r.Host + "/helm/" + name, "--version", version, "-n", "default", "--kube-version", "v1.30.0", "--skip-tests"}, transportFlags(r)...)...)
			if berthOut != helmOut {
				t.Fatalf("berth's rendering of the pulled chart differs from helm template of the registry ref:\n%s\n---- helm:\n%s", berthOut, helmOut)
			}

			// Manifests: equal bytes once berth uses helm's created value.
			helmManifest := rawManifest(t, c, pulled.Ref)
			var hm ocispec.Manifest
			if err := json.Unmarshal(helmManifest, &hm); err != nil {
				t.Fatal(err)
			}
			created, err := time.Parse(time.RFC3339, hm.Annotations[ocispec.AnnotationCreated])
			if err != nil {
				t.Fatalf("helm's created annotation: %v", err)
			}
			art, err := BuildArtifact(tgz, meta.Metadata, nil, created)
			if err != nil {
				t.Fatal(err)
			}
			art = withCreatedString(t, art, meta.Metadata, hm.Annotations[ocispec.AnnotationCreated])
			if !bytes.Equal(art.Manifest, helmManifest) {
				t.Fatalf("manifest differs from helm's:\nberth: %s\nhelm:  %s", art.Manifest, helmManifest)
			}
			if res.Digest == pulled.Digest {
				t.Log("note: berth and helm produced the same digest (same created)")
			}
		})
	}
}

// withCreatedString rebuilds art with created exactly as helm wrote it
// (helm writes local time with an offset; berth writes UTC).
func withCreatedString(t *testing.T, art *Artifact, meta *chartfmt.Metadata, created string) *Artifact {
	t.Helper()
	var m ocispec.Manifest
	if err := json.Unmarshal(art.Manifest, &m); err != nil {
		t.Fatal(err)
	}
	m.Annotations[ocispec.AnnotationCreated] = created
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := *art
	out.Manifest = b
	return &out
}

func rawManifest(t *testing.T, c *Client, ref Reference) []byte {
	t.Helper()
	b, _, err := c.fetchManifest(t.Context(), c.repository(ref), digest.Digest(ref.Digest))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "chart.tgz")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
