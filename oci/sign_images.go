package oci

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/signature"
)

// VerifyImages renders ch with vals (as bundle save does: the manifests'
// and non-test hooks' pod templates) and checks that every image carries a
// valid signature by one of the keys; an image named by tag is resolved to
// its digest first. The error names the first image that failed.
func (c *Client) VerifyImages(ctx context.Context, ch *chartfmt.Chart, vals map[string]any, kubeVersion string, opts VerifyOptions) ([]*Verified, error) {
	keys, err := signature.ReadPublicKeys(opts.KeyFiles)
	if err != nil {
		return nil, fmt.Errorf("verify images of %s: %w", ch.Name(), err)
	}
	refs, err := ChartImages(ctx, ch, vals, kubeVersion)
	if err != nil {
		return nil, fmt.Errorf("verify images of %s: %w", ch.Name(), err)
	}
	out := make([]*Verified, 0, len(refs))
	for _, ref := range refs {
		v, err := c.verifyImage(ctx, ref, keys)
		if err != nil {
			return nil, fmt.Errorf("image %s of chart %s: %w", ref, ch.Name(), err)
		}
		out = append(out, v)
	}
	return out, nil
}

func (c *Client) verifyImage(ctx context.Context, ref string, keys []*signature.PublicKey) (*Verified, error) {
	parsed, err := name.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	r := Reference{Registry: parsed.Context().RegistryStr(), Repository: parsed.Context().RepositoryStr()}
	repo := c.repository(r)
	switch p := parsed.(type) {
	case name.Digest:
		r.Digest = p.DigestStr()
	case name.Tag:
		desc, err := resolveTag(ctx, repo, r, p.TagStr())
		if err != nil {
			return nil, err
		}
		r.Tag, r.Digest = p.TagStr(), desc.Digest.String()
	}
	return c.verifyDigest(ctx, repo, r, keys)
}
