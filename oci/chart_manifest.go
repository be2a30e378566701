package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
)

// What berth reads from a registry before trusting it: the chart manifest,
// its config blob and the name inside the chart layer. Every function here is
// pure, so FuzzChartManifest can feed it anything a registry could send.

// chartManifestLayers returns the chart and provenance layers of m, checked
// against the chart limits by their declared sizes before any is fetched.
func chartManifestLayers(m ocispec.Manifest) (chart ocispec.Descriptor, prov []ocispec.Descriptor, warn []string, err error) {
	if chart, prov, warn, err = chartLayers(m); err != nil {
		return chart, nil, nil, err
	}
	if err := checkLayerSizes(m.Config, chart, prov); err != nil {
		return chart, nil, nil, err
	}
	return chart, prov, warn, nil
}

// parseChartConfig reads a chart config blob (Chart.yaml as JSON).
func parseChartConfig(b []byte) (*chartfmt.Metadata, error) {
	md := new(chartfmt.Metadata)
	if err := json.Unmarshal(b, md); err != nil {
		return nil, err
	}
	return md, nil
}

// chartLayers finds the chart layer (current or legacy type) and at most one
// provenance layer; layer order does not matter (HIP-0006).
func chartLayers(m ocispec.Manifest) (chart ocispec.Descriptor, prov []ocispec.Descriptor, warn []string, err error) {
	if m.Config.MediaType != ConfigMediaType {
		return chart, nil, nil, fmt.Errorf("%w: config media type is %q, want %s", errNoChart, m.Config.MediaType, ConfigMediaType)
	}
	var charts []ocispec.Descriptor
	for _, l := range m.Layers {
		switch l.MediaType {
		case ChartLayerMediaType:
			charts = append(charts, l)
		case LegacyChartLayerMediaType:
			charts = append(charts, l)
			warn = append(warn, "chart media type "+LegacyChartLayerMediaType+" is deprecated")
		case ProvLayerMediaType:
			prov = append(prov, l)
		}
	}
	switch {
	case len(charts) != 1:
		return chart, nil, nil, fmt.Errorf("manifest has %d chart layers, want 1", len(charts))
	case len(prov) > 1:
		return chart, nil, nil, fmt.Errorf("manifest has %d provenance layers, want at most 1", len(prov))
	}
	return charts[0], prov, warn, nil
}

// checkLayerSizes refuses, before anything is downloaded, blobs whose
// declared size no chart can have: a chart archive is at most the chart size
// limit (gzip does not grow what it compresses by more than a few bytes),
// its config and provenance at most one file's limit.
func checkLayerSizes(config, chart ocispec.Descriptor, prov []ocispec.Descriptor) error {
	check := func(what string, d ocispec.Descriptor, limit int64) error {
		if d.Size < 0 || d.Size > limit {
			return fmt.Errorf("%s %s declares %d bytes, larger than the chart size limit (%d bytes)", what, d.Digest, d.Size, limit)
		}
		return nil
	}
	errs := []error{check("chart config", config, chartfmt.MaxFileSize), check("chart layer", chart, chartfmt.MaxChartSize)}
	for _, d := range prov {
		errs = append(errs, check("provenance layer", d, chartfmt.MaxFileSize))
	}
	return errors.Join(errs...)
}

// checkConfigMatchesChart refuses a config blob whose name or version is not
// the chart's own: the name becomes a file and folder name (as in Helm, it is
// the one in the chart's Chart.yaml that counts), so it must also be usable as
// one.
func checkConfigMatchesChart(config *chartfmt.Metadata, tgz []byte) error {
	inner, err := chartfmt.ArchiveMetadata(bytes.NewReader(tgz))
	if err != nil {
		return fmt.Errorf("chart layer: %w", err)
	}
	if config.Name != inner.Name || config.Version != inner.Version {
		return fmt.Errorf("chart config names %q version %q, but the chart layer holds %q version %q",
			config.Name, config.Version, inner.Name, inner.Version)
	}
	return checkChartName(inner.Name)
}

// checkChartName refuses a chart name that cannot safely name a file or a
// folder (<name>-<version>.tgz, --untar's <name>/, charts/<name>-<version>.tgz).
func checkChartName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\*?[`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("chart name %q is not usable as a file name", name)
	}
	return nil
}

// mediaTypeOf reads the mediaType of a manifest or index, telling an index
// by its manifests list when the field is absent (as in Helm's manifests).
func mediaTypeOf(b []byte) string {
	var probe struct {
		MediaType string            `json:"mediaType"`
		Manifests []json.RawMessage `json:"manifests"`
	}
	if json.Unmarshal(b, &probe) != nil {
		return ""
	}
	switch {
	case probe.MediaType != "":
		return probe.MediaType
	case probe.Manifests != nil:
		return ocispec.MediaTypeImageIndex
	}
	return ocispec.MediaTypeImageManifest
}
