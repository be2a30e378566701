package oci

import (
	"context"
	"encoding/json"
	"fmt"

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
}

func (c *Client) pullDigest(ctx context.Context, repo *remote.Repository, res resolved) (*PullResult, error) {
	toCache := map[digest.Digest][]byte{}
	cached := true
	fetchM := func(d digest.Digest) ([]byte, string, error) {
		if !c.cache.Has(d) {
			cached = false
		}
		b, mt, err := c.fetchManifest(ctx, repo, d)
		if err == nil {
			toCache[d] = b
		}
		return b, mt, err
	}
	mb, mt, err := fetchM(res.digest)
	if err != nil {
		return nil, err
	}
	if mt == ocispec.MediaTypeImageIndex {
		d, err := c.chartInIndex(mb, fetchM)
		if err != nil {
			return nil, err
		}
		if mb, _, err = fetchM(d); err != nil {
			return nil, err
		}
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	out := &PullResult{Ref: res.ref.WithDigest(res.digest.String()), Digest: res.digest.String()}
	chartDesc, provDesc, warn, err := chartLayers(m)
	if err != nil {
		return nil, err
	}
	out.Warnings = warn
	for _, d := range append([]ocispec.Descriptor{m.Config, chartDesc}, provDesc...) {
		if !c.cache.Has(d.Digest) {
			cached = false
		}
		b, err := c.fetchBlob(ctx, repo, d)
		if err != nil {
			return nil, err
		}
		toCache[d.Digest] = b
		switch d.Digest {
		case m.Config.Digest:
			out.Metadata = new(chartfmt.Metadata)
			if err := json.Unmarshal(b, out.Metadata); err != nil {
				return nil, fmt.Errorf("chart config %s: %w", d.Digest, err)
			}
		case chartDesc.Digest:
			out.Chart = b
		default:
			out.Prov = b
		}
	}
	// Everything verified: only now does it enter the cache.
	for d, b := range toCache {
		if err := c.cache.Put(d, b); err != nil {
			return nil, err
		}
	}
	out.Cached = cached
	return out, nil
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
