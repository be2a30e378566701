package deployer

import (
	"context"
	"fmt"
)

// UninstallOptions configure Uninstall.
type UninstallOptions struct {
	Target
	// KeepHistory keeps the revisions, the last one marked uninstalled.
	KeepHistory bool
	DryRun      bool
	NoHooks     bool
	Wait        WaitOptions
	Description string
}

// Uninstall deletes a release's objects (in reverse install order, keeping
// those marked helm.sh/resource-policy: keep) and its history.
func (d *Deployer) Uninstall(ctx context.Context, opts UninstallOptions) (*Result, error) {
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	rel := history[len(history)-1]
	if rel.Info.Status == StatusUninstalled {
		if opts.KeepHistory {
			return nil, fmt.Errorf("the release named %q is already deleted", opts.Name)
		}
		return &Result{Release: rel, Changes: &ChangeSet{}}, d.purge(ctx, history)
	}
	objs := d.buildStored(rel)
	if opts.DryRun {
		return &Result{Release: rel, Changes: &ChangeSet{}}, nil
	}
	ctx, cancel := withTimeout(ctx, opts.Wait.Timeout)
	defer cancel()
	rel.Info.Status = StatusUninstalling
	rel.Info.Deleted = Now()
	rel.Info.Description = "Deletion in progress (or silently failed)"
	if err := d.Store.Update(ctx, rel); err != nil {
		return nil, err
	}
	pre, post := PreDelete, PostDelete
	if opts.NoHooks {
		pre, post = "", ""
	}
	if err := d.runHooks(ctx, rel, pre); err != nil {
		return nil, err
	}
	cs, err := d.Kube.Delete(ctx, objs, DeleteOptions{Release: rel.Name, Namespace: rel.Namespace})
	if err != nil {
		return &Result{Release: rel, Changes: cs}, fmt.Errorf("uninstall %s: %w", rel.Name, err)
	}
	if opts.Wait.Wait {
		if err := d.Kube.WaitDeleted(ctx, objs); err != nil {
			return &Result{Release: rel, Changes: cs}, err
		}
	}
	if err := d.runHooks(ctx, rel, post); err != nil {
		return &Result{Release: rel, Changes: cs}, err
	}
	if !opts.KeepHistory {
		return &Result{Release: rel, Changes: cs}, d.purge(ctx, history)
	}
	if err := d.supersede(ctx, history, rel.Version); err != nil {
		return nil, err
	}
	rel.Info.Status = StatusUninstalled
	rel.Info.Description = describe(RecordOptions{Description: opts.Description}, "Uninstallation complete")
	return &Result{Release: rel, Changes: cs}, d.Store.Update(context.WithoutCancel(ctx), rel)
}

func (d *Deployer) purge(ctx context.Context, history []*Release) error {
	for _, r := range history {
		if err := d.Store.Delete(context.WithoutCancel(ctx), r.Namespace, r.Name, r.Version); err != nil {
			return err
		}
	}
	return nil
}
