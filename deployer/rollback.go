package deployer

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// RollbackOptions configure Rollback.
type RollbackOptions struct {
	Target
	// Revision to return to; 0 means the one before the last.
	Revision int
	DryRun   bool
	NoHooks  bool
	Wait     WaitOptions
	Failure  FailureOptions
	Record   RecordOptions

	observe func(*Object, Action, *unstructured.Unstructured, *unstructured.Unstructured)
}

// Rollback deploys a copy of an earlier revision as a new revision. It
// re-applies the stored manifest, so live drift is reverted too. Like
// Helm's, it works on pending releases: it is the way out of them.
func (d *Deployer) Rollback(ctx context.Context, opts RollbackOptions) (*Result, error) {
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
	rel := &Release{
		Name: prev.Name, Namespace: prev.Namespace, Version: current.Version + 1,
		Chart: prev.Chart, Config: prev.Config, Manifest: prev.Manifest, Hooks: copyHooks(prev.Hooks),
		Labels: prev.Labels, ApplyMethod: prev.ApplyMethod,
		Info: &Info{FirstDeployed: current.Info.FirstDeployed, LastDeployed: Now(), Notes: prev.Info.Notes,
			Status: StatusPendingRollback, Description: describe(opts.Record, fmt.Sprintf("Rollback to %d", want))},
	}
	original := d.buildStored(current)
	if opts.DryRun {
		return d.dryRun(ctx, rel, original, &Rendered{Manifests: splitManifests(rel.Manifest)},
			dryRunOptions{mode: DryRunServer, verb: "update", observe: opts.observe})
	}
	target, err := d.Kube.Build(splitManifests(rel.Manifest), rel.Namespace)
	if err != nil {
		return nil, err
	}
	return d.commit(ctx, history, rel, original, target, commitOptions{
		pre: PreRollback, post: PostRollback, verb: "rollback", method: ApplyMethod{ServerSide: prev.ApplyMethod == applySSA}, noHooks: opts.NoHooks,
		wait: opts.Wait, failure: FailureOptions{CleanupOnFail: opts.Failure.CleanupOnFail},
		maxHistory: opts.Record.MaxHistory, done: describe(opts.Record, fmt.Sprintf("Rollback to %d", want)),
	})
}

func copyHooks(hs []*Hook) []*Hook {
	out := make([]*Hook, 0, len(hs))
	for _, h := range hs {
		c := *h
		c.LastRun = HookExecution{}
		out = append(out, &c)
	}
	return out
}
