package deployer

import (
	"context"
)

// History returns a release's revisions, oldest first.
func (d *Deployer) History(ctx context.Context, t Target) ([]*Release, error) {
	return d.Store.History(ctx, t.Namespace, t.Name)
}

// Get returns one revision; revision 0 means the newest.
func (d *Deployer) Get(ctx context.Context, t Target, revision int) (*Release, error) {
	if revision > 0 {
		return d.Store.Get(ctx, t.Namespace, t.Name, revision)
	}
	return newestRevision(ctx, d.Store, t)
}

// Status is Get: the newest revision (or the given one) with its state.
func (d *Deployer) Status(ctx context.Context, t Target, revision int) (*Release, error) {
	return d.Get(ctx, t, revision)
}

// List returns the newest revision of each matching release.
func (d *Deployer) List(ctx context.Context, opts ListOptions) ([]*Release, error) {
	return d.Store.List(ctx, opts)
}

// ListHeads lists matching releases from labels only (no payload decoded).
func (d *Deployer) ListHeads(ctx context.Context, opts ListOptions) ([]Head, error) {
	return d.Store.ListHeads(ctx, opts)
}
