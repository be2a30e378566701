package deployer

import "context"

// pruneHistory deletes the oldest revisions so that, with the one about to
// be created, at most max remain; the newest deployed revision is never
// deleted. Deletion is best effort, like Helm's.
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
