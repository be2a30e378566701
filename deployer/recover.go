package deployer

import (
	"context"
	"fmt"
)

// Recover frees a release left pending-* by an operation that died (killed
// process, lost connection): the pending revision is marked failed, so the
// next upgrade or rollback proceeds. It refuses releases that are not
// pending. The update is resourceVersion-checked, so if the operation was
// in fact alive and writes first, Recover fails instead of corrupting it.
func (d *Deployer) Recover(ctx context.Context, t Target) (*Release, error) {
	last, err := d.Store.Last(ctx, t.Namespace, t.Name)
	if err != nil {
		return nil, err
	}
	if !last.Info.Status.IsPending() {
		return nil, fmt.Errorf("release %q is not pending (revision %d is %s): nothing to recover", t.Name, last.Version, last.Info.Status)
	}
	was := last.Info.Status
	last.Info.Status = StatusFailed
	last.Info.Description = fmt.Sprintf("Release recovered from stale %q state by berth recover", was)
	if err := d.Store.Update(ctx, last); err != nil {
		return nil, fmt.Errorf("recover %s: %w", t.Name, err)
	}
	return last, nil
}
