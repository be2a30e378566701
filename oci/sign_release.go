package oci

import (
	"context"
	"fmt"
	"sync"

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

// startSigner decrypts the key in the background (cosign's scrypt costs
// about a fifth of a second of CPU) while the caller prepares; the
// returned wait gives the signer. Waited for before the first upload, a
// wrong password still pushes nothing.
func (c *Client) startSigner(opts *SignOptions) (wait func() (releaseSigner, error)) {
	type result struct {
		s   releaseSigner
		err error
	}
	done := make(chan result, 1) // buffered: an early return leaves no goroutine behind
	go func() {
		s, err := c.releaseSigner(opts)
		done <- result{s, err}
	}()
	return sync.OnceValues(func() (releaseSigner, error) {
		r := <-done
		return r.s, r.err
	})
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
