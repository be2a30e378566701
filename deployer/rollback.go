package deployer

import (
	"context"
	"fmt"
)

// RollbackOptions configure Rollback. A rollback applies the way the
// revision it returns to was applied (of Method only Replace counts) and
// is never atomic (Failure.Atomic is ignored).
type RollbackOptions struct {
	Target
	// Revision to return to; 0 means the one before the last.
	Revision int
	Options
}

// Rollback deploys a copy of an earlier revision as a new revision. It
// re-applies the stored manifest, so live drift is reverted too. Like
// Helm's, it works on pending releases: it is the way out of them.
func (d *Deployer) Rollback(ctx context.Context, opts RollbackOptions) (*Result, error) {
	p, err := d.planRollback(ctx, opts)
	if err != nil {
		return nil, err
	}
	return d.run(ctx, p, opts.DryRun)
}

// planRollback copies the wanted revision into a pending-rollback one.
func (d *Deployer) planRollback(ctx context.Context, opts RollbackOptions) (*plan, error) {
	if err := ValidateName(opts.Name); err != nil {
		return nil, err
	}
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if err != nil {
		return nil, err
	}
	current := history[len(history)-1]
	want := opts.Revision
	if want == 0 {
		want = current.Version - 1
	}
	var prev *Release
	for _, r := range history {
		if r.Version == want {
			prev = r
		}
	}
	if want <= 0 || prev == nil {
		return nil, fmt.Errorf("release %q has no revision %d: %w", opts.Name, want, ErrReleaseNotFound)
	}
	desc := describe(opts.Record, fmt.Sprintf("Rollback to %d", want))
	rel := &Release{
		Name: prev.Name, Namespace: prev.Namespace, Version: current.Version + 1,
		Chart: prev.Chart, Config: prev.Config, Manifest: prev.Manifest, Hooks: copyHooks(prev.Hooks),
		Labels: prev.Labels, ApplyMethod: prev.ApplyMethod, Origin: prev.Origin,
		Info: &Info{FirstDeployed: current.Info.FirstDeployed, LastDeployed: Now(), Notes: prev.Info.Notes,
			Status: StatusPendingRollback, Description: desc},
	}
	method := ApplyMethod{ServerSide: prev.ApplyMethod == applySSA, Replace: opts.Method.Replace}
	if err := method.check(prev); err != nil {
		return nil, err
	}
	p := &plan{
		verb: "rollback", rel: rel, history: history, manifests: splitManifests(rel.Manifest),
		original: d.buildStored(current), apply: applyOptions(rel, "update", opts.Options, method), wait: opts.Wait,
		record:  recordPolicy{done: desc, maxHistory: opts.Record.MaxHistory},
		failure: failurePolicy{cleanup: opts.Failure.CleanupOnFail},
	}
	p.apply.OriginalFailed = !succeeded(current)
	p.pre, p.post = hookEvents(opts.NoHooks, PreRollback, PostRollback)
	return p, nil
}

// copyHooks copies the target revision's hooks with their last runs, as
// Helm does; only the rollback hooks that run get new ones.
func copyHooks(hs []*Hook) []*Hook {
	out := make([]*Hook, 0, len(hs))
	for _, h := range hs {
		c := *h
		out = append(out, &c)
	}
	return out
}
