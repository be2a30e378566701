package deployer

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UninstallOptions configure Uninstall. Any dry run deletes and records
// nothing. Wait waits until the objects are gone; Record.Description
// describes the revision kept with KeepHistory.
type UninstallOptions struct {
	Target
	// KeepHistory keeps the revisions, the last one marked uninstalled.
	KeepHistory bool
	// Force uninstalls even while another operation holds the release
	// (its newest revision is pending-*); that operation then stops.
	Force bool
	// Cascade is the deletion propagation of every delete (see
	// ParseCascade); empty means background.
	Cascade metav1.DeletionPropagation
	Options
}

// Uninstall deletes a release's objects (in reverse install order, keeping
// those marked helm.sh/resource-policy: keep) and its history. It takes the
// same lock as every other operation (see lock in execute.go).
func (d *Deployer) Uninstall(ctx context.Context, opts UninstallOptions) (*Result, error) {
	p, err := d.planUninstall(ctx, opts)
	if err != nil {
		return nil, err
	}
	return d.run(ctx, p, opts.DryRun)
}

// planUninstall plans the deletion of the newest revision's objects, and
// of the objects only earlier revisions had (an upgrade that died halfway,
// or one still running when Force is given, left them), so that nothing
// is orphaned.
func (d *Deployer) planUninstall(ctx context.Context, opts UninstallOptions) (*plan, error) {
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	rel := history[len(history)-1]
	if rel.Info.Status.IsPending() && !opts.Force {
		return nil, busyError(rel)
	}
	p := &plan{verb: "uninstall", rel: rel, history: history, remove: true, wait: opts.Wait, cascade: opts.Cascade,
		record: recordPolicy{done: describe(opts.Record, "Uninstallation complete"), keepHistory: opts.KeepHistory}}
	if rel.Info.Status == StatusUninstalled {
		if opts.KeepHistory {
			return nil, fmt.Errorf("the release named %q is already deleted", opts.Name)
		}
		return p, nil // the objects are gone already: only the history goes
	}
	p.original = d.buildStored(rel)
	p.leftovers = d.leftovers(history, p.original)
	p.pre, p.post = hookEvents(opts.NoHooks, PreDelete, PostDelete)
	return p, nil
}

// leftovers are the objects earlier revisions recorded that newest does
// not have, each once (the newest copy wins), back to the last uninstall.
// Delete removes them only while they still name this release as owner:
// since that revision, they may have been deleted and made again by
// someone else.
func (d *Deployer) leftovers(history []*Release, newest []*Object) []*Object {
	seen := map[string]bool{}
	for _, o := range newest {
		seen[o.Key()] = true
	}
	var out []*Object
	for i := len(history) - 2; i >= 0; i-- {
		if history[i].Info != nil && history[i].Info.Status == StatusUninstalled {
			break // that uninstall deleted what came before
		}
		for _, o := range d.buildStored(history[i]) {
			if !seen[o.Key()] {
				seen[o.Key()] = true
				out = append(out, o)
			}
		}
	}
	return out
}

// busyError refuses to uninstall a release another operation holds.
func busyError(rel *Release) error {
	when := ""
	if left := time.Until(rel.Deadline); left > 0 {
		when = fmt.Sprintf(" (its timeout ends at %s, in %s)", rel.Deadline.Local().Format(time.RFC3339), left.Round(time.Second))
	}
	return fmt.Errorf("release %q is busy: revision %d is %s, started %s%s; wait for that operation to finish, run `berth recover %s -n %s` if its process died, or pass --force to uninstall now (the operation then stops): %w",
		rel.Name, rel.Version, rel.Info.Status, lastActivity(rel).Format(time.RFC3339), when, rel.Name, rel.Namespace, ErrPending)
}
