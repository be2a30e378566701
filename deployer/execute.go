package deployer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Result is a finished operation: the revision it recorded and what it did
// to the cluster.
type Result struct {
	Release *Release
	Changes *ChangeSet
	// Warnings are problems a dry run found that the real operation would
	// fail on.
	Warnings []string
}

// run executes p, or with a dry run only goes as far as writing nothing.
func (d *Deployer) run(ctx context.Context, p *plan, mode DryRun) (*Result, error) {
	if mode != DryRunNone {
		return d.dryRun(ctx, p, mode, nil)
	}
	return d.execute(ctx, p)
}

// execute runs a plan: prepare, lock, prune history, roll out, record. On
// failure it records the failure and applies the failure policy. The
// ChangeSet is returned even on failure.
func (d *Deployer) execute(ctx context.Context, p *plan) (*Result, error) {
	target, err := d.prepare(ctx, p)
	if err != nil {
		return nil, err
	}
	if !p.remove {
		// Recorded with the pending revision so that recover and
		// uninstall can tell when this operation will have given up.
		p.rel.Deadline = time.Now().Add(operationTimeout(p.wait.Timeout))
	}
	if err := d.lock(ctx, p); err != nil {
		return nil, err
	}
	d.pruneHistory(ctx, p.history, p.record.maxHistory)
	watched, stop := ctx, func() {}
	if !p.remove {
		watched, stop = d.watchRevision(ctx, p.rel)
	}
	cs, err := d.rollout(watched, p, target)
	gone := releaseGone(watched)
	stop()
	if gone == nil && err != nil {
		// A write of this operation's (a hook's state) may have lost
		// to the uninstall before the watch saw it.
		gone = d.revisionGone(ctx, p.rel)
	}
	res := &Result{Release: p.rel, Changes: cs}
	if gone != nil {
		// Another process uninstalled the release: there is no revision
		// left to record and nothing to roll back to.
		return res, fmt.Errorf("%s %s stopped: %w", p.verb, p.rel.Name, gone)
	}
	if err != nil {
		return res, d.fail(ctx, p, cs, target, err)
	}
	return res, d.succeed(ctx, p)
}

// prepare does what must precede the target's objects: free a stale
// pending revision, create the namespace, install CRDs; then it builds the
// target and every hook, so that bad manifests fail before the lock.
func (d *Deployer) prepare(ctx context.Context, p *plan) ([]*Object, error) {
	if p.takeOver != nil {
		if err := d.Store.Update(ctx, p.takeOver); err != nil {
			return nil, fmt.Errorf("recover %s: %w", p.takeOver.Name, err)
		}
	}
	if p.remove {
		return nil, nil
	}
	if err := releaseSize(p.rel); err != nil {
		return nil, err
	}
	if p.namespace != "" {
		if err := d.Cluster.CreateNamespace(ctx, p.namespace); err != nil {
			return nil, err
		}
	}
	if len(p.crds) > 0 {
		if _, err := d.Cluster.InstallCRDs(ctx, p.crds); err != nil {
			return nil, err
		}
	}
	target, err := d.Cluster.Build(p.manifests, p.rel.Namespace)
	if err != nil {
		return nil, err
	}
	return target, d.validateHooks(p.rel)
}

// lock makes this operation the only one on the release. A new revision is
// locked by creating it (the create fails when another operation made it
// first); uninstall locks by moving the newest revision to uninstalling, a
// resourceVersion-checked write. Each then checks that the other kind of
// lock was not taken meanwhile and backs off if it was, so an uninstall
// and an upgrade never both proceed.
func (d *Deployer) lock(ctx context.Context, p *plan) error {
	if p.remove {
		return d.lockUninstall(ctx, p)
	}
	if err := d.Store.Create(ctx, p.rel); err != nil {
		return err
	}
	if len(p.history) == 0 {
		return nil
	}
	prev := p.history[len(p.history)-1]
	now, err := d.Store.Get(ctx, prev.Namespace, prev.Name, prev.Version)
	switch {
	case errors.Is(err, ErrReleaseNotFound): // pruned meanwhile
		return nil
	case err == nil && (now.Info == nil || now.Info.Status != StatusUninstalling || prev.Info.Status == StatusUninstalling):
		return nil
	case err == nil:
		err = fmt.Errorf("release %q is being uninstalled: %w", p.rel.Name, ErrLocked)
	}
	// Back off: the revision this operation created was its lock.
	if derr := d.Store.Delete(context.WithoutCancel(ctx), p.rel.Namespace, p.rel.Name, p.rel.Version); derr != nil {
		return errors.Join(err, derr)
	}
	return err
}

func (d *Deployer) lockUninstall(ctx context.Context, p *plan) error {
	rel := p.rel
	was := *rel.Info
	rel.Info.Status = StatusUninstalling
	rel.Info.Deleted = Now()
	rel.Info.Description = "Deletion in progress (or silently failed)"
	if err := d.Store.Update(ctx, rel); err != nil {
		return err
	}
	_, err := d.Store.Get(ctx, rel.Namespace, rel.Name, rel.Version+1)
	if errors.Is(err, ErrReleaseNotFound) {
		return nil
	}
	// Another operation created the next revision: give the release back.
	*rel.Info = was
	if uerr := d.Store.Update(context.WithoutCancel(ctx), rel); uerr != nil {
		return errors.Join(err, uerr)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("uninstall %s: revision %d was created meanwhile: %w", rel.Name, rel.Version+1, ErrLocked)
}

// rollout runs pre hooks, applies (or deletes), waits and runs post hooks,
// all within the operation's timeout.
func (d *Deployer) rollout(ctx context.Context, p *plan, target []*Object) (*ChangeSet, error) {
	ctx, cancel := withTimeout(ctx, p.wait.Timeout)
	defer cancel()
	if err := d.runHooks(ctx, p.rel, p.pre); err != nil {
		return &ChangeSet{}, err
	}
	cs, err := d.change(ctx, p, target)
	if err != nil {
		return cs, err
	}
	if p.wait.Wait {
		if err := d.waitFor(ctx, p, target, cs); err != nil {
			return cs, err
		}
	}
	return cs, d.runHooks(ctx, p.rel, p.post)
}

func (d *Deployer) change(ctx context.Context, p *plan, target []*Object) (*ChangeSet, error) {
	if p.remove {
		opts := DeleteOptions{Release: p.rel.Name, Namespace: p.rel.Namespace, Propagation: p.cascade}
		cs, err := d.Cluster.Delete(ctx, p.original, opts)
		if err == nil && len(p.leftovers) > 0 {
			var more *ChangeSet
			opts.OwnedOnly = true
			more, err = d.Cluster.Delete(ctx, p.leftovers, opts)
			if more != nil {
				cs.Entries = append(cs.Entries, more.Entries...)
			}
		}
		if err != nil {
			return cs, fmt.Errorf("uninstall %s: %w", p.rel.Name, err)
		}
		return cs, nil
	}
	d.emit(p.rel.Name, "apply", "applying %d objects", len(target))
	return d.Cluster.Apply(ctx, p.original, target, p.apply)
}

func (d *Deployer) waitFor(ctx context.Context, p *plan, target []*Object, cs *ChangeSet) error {
	if p.remove {
		return d.Cluster.WaitDeleted(ctx, deleted(append(p.original, p.leftovers...), cs))
	}
	return d.Cluster.Wait(ctx, target, p.wait.WaitForJobs, func(pending []PendingObject) {
		if d.Progress != nil {
			d.Progress(Event{Time: time.Now(), Release: p.rel.Name, Phase: "wait", Pending: pending,
				Message: fmt.Sprintf("%d objects not ready", len(pending))})
		}
	})
}

// succeed records the outcome: only one revision is ever deployed.
func (d *Deployer) succeed(ctx context.Context, p *plan) error {
	if p.remove && !p.record.keepHistory {
		return d.purge(ctx, p.history)
	}
	if p.remove {
		if err := d.supersede(ctx, p.history, p.rel.Version); err != nil {
			return err
		}
		p.rel.Info.Status = StatusUninstalled
		p.rel.Info.Description = p.record.done
		return d.Store.Update(context.WithoutCancel(ctx), p.rel)
	}
	// The new revision is recorded first: if that write loses (recover
	// marked it failed meanwhile), the old one is still deployed.
	if err := d.finish(ctx, p.rel, StatusDeployed, p.record.done); err != nil {
		return err
	}
	if err := d.supersede(ctx, p.history, p.rel.Version); err != nil {
		return err
	}
	if p.record.supersedeReplaced {
		return d.supersedeReplaced(ctx, p.history)
	}
	return nil
}

// fail records the failure, then applies the failure policy. An uninstall
// that fails stays uninstalling: running it again finishes it.
func (d *Deployer) fail(ctx context.Context, p *plan, cs *ChangeSet, target []*Object, cause error) error {
	if p.remove {
		return cause
	}
	// The policy runs even when recording the failure loses a conflict
	// (recover marked the revision failed first): the cluster still needs
	// the cleanup and the undo.
	ferr := d.finish(ctx, p.rel, StatusFailed, failedDescription(p, cause))
	if p.failure.cleanup {
		d.cleanupCreated(ctx, cs, target)
	}
	err := d.undo(ctx, p, cause)
	if ferr != nil {
		return errors.Join(err, fmt.Errorf("recording revision %d as failed: %w", p.rel.Version, ferr))
	}
	return err
}

// undo plans and executes the way back from a failed operation.
func (d *Deployer) undo(ctx context.Context, p *plan, cause error) error {
	ctx = context.WithoutCancel(ctx)
	name, u := p.rel.Name, p.failure.undo
	t := Target{Name: name, Namespace: p.rel.Namespace}
	switch u.kind {
	case undoNothing:
		return fmt.Errorf("%s %s: %w", p.verb, name, cause)
	case undoUninstall:
		back, err := d.planUninstall(ctx, UninstallOptions{Target: t})
		if err == nil {
			_, err = d.execute(ctx, back)
		}
		if err != nil {
			return fmt.Errorf("release %s failed (%w) and uninstalling it failed too: %v", name, cause, err)
		}
		return fmt.Errorf("release %s failed, and has been uninstalled due to atomic being set: %w", name, cause)
	case undoRollback:
		if u.to == 0 {
			return fmt.Errorf("%s %s failed and there is no revision to roll back to: %w", p.verb, name, cause)
		}
		back, err := d.planRollback(ctx, RollbackOptions{Target: t, Revision: u.to,
			Options: Options{Wait: u.wait, Failure: FailureOptions{CleanupOnFail: u.cleanup}, Method: ApplyMethod{Replace: u.replace}}})
		if err == nil {
			_, err = d.execute(ctx, back)
		}
		if err != nil {
			return fmt.Errorf("release %s failed (%w) and rolling back failed too: %v", name, cause, err)
		}
		return fmt.Errorf("release %s failed, and has been rolled back due to atomic being set: %w", name, cause)
	}
	return fmt.Errorf("%s %s: %w", p.verb, name, cause)
}

// dryRun goes as far as a plan can without writing: it builds and
// validates the target and, for DryRunServer, sends the apply as a
// server-side dry run; observe (diff) sees each object before and after.
// Nothing is recorded and no hook runs.
func (d *Deployer) dryRun(ctx context.Context, p *plan, mode DryRun, observe func(*Object, Action, *unstructured.Unstructured, *unstructured.Unstructured)) (*Result, error) {
	res := &Result{Release: p.rel, Changes: &ChangeSet{}}
	if p.remove {
		return res, nil
	}
	p.rel.Info.Description = "Dry run complete"
	if err := releaseSize(p.rel); err != nil {
		res.Warnings = append(res.Warnings, err.Error())
	}
	target, err := d.Cluster.Build(p.manifests, p.rel.Namespace)
	if err != nil {
		return nil, err
	}
	if err := d.validateHooks(p.rel); err != nil {
		return nil, err
	}
	if mode == DryRunClient {
		return res, nil
	}
	cs, err := d.Cluster.Apply(ctx, p.original, target, ApplyOptions{
		Release: p.rel.Name, Namespace: p.rel.Namespace, Verb: p.apply.Verb, TakeOwnership: p.apply.TakeOwnership,
		OriginalFailed: p.apply.OriginalFailed, Replace: p.apply.Replace, DryRun: true, Observe: observe,
	})
	res.Changes = cs
	return res, err
}

// deleted are the objects cs records as deleted: those kept by policy or
// owned by another release are not waited for.
func deleted(objs []*Object, cs *ChangeSet) []*Object {
	gone := map[Change]bool{}
	for _, e := range cs.Entries {
		if e.Action == ActionDeleted {
			gone[e] = true
		}
	}
	var out []*Object
	for _, o := range objs {
		if gone[Change{Kind: o.GetKind(), Namespace: o.GetNamespace(), Name: o.GetName(), Action: ActionDeleted}] {
			out = append(out, o)
		}
	}
	return out
}
