package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/berth-dev/berth/chartfmt"
)

// PullOptions narrow which version Pull fetches.
type PullOptions struct {
	// Version is an exact version, a semver range, or empty for the newest
	// stable version (or the reference's own tag).
	Version string
	// Devel includes prereleases when Version is empty.
	Devel bool
}

// PullResult is a pulled, verified chart.
type PullResult struct {
	Ref      Reference // with the tag (if known) and the manifest digest
	Digest   string
	Chart    []byte // the chart .tgz
	Prov     []byte // provenance, or nil
	Metadata *chartfmt.Metadata
	// Warnings are notes for the user (a deprecated layer type, for example).
	Warnings []string
	// Cached is true when no blob had to be downloaded.
	Cached bool
}

// FileName is the name Helm gives the pulled archive: name-version.tgz.
func (r *PullResult) FileName() string {
	return r.Metadata.Name + "-" + r.Metadata.Version + ".tgz"
}

// Pull resolves ref (oci://host/ns/name[:tag][@digest]) and fetches the
// chart, verifying every manifest and blob against its digest. Content is
// stored in the cache only after all of it verified; a second pull of the
// same digest downloads no blob.
func (c *Client) Pull(ctx context.Context, ref string, opts PullOptions) (*PullResult, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	return c.pullWithFallback(ctx, r, func(c *Client) (*PullResult, error) {
		repo := c.repository(r)
		res, err := c.resolve(ctx, repo, r, opts.Version, opts.Devel)
		if err != nil {
			return nil, fmt.Errorf("pull %s: %w", ref, err)
		}
		out, err := c.pullDigest(ctx, repo, res)
		if err != nil {
			return nil, fmt.Errorf("pull %s: %w", res.ref, err)
		}
		return out, nil
	})
}

// pullSession collects verified content during one pull, to be cached only
// once all of it verified.
type pullSession struct {
	c       *Client
	repo    *remote.Repository
	fetched map[digest.Digest][]byte
	cached  bool // nothing had to be downloaded
}

func (c *Client) pullDigest(ctx context.Context, repo *remote.Repository, res resolved) (*PullResult, error) {
	s := &pullSession{c: c, repo: repo, fetched: map[digest.Digest][]byte{}, cached: true}
	m, err := s.chartManifest(ctx, res.digest)
	if err != nil {
		return nil, err
	}
	chartDesc, provDesc, warn, err := chartLayers(m)
	if err != nil {
		return nil, err
	}
	if err := checkLayerSizes(m.Config, chartDesc, provDesc); err != nil {
		return nil, err
	}
	out := &PullResult{Ref: res.ref.WithDigest(res.digest.String()), Digest: res.digest.String(), Warnings: warn}
	config, err := s.blob(ctx, m.Config)
	if err != nil {
		return nil, err
	}
	out.Metadata = new(chartfmt.Metadata)
	if err := json.Unmarshal(config, out.Metadata); err != nil {
		return nil, fmt.Errorf("chart config %s: %w", m.Config.Digest, err)
	}
	if out.Chart, err = s.blob(ctx, chartDesc); err != nil {
		return nil, err
	}
	if err := checkConfigMatchesChart(out.Metadata, out.Chart); err != nil {
		return nil, err
	}
	for _, d := range provDesc {
		if out.Prov, err = s.blob(ctx, d); err != nil {
			return nil, err
		}
	}
	// Everything verified: only now does it enter the cache.
	for d, b := range s.fetched {
		if err := c.cache.Put(d, b); err != nil {
			return nil, err
		}
	}
	out.Cached = s.cached
	return out, nil
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

// chartManifest fetches the manifest d, following an image index to the
// chart manifest it holds.
func (s *pullSession) chartManifest(ctx context.Context, d digest.Digest) (ocispec.Manifest, error) {
	var m ocispec.Manifest
	mb, mt, err := s.manifest(ctx, d)
	if err != nil {
		return m, err
	}
	if mt == ocispec.MediaTypeImageIndex {
		inner, err := s.c.chartInIndex(mb, func(d digest.Digest) ([]byte, string, error) { return s.manifest(ctx, d) })
		if err != nil {
			return m, err
		}
		if mb, _, err = s.manifest(ctx, inner); err != nil {
			return m, err
		}
	}
	if err := json.Unmarshal(mb, &m); err != nil {
		return m, fmt.Errorf("manifest: %w", err)
	}
	return m, nil
}

func (s *pullSession) manifest(ctx context.Context, d digest.Digest) ([]byte, string, error) {
	s.cached = s.cached && s.c.cache.Has(d)
	b, mt, err := s.c.fetchManifest(ctx, s.repo, d)
	if err == nil {
		s.fetched[d] = b
	}
	return b, mt, err
}

func (s *pullSession) blob(ctx context.Context, desc ocispec.Descriptor) ([]byte, error) {
	s.cached = s.cached && s.c.cache.Has(desc.Digest)
	b, err := s.c.fetchBlob(ctx, s.repo, desc)
	if err == nil {
		s.fetched[desc.Digest] = b
	}
	return b, err
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

// chartInIndex picks the first manifest of an index that is a Helm chart.
func (c *Client) chartInIndex(b []byte, fetch func(digest.Digest) ([]byte, string, error)) (digest.Digest, error) {
	var idx ocispec.Index
	if err := json.Unmarshal(b, &idx); err != nil {
		return "", fmt.Errorf("index: %w", err)
	}
	for _, d := range idx.Manifests {
		if d.ArtifactType == ConfigMediaType {
			return d.Digest, nil
		}
	}
	for _, d := range idx.Manifests {
		if d.MediaType != ocispec.MediaTypeImageManifest {
			continue
		}
		mb, _, err := fetch(d.Digest)
		if err != nil {
			return "", err
		}
		var m ocispec.Manifest
		if json.Unmarshal(mb, &m) == nil && m.Config.MediaType == ConfigMediaType {
			return d.Digest, nil
		}
	}
	return "", fmt.Errorf("%w in image index (%d manifests)", errNoChart, len(idx.Manifests))
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
