package deployer

import (
	"context"
	"fmt"
	"time"
)

// RecoverOptions name the release to recover. Force marks the pending
// revision failed even though its operation's timeout has not run out,
// i.e. it may still be running.
type RecoverOptions struct {
	Target
	Force bool
}

// Recover frees a release left pending-* by an operation that died (killed
// process, lost connection): the pending revision is marked failed, so the
// next upgrade or rollback proceeds. It refuses releases that are not
// pending, and, without Force, revisions whose operation may still be
// running (its recorded deadline is in the future). The update is
// resourceVersion-checked, so if the operation was in fact alive and
// writes first, Recover fails instead of corrupting it.
func (d *Deployer) Recover(ctx context.Context, opts RecoverOptions) (*Release, error) {
	last, err := newestRevision(ctx, d.Store, opts.Target)
	if err != nil {
		return nil, err
	}
	if !last.Info.Status.IsPending() {
		return nil, fmt.Errorf("release %q is not pending (revision %d is %s): nothing to recover", opts.Name, last.Version, last.Info.Status)
	}
	if left := time.Until(last.Deadline); left > 0 && !opts.Force {
		return nil, fmt.Errorf("release %q revision %d is %s and its operation may still be running: its timeout ends at %s (in %s); run recover again then, or pass --force if you know the process is gone: %w",
			opts.Name, last.Version, last.Info.Status, last.Deadline.Local().Format(time.RFC3339), left.Round(time.Second), ErrPending)
	}
	markRecovered(last, "by berth recover")
	if err := d.Store.Update(ctx, last); err != nil {
		return nil, fmt.Errorf("recover %s: %w", last.Name, err)
	}
	return last, nil
}

// markRecovered marks a pending revision failed, in memory; the write's
// resourceVersion check makes it lose against a live operation that
// writes first.
func markRecovered(last *Release, how string) {
	was := last.Info.Status
	last.Info.Status = StatusFailed
	last.Info.Description = fmt.Sprintf("Release recovered from stale %q state %s", was, how)
}

// lastActivity is the newest time recorded in a revision: its start or any
// hook's start or end.
func lastActivity(r *Release) time.Time {
	t := r.Info.LastDeployed.Time
	for _, h := range r.Hooks {
		for _, ht := range []Time{h.LastRun.StartedAt, h.LastRun.CompletedAt} {
			if ht.After(t) {
				t = ht.Time
			}
		}
	}
	return t
}
