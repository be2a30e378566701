package oci

import (
	"context"
	"encoding/json"
	"fmt"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/chartfmt"
)

// ShowMetadata returns a chart's Chart.yaml from its config blob alone,
// without downloading the chart layer.
func (c *Client) ShowMetadata(ctx context.Context, ref string, opts PullOptions) (*chartfmt.Metadata, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("show: %w", err)
	}
	repo := c.repository(r)
	res, err := c.resolve(ctx, repo, r, opts.Version, opts.Devel)
	if err != nil {
		return nil, fmt.Errorf("show %s: %w", ref, err)
	}
	if err := c.verifyResolved(ctx, repo, res, opts.Verify); err != nil {
		return nil, err
	}
	mb, mt, err := c.fetchManifest(ctx, repo, res.digest)
	if err != nil {
		return nil, fmt.Errorf("show %s: %w", res.ref, err)
	}
	if mt == ocispec.MediaTypeImageIndex {
		// Indexes are rare for charts: take the full pull path.
		p, err := c.pullDigest(ctx, repo, res)
		if err != nil {
			return nil, fmt.Errorf("show %s: %w", res.ref, err)
		}
		return p.Metadata, nil
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, fmt.Errorf("show %s: manifest: %w", res.ref, err)
	}
	if _, _, _, err := chartLayers(m); err != nil {
		return nil, fmt.Errorf("show %s: %w", res.ref, err)
	}
	b, err := c.fetchBlob(ctx, repo, m.Config)
	if err != nil {
		return nil, fmt.Errorf("show %s: %w", res.ref, err)
	}
	_ = c.cache.Put(res.digest, mb)
	_ = c.cache.Put(m.Config.Digest, b)
	meta := new(chartfmt.Metadata)
	if err := json.Unmarshal(b, meta); err != nil {
		return nil, fmt.Errorf("show %s: chart config %s: %w", res.ref, m.Config.Digest, err)
	}
	return meta, nil
}
