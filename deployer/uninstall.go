package deployer

import (
	"context"
	"fmt"
)

// UninstallOptions configure Uninstall. Any dry run deletes and records
// nothing. Wait waits until the objects are gone; Record.Description
// describes the revision kept with KeepHistory.
type UninstallOptions struct {
	Target
	// KeepHistory keeps the revisions, the last one marked uninstalled.
	KeepHistory bool
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

// planUninstall plans the deletion of the newest revision's objects.
func (d *Deployer) planUninstall(ctx context.Context, opts UninstallOptions) (*plan, error) {
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	rel := history[len(history)-1]
	p := &plan{verb: "uninstall", rel: rel, history: history, remove: true, wait: opts.Wait,
		record: recordPolicy{done: describe(opts.Record, "Uninstallation complete"), keepHistory: opts.KeepHistory}}
	if rel.Info.Status == StatusUninstalled {
		if opts.KeepHistory {
			return nil, fmt.Errorf("the release named %q is already deleted", opts.Name)
		}
		return p, nil // the objects are gone already: only the history goes
	}
	p.original = d.buildStored(rel)
	p.pre, p.post = hookEvents(opts.NoHooks, PreDelete, PostDelete)
	return p, nil
}
