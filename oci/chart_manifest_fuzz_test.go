package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
)

// FuzzChartManifest feeds what a registry sends before berth trusts it (a
// manifest or index, a config blob, a chart layer) to the parsers pull runs,
// and checks that what they accept is within the limits they promise.
func FuzzChartManifest(f *testing.F) {
	ch, err := chartfmt.LoadFiles([]*chartfmt.File{{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: hello\nversion: 0.1.0\n")}})
	if err != nil {
		f.Fatal(err)
	}
	tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
	if err != nil {
		f.Fatal(err)
	}
	art, err := BuildArtifact(tgz, ch.Metadata, []byte("prov"), time.Unix(1700000000, 0))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(art.Manifest, art.Config, tgz)
	f.Add([]byte(`{"schemaVersion":2,"config":{"mediaType":"`+ConfigMediaType+`","size":-1},"layers":[{"mediaType":"`+ChartLayerMediaType+`","size":10737418240}]}`), []byte(`{"name":".."}`), []byte{})
	f.Add([]byte(`{"manifests":[{"mediaType":"`+ocispec.MediaTypeImageManifest+`","digest":"sha256:0"},{"artifactType":"`+ConfigMediaType+`"}]}`), []byte(`null`), tgz)
	f.Add([]byte(`{"layers":[null,{"mediaType":"`+LegacyChartLayerMediaType+`"}],"config":{"mediaType":"`+ConfigMediaType+`"}}`), []byte(`{"name":"other","version":"0.1.0"}`), tgz)
	f.Fuzz(func(t *testing.T, manifest, config, layer []byte) {
		if mediaTypeOf(manifest) == ocispec.MediaTypeImageIndex {
			fetch := func(digest.Digest) ([]byte, string, error) { return manifest, ocispec.MediaTypeImageManifest, nil }
			_, _ = (&Client{}).chartInIndex(manifest, fetch)
			fetchErr := func(digest.Digest) ([]byte, string, error) { return nil, "", errors.New("offline") }
			_, _ = (&Client{}).chartInIndex(manifest, fetchErr)
		}
		var m ocispec.Manifest
		if json.Unmarshal(manifest, &m) != nil {
			return
		}
		chart, prov, _, err := chartManifestLayers(m)
		if err == nil {
			if chart.MediaType != ChartLayerMediaType && chart.MediaType != LegacyChartLayerMediaType {
				t.Fatalf("accepted chart layer of type %q", chart.MediaType)
			}
			if chart.Size < 0 || chart.Size > chartfmt.MaxChartSize || m.Config.Size < 0 || m.Config.Size > chartfmt.MaxFileSize || len(prov) > 1 {
				t.Fatalf("accepted sizes beyond the limits: chart %d, config %d, %d provenance layers", chart.Size, m.Config.Size, len(prov))
			}
		}
		md, err := parseChartConfig(config)
		if err != nil {
			return
		}
		if err := checkConfigMatchesChart(md, layer); err == nil {
			if checkChartName(md.Name) != nil || (&PullResult{Metadata: md}).FileName() != md.Name+"-"+md.Version+".tgz" {
				t.Fatalf("accepted chart name %q", md.Name)
			}
			if _, err := chartfmt.ArchiveMetadata(bytes.NewReader(layer)); err != nil {
				t.Fatalf("accepted a layer that is not a chart: %v", err)
			}
		}
	})
}
