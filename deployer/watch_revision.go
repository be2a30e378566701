package deployer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrReleaseGone is why an operation stops when its own revision was
// deleted or taken by an uninstall while it ran: nothing is left to
// record, roll back or wait for.
var ErrReleaseGone = errors.New("the release was uninstalled while this operation ran")

// defaultWatchInterval is how often a running operation re-reads its own
// revision; one small GET per interval.
const defaultWatchInterval = 2 * time.Second

// watchRevision returns a context that is cancelled, with ErrReleaseGone as
// its cause, as soon as rel's revision disappears or is moved to
// uninstalling by another process (`uninstall --force`). stop ends the
// watch; it must be called.
func (d *Deployer) watchRevision(ctx context.Context, rel *Release) (context.Context, func()) {
	every := d.WatchInterval
	if every <= 0 {
		every = defaultWatchInterval
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case <-t.C:
			}
			if gone := d.revisionGone(ctx, rel); gone != nil {
				cancel(gone)
				return
			}
			// Other read errors are transient as far as this watch goes:
			// the operation's own requests will report a dead API server.
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}

// revisionGone reads rel's revision and returns an ErrReleaseGone error
// when it was deleted or moved to uninstalling; nil otherwise, read errors
// included.
func (d *Deployer) revisionGone(ctx context.Context, rel *Release) error {
	now, err := d.Store.Get(ctx, rel.Namespace, rel.Name, rel.Version)
	switch {
	case errors.Is(err, ErrReleaseNotFound):
		return fmt.Errorf("%s revision %d was deleted: %w", rel.Name, rel.Version, ErrReleaseGone)
	case err == nil && now.Info != nil && now.Info.Status == StatusUninstalling:
		return fmt.Errorf("%s revision %d is being uninstalled: %w", rel.Name, rel.Version, ErrReleaseGone)
	}
	return nil
}

// releaseGone reports the ErrReleaseGone cause of a watched context.
func releaseGone(ctx context.Context) error {
	if cause := context.Cause(ctx); errors.Is(cause, ErrReleaseGone) {
		return cause
	}
	return nil
}
