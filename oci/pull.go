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
	// Verify, when set, refuses a chart whose manifest carries no valid
	// signature by one of its keys; checked before the chart is read.
	Verify *VerifyOptions
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
		if err := c.verifyResolved(ctx, repo, res, opts.Verify); err != nil {
			return nil, err
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
	chartDesc, provDesc, warn, err := chartManifestLayers(m)
	if err != nil {
		return nil, err
	}
	out := &PullResult{Ref: res.ref.WithDigest(res.digest.String()), Digest: res.digest.String(), Warnings: warn}
	config, err := s.blob(ctx, m.Config)
	if err != nil {
		return nil, err
	}
	if out.Metadata, err = parseChartConfig(config); err != nil {
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
