package oci

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// DefaultParallel is how many charts PushAll and PullAll move at once.
const DefaultParallel = 8

// PushAll pushes several chart archives to dest concurrently through one
// client, so connections and tokens are shared and blobs the registry has are
// skipped. Results are in the order of tgzs.
func (c *Client) PushAll(ctx context.Context, tgzs [][]byte, dest string, opts PushOptions, parallel int) ([]*PushResult, error) {
	out := make([]*PushResult, len(tgzs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit(parallel))
	for i, tgz := range tgzs {
		g.Go(func() error {
			res, err := c.Push(ctx, tgz, dest, PushOptions{Created: opts.Created, Force: opts.Force, Sign: opts.Sign})
			if err != nil {
				return fmt.Errorf("chart %d of %d: %w", i+1, len(tgzs), err)
			}
			out[i] = res
			return nil
		})
	}
	return out, g.Wait()
}

// PullAll pulls several references concurrently; results are in order.
func (c *Client) PullAll(ctx context.Context, refs []string, opts PullOptions, parallel int) ([]*PullResult, error) {
	out := make([]*PullResult, len(refs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit(parallel))
	for i, ref := range refs {
		g.Go(func() error {
			res, err := c.Pull(ctx, ref, opts)
			out[i] = res
			return err
		})
	}
	return out, g.Wait()
}

func limit(parallel int) int {
	if parallel <= 0 {
		return DefaultParallel
	}
	return parallel
}
