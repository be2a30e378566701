package chartrepo

import (
	"context"
	"fmt"
	"net/url"
	"path"

	"github.com/berth-dev/berth/chartfmt/provenance"
)

// verifyProvenance downloads <chartURL>.prov, as helm does for --verify,
// and checks archive with it against ring. The archive's name in the
// provenance is the last element of the URL's path, the name helm saves
// it under.
func (c *Client) verifyProvenance(ctx context.Context, chartURL string, archive []byte, ring *provenance.Keyring) ([]byte, *provenance.Verification, error) {
	prov, err := c.fetchProvenance(ctx, chartURL)
	if err != nil {
		return nil, nil, err
	}
	name, err := archiveFileName(chartURL)
	if err != nil {
		return nil, nil, err
	}
	v, err := provenance.Verify(ring, archive, name, prov)
	if err != nil {
		return nil, nil, fmt.Errorf("verify %s: %w", redact(chartURL), err)
	}
	return prov, v, nil
}

// fetchProvenance downloads <chartURL>.prov: the suffix is appended to the
// whole URL, query string included, as helm appends it.
func (c *Client) fetchProvenance(ctx context.Context, chartURL string) ([]byte, error) {
	provURL := chartURL + provenance.Ext
	prov, err := c.get(ctx, provURL, provenance.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("failed to fetch provenance %q: %w", redact(provURL), err)
	}
	return prov, nil
}

// archiveFileName is the last element of a chart URL's path.
func archiveFileName(chartURL string) (string, error) {
	u, err := url.Parse(chartURL)
	if err != nil {
		return "", fmt.Errorf("invalid chart URL %q", redact(chartURL))
	}
	name := path.Base(u.Path)
	if name == "" || name == "/" || name == "." {
		return "", fmt.Errorf("chart URL %s names no file to verify", redact(chartURL))
	}
	return name, nil
}
