package oci

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
)

// Helm's media types (helm/helm pkg/registry/constants.go).
const (
	ConfigMediaType           = "application/vnd.cncf.helm.config.v1+json"
	ChartLayerMediaType       = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
	ProvLayerMediaType        = "application/vnd.cncf.helm.chart.provenance.v1.prov"
	LegacyChartLayerMediaType = "application/tar+gzip"
)

// OCI annotation keys Helm fills from Chart.yaml.
const (
	annotationCreated     = ocispec.AnnotationCreated
	annotationTitle       = ocispec.AnnotationTitle
	annotationVersion     = ocispec.AnnotationVersion
	annotationDescription = ocispec.AnnotationDescription
	annotationURL         = ocispec.AnnotationURL
	annotationSource      = ocispec.AnnotationSource
	annotationAuthors     = ocispec.AnnotationAuthors
)

// Artifact is a chart as OCI content: the blobs and the manifest that ties
// them, with the bytes exactly as they are pushed.
type Artifact struct {
	Config       []byte
	ConfigDesc   ocispec.Descriptor
	Chart        []byte
	ChartDesc    ocispec.Descriptor
	Prov         []byte // nil without provenance
	ProvDesc     ocispec.Descriptor
	Manifest     []byte
	ManifestDesc ocispec.Descriptor
}

// BuildArtifact lays out chart archive tgz (whose Chart.yaml is meta) the way
// Helm v3.22.0 pushes it: config = JSON of the metadata in Helm's field
// order, layers sorted by digest without annotations, manifest without
// mediaType, annotations from Chart.yaml. created is the
// org.opencontainers.image.created value unless Chart.yaml sets its own.
func BuildArtifact(tgz []byte, meta *chartfmt.Metadata, prov []byte, created time.Time) (*Artifact, error) {
	config, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("chart config: %w", err)
	}
	a := &Artifact{Config: config, Chart: tgz, Prov: prov}
	a.ConfigDesc = descriptor(ConfigMediaType, config)
	a.ChartDesc = descriptor(ChartLayerMediaType, tgz)
	layers := []ocispec.Descriptor{a.ChartDesc}
	if prov != nil {
		a.ProvDesc = descriptor(ProvLayerMediaType, prov)
		layers = append(layers, a.ProvDesc)
	}
	// Helm sorts layers by digest "for determinism, similar to ORAS v1".
	sort.Slice(layers, func(i, j int) bool { return layers[i].Digest < layers[j].Digest })
	m := ocispec.Manifest{
		Versioned:   specs.Versioned{SchemaVersion: 2},
		Config:      a.ConfigDesc,
		Layers:      layers,
		Annotations: Annotations(meta, created),
	}
	if a.Manifest, err = json.Marshal(m); err != nil {
		return nil, fmt.Errorf("chart manifest: %w", err)
	}
	a.ManifestDesc = descriptor(ocispec.MediaTypeImageManifest, a.Manifest)
	return a, nil
}

// Annotations returns the manifest annotations Helm derives from Chart.yaml:
// generated ones for non-blank fields, then every Chart.yaml annotation,
// which overrides all but title and version.
func Annotations(meta *chartfmt.Metadata, created time.Time) map[string]string {
	out := map[string]string{}
	set := func(k, v string) {
		if strings.TrimSpace(v) != "" {
			out[k] = v
		}
	}
	set(annotationDescription, meta.Description)
	set(annotationTitle, meta.Name)
	set(annotationVersion, meta.Version)
	set(annotationURL, meta.Home)
	if len(meta.Sources) > 0 {
		set(annotationSource, meta.Sources[0])
	}
	var authors []string
	for _, m := range meta.Maintainers {
		if m == nil {
			continue
		}
		a := m.Name
		if m.Email != "" {
			a += " (" + m.Email + ")"
		}
		authors = append(authors, a)
	}
	set(annotationAuthors, strings.Join(authors, ", "))
	if !created.IsZero() {
		out[annotationCreated] = created.UTC().Format(time.RFC3339)
	}
	for k, v := range meta.Annotations {
		if k == annotationTitle || k == annotationVersion {
			continue
		}
		out[k] = v
	}
	return out
}

func descriptor(mediaType string, b []byte) ocispec.Descriptor {
	return ocispec.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(b), Size: int64(len(b))}
}
