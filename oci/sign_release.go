package oci

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/berth-dev/berth/oci/signature"
)

// releaseSigner signs what a release or relocation pushed; its zero value
// (no key) signs nothing.
type releaseSigner struct {
	c   *Client
	key *signature.PrivateKey
}

// releaseSigner decrypts the key up front, so a wrong password fails
// before anything is pushed.
func (c *Client) releaseSigner(opts *SignOptions) (releaseSigner, error) {
	if opts == nil {
		return releaseSigner{}, nil
	}
	key, err := opts.load()
	if err != nil {
		return releaseSigner{}, err
	}
	return releaseSigner{c: c, key: key}, nil
}

// images signs every image concurrently; results are in order.
func (s releaseSigner) images(ctx context.Context, imgs []ReleasedImage) ([]*SignResult, error) {
	if s.key == nil {
		return nil, nil
	}
	out := make([]*SignResult, len(imgs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(DefaultParallel)
	for i, img := range imgs {
		g.Go(func() error {
			r, err := parseSubject(img.Ref)
			if err != nil {
				return fmt.Errorf("image %s: %w", img.Name, err)
			}
			if out[i], err = s.c.signRef(gctx, r, s.key); err != nil {
				return fmt.Errorf("image %s: %w", img.Name, err)
			}
			return nil
		})
	}
	return out, g.Wait()
}

// chart signs the pushed chart and appends its signature to res.
func (s releaseSigner) chart(ctx context.Context, res *ReleaseResult) error {
	if s.key == nil {
		return nil
	}
	sig, err := s.c.signRef(ctx, res.Chart.Ref, s.key)
	if err != nil {
		return err
	}
	res.Signatures = append(res.Signatures, sig)
	return nil
}
