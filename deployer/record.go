package deployer

import (
	"context"
	"time"
)

// finish records a revision's final state.
func (d *Deployer) finish(ctx context.Context, rel *Release, status Status, desc string) error {
	rel.Info.Status = status
	rel.Info.Description = desc
	rel.Deadline = time.Time{} // only pending revisions have one
	rel.Info.LastDeployed = Now()
	// The operation's own context may be what failed; the record must land.
	return d.Store.Update(context.WithoutCancel(ctx), rel)
}

// supersede marks every other deployed revision superseded, so that only
// one is ever deployed.
func (d *Deployer) supersede(ctx context.Context, history []*Release, keep int) error {
	for _, r := range history {
		if r.Version == keep || r.Info == nil || r.Info.Status != StatusDeployed {
			continue
		}
		r.Info.Status = StatusSuperseded
		if err := d.Store.Update(context.WithoutCancel(ctx), r); err != nil {
			return err
		}
	}
	return nil
}

// supersedeReplaced marks the uninstalled or failed revision that --replace
// took the name from as superseded, as Helm does.
func (d *Deployer) supersedeReplaced(ctx context.Context, history []*Release) error {
	if len(history) == 0 {
		return nil
	}
	last := history[len(history)-1]
	if last.Info.Status != StatusUninstalled && last.Info.Status != StatusFailed {
		return nil
	}
	last.Info.Status = StatusSuperseded
	return d.Store.Update(context.WithoutCancel(ctx), last)
}

// purge deletes every revision.
func (d *Deployer) purge(ctx context.Context, history []*Release) error {
	for _, r := range history {
		if err := d.Store.Delete(context.WithoutCancel(ctx), r.Namespace, r.Name, r.Version); err != nil {
			return err
		}
	}
	return nil
}

// cleanupCreated deletes what a failed operation created.
func (d *Deployer) cleanupCreated(ctx context.Context, cs *ChangeSet, target []*Object) {
	created := map[string]bool{}
	for _, e := range cs.Entries {
		if e.Action == ActionCreated {
			created[e.Kind+"/"+e.Namespace+"/"+e.Name] = true
		}
	}
	var objs []*Object
	for _, o := range target {
		if created[o.GetKind()+"/"+o.GetNamespace()+"/"+o.GetName()] {
			objs = append(objs, o)
		}
	}
	_, _ = d.Cluster.Delete(context.WithoutCancel(ctx), objs, DeleteOptions{})
}

// pruneHistory deletes the oldest revisions of history so that, with the
// one just created, at most max remain; the newest deployed revision is
// never deleted. It runs only once the lock is held. Deletion is best
// effort, like Helm's.
func (d *Deployer) pruneHistory(ctx context.Context, history []*Release, max int) {
	if max <= 0 || len(history) < max {
		return
	}
	lastDeployed := 0
	for _, r := range history {
		if r.Info != nil && r.Info.Status == StatusDeployed {
			lastDeployed = r.Version
		}
	}
	excess := len(history) - (max - 1)
	for _, r := range history {
		if excess == 0 {
			return
		}
		if r.Version == lastDeployed {
			continue
		}
		if d.Store.Delete(ctx, r.Namespace, r.Name, r.Version) == nil {
			excess--
		}
	}
}
