package oci

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestProvenanceMatchesHelm pushes a chart with a .prov file with helm and
// checks berth builds the same manifest (prov layer, digest-sorted layers)
// and pulls the provenance back.
func TestProvenanceMatchesHelm(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	ch, err := chartfmt.LoadArchive(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	prov := []byte("-----BEGIN PGP SIGNED MESSAGE-----\nnot a real signature <&>\n")
	path := writeTemp(t, tgz)
	if err := os.WriteFile(path+".prov", prov, 0o644); err != nil {
		t.Fatal(err)
	}
	r := registrytest.Start(t)
	h.run("", "push", path, "oci://"+r.Host+"/helm", "--plain-http")
	c := clientFor(t, r, "", "")
	pulled, err := c.Pull(t.Context(), "oci://"+r.Host+"/helm/podinfo", PullOptions{Version: ch.Metadata.Version})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pulled.Prov, prov) || !bytes.Equal(pulled.Chart, tgz) {
		t.Fatal("pulled provenance or chart differs")
	}
	helmManifest := rawManifest(t, c, pulled.Ref)
	var hm ocispec.Manifest
	if err := json.Unmarshal(helmManifest, &hm); err != nil {
		t.Fatal(err)
	}
	art, err := BuildArtifact(tgz, ch.Metadata, prov, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	art = withCreatedString(t, art, ch.Metadata, hm.Annotations[ocispec.AnnotationCreated])
	if !bytes.Equal(art.Manifest, helmManifest) {
		t.Fatalf("manifest with provenance differs:\nberth: %s\nhelm:  %s", art.Manifest, helmManifest)
	}
}

// TestLegacyLayerAndIndex pulls a chart stored with the deprecated layer type
// and one wrapped in an image index next to an image manifest.
func TestLegacyLayerAndIndex(t *testing.T) {
	h := newOracle(t)
	tgz := h.packageChart("podinfo")
	ch, _ := chartfmt.LoadArchive(bytes.NewReader(tgz))
	r := registrytest.Start(t, registrytest.InMemory())
	c := clientFor(t, r, "", "")
	ctx := t.Context()
	ref, _ := ParseReference("oci://" + r.Host + "/legacy/podinfo:" + ch.Metadata.Version)

	art, err := BuildArtifact(tgz, ch.Metadata, nil, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	legacy := rebuildManifest(t, art, func(m *ocispec.Manifest) { m.Layers[0].MediaType = LegacyChartLayerMediaType })
	if _, err := c.PushArtifact(ctx, ref, legacy); err != nil {
		t.Fatal(err)
	}
	got, err := c.Pull(ctx, ref.String(), PullOptions{})
	if err != nil || !bytes.Equal(got.Chart, tgz) || len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "deprecated") {
		t.Fatalf("legacy pull: err=%v warnings=%v", err, got)
	}
	// helm accepts it too.
	dest := t.TempDir()
	h.run("", "pull", "oci://"+r.Host+"/legacy/podinfo", "--version", ch.Metadata.Version, "-d", dest, "--plain-http")
	if b, _ := os.ReadFile(filepath.Join(dest, "podinfo-"+ch.Metadata.Version+".tgz")); !bytes.Equal(b, tgz) {
		t.Fatal("helm pulled different bytes of the legacy artifact")
	}

	// An index holding an image manifest and the chart.
	idxRef := ref
	idxRef.Repository = "indexed/podinfo"
	repo := c.repository(idxRef)
	chartRes, err := c.PushArtifact(ctx, idxRef.WithTag("chart-only"), art)
	if err != nil {
		t.Fatal(err)
	}
	imgConfig := []byte(`{"architecture":"amd64","os":"linux"}`)
	imgArt := rebuildManifest(t, &Artifact{Config: imgConfig, ConfigDesc: descriptor(ocispec.MediaTypeImageConfig, imgConfig),
		Chart: []byte("layer"), ChartDesc: descriptor(ocispec.MediaTypeImageLayerGzip, []byte("layer"))}, nil)
	if _, err := c.PushArtifact(ctx, idxRef.WithTag("image-only"), imgArt); err != nil {
		t.Fatal(err)
	}
	idx, _ := json.Marshal(ocispec.Index{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: ocispec.MediaTypeImageIndex,
		Manifests: []ocispec.Descriptor{imgArt.ManifestDesc, descriptor(ocispec.MediaTypeImageManifest, art.Manifest)}})
	if err := repo.PushReference(ctx, descriptor(ocispec.MediaTypeImageIndex, idx), bytes.NewReader(idx), "bundle"); err != nil {
		t.Fatal(err)
	}
	got, err = c.Pull(ctx, idxRef.WithTag("bundle").String(), PullOptions{})
	if err != nil || !bytes.Equal(got.Chart, tgz) {
		t.Fatalf("pull through index: %v", err)
	}
	if got.Digest == chartRes.Digest {
		t.Fatal("pull through index should report the index digest it resolved")
	}
	// A manifest that is not a chart is refused clearly.
	_, err = c.Pull(ctx, idxRef.WithTag("image-only").String(), PullOptions{})
	if err == nil || !strings.Contains(err.Error(), "no Helm chart manifest") {
		t.Fatalf("image pulled as chart: %v", err)
	}
}

// rebuildManifest re-marshals art's manifest after edit (and without edit
// for an artifact lacking one).
func rebuildManifest(t *testing.T, art *Artifact, edit func(*ocispec.Manifest)) *Artifact {
	t.Helper()
	m := ocispec.Manifest{Versioned: specs.Versioned{SchemaVersion: 2}, Config: art.ConfigDesc, Layers: []ocispec.Descriptor{art.ChartDesc}}
	if edit != nil {
		edit(&m)
	}
	out := *art
	out.ChartDesc = m.Layers[0]
	out.Manifest, _ = json.Marshal(m)
	out.ManifestDesc = descriptor(ocispec.MediaTypeImageManifest, out.Manifest)
	return &out
}
