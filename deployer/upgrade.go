package deployer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/berth-dev/berth/chartfmt"
)

// UpgradeOptions configure Upgrade. Failure.Atomic rolls a failed upgrade
// back to the last good revision.
type UpgradeOptions struct {
	Target
	Source Source
	// Values are the values given on this command line.
	Values map[string]any
	// ReuseValues merges Values over the last revision's values;
	// ResetValues uses Values alone. With neither, the last revision's
	// values are reused when no values are given (Helm's rule).
	ReuseValues bool
	ResetValues bool
	// TakeOverAfter, when positive, lets this upgrade take over a release
	// left pending-* with no recorded activity for that long: the pending
	// revision is marked failed first, as Recover does. It must exceed the
	// --timeout of any operation that may still be running on the release.
	TakeOverAfter time.Duration
	// Install installs the release when it does not exist (or was
	// uninstalled with its history kept); CreateNamespace and SkipCRDs
	// apply then.
	Install         bool
	CreateNamespace bool
	SkipCRDs        bool
	Options
}

// ErrPending is wrapped when the release is held by another operation, or
// was left pending-* by one that died (then `berth recover` frees it).
var ErrPending = errors.New("another operation (install/upgrade/rollback) is in progress")

// Upgrade deploys a new revision of an existing release.
func (d *Deployer) Upgrade(ctx context.Context, opts UpgradeOptions) (*Result, error) {
	p, err := d.planUpgrade(ctx, opts)
	if err != nil {
		return nil, err
	}
	return d.run(ctx, p, opts.DryRun)
}

// planUpgrade renders the next revision over the current one. With
// Install, a release that does not exist (or was uninstalled with its
// history kept) is planned as an install instead.
func (d *Deployer) planUpgrade(ctx context.Context, opts UpgradeOptions) (*plan, error) {
	if err := ValidateName(opts.Name); err != nil {
		return nil, err
	}
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if errors.Is(err, ErrReleaseNotFound) && opts.Install {
		return d.planInstall(ctx, opts.asInstall(false))
	}
	if err != nil {
		return nil, err
	}
	last := history[len(history)-1]
	if opts.Install && last.Info.Status == StatusUninstalled {
		// Like helm: --install over a release uninstalled with
		// --keep-history installs it again as the next revision.
		return d.planInstall(ctx, opts.asInstall(true))
	}
	var takeOver *Release
	if last.Info.Status.IsPending() {
		if opts.TakeOverAfter <= 0 || time.Since(lastActivity(last)) < opts.TakeOverAfter {
			return nil, pendingError(last)
		}
		markRecovered(last, fmt.Sprintf("taken over by an upgrade after %s without activity", opts.TakeOverAfter))
		takeOver = last
	}
	current := currentRelease(history)
	if current == nil {
		return nil, fmt.Errorf("release %q has no deployed revision to upgrade", opts.Name)
	}
	values := upgradeValues(opts, current)
	rendered, err := opts.Source.Render(ctx, RenderRequest{Target: opts.Target, Revision: last.Version + 1, IsUpgrade: true, Values: values})
	if err != nil {
		return nil, err
	}
	rel := newRelease(opts.Target, last.Version+1, opts.Source.Chart, values, rendered, opts.Record)
	rel.Origin = opts.Source.Origin
	rel.Labels = mergeLabels(current.Labels, opts.Record.Labels)
	rel.Info.FirstDeployed = current.Info.FirstDeployed
	rel.Info.Status, rel.Info.Description = StatusPendingUpgrade, "Preparing upgrade"
	method := opts.Method.latch(current)
	if err := method.check(current); err != nil {
		return nil, err
	}
	rel.ApplyMethod = method.record()
	p := &plan{
		verb: "upgrade", rel: rel, history: history, takeOver: takeOver, manifests: rendered.Manifests,
		original: d.buildStored(current), apply: applyOptions(rel, "update", opts.Options, method), wait: opts.Wait,
		record:  recordPolicy{done: describe(opts.Record, "Upgrade complete"), maxHistory: opts.Record.MaxHistory},
		failure: failurePolicy{cleanup: opts.Failure.CleanupOnFail},
	}
	p.apply.OriginalFailed = !succeeded(current)
	p.pre, p.post = hookEvents(opts.NoHooks, PreUpgrade, PostUpgrade)
	if opts.Failure.Atomic {
		p.wait.Wait = true
		p.failure.undo = undoStep{kind: undoRollback, wait: p.wait, cleanup: opts.Failure.CleanupOnFail, replace: method.Replace}
		if good := lastGood(history); good != nil {
			p.failure.undo.to = good.Version
		}
	}
	return p, nil
}

// asInstall is the install an upgrade --install turns into.
func (opts UpgradeOptions) asInstall(replace bool) InstallOptions {
	return InstallOptions{Target: opts.Target, Source: opts.Source, Values: opts.Values,
		CreateNamespace: opts.CreateNamespace, SkipCRDs: opts.SkipCRDs, Replace: replace, Options: opts.Options}
}

// currentRelease is what an upgrade patches from: the last deployed
// revision, else the last one if it failed or was superseded.
func currentRelease(history []*Release) *Release {
	last := history[len(history)-1]
	if last.Info.Status == StatusDeployed {
		return last
	}
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Info.Status == StatusDeployed {
			return history[i]
		}
	}
	if last.Info.Status == StatusFailed || last.Info.Status == StatusSuperseded {
		return last
	}
	return nil
}

// lastGood is the newest superseded or deployed revision (atomic target).
func lastGood(history []*Release) *Release {
	for i := len(history) - 1; i >= 0; i-- {
		if s := history[i].Info.Status; s == StatusSuperseded || s == StatusDeployed {
			return history[i]
		}
	}
	return nil
}

func upgradeValues(opts UpgradeOptions, current *Release) map[string]any {
	switch {
	case opts.ResetValues:
		return opts.Values
	case opts.ReuseValues:
		return chartfmt.MergeValueMaps(current.Config, opts.Values)
	case len(opts.Values) == 0 && len(current.Config) > 0:
		return current.Config
	}
	return opts.Values
}

// mergeLabels adds new custom labels to the previous ones; "null" deletes.
func mergeLabels(prev, next map[string]string) map[string]string {
	out := maps.Clone(prev)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range next {
		if v == "null" {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func pendingError(last *Release) error {
	how := fmt.Sprintf("run `berth recover %s -n %s` to mark it failed and continue (or upgrade with --take-over-after)", last.Name, last.Namespace)
	if !last.Deadline.IsZero() && time.Until(last.Deadline) > 0 {
		how = fmt.Sprintf("its timeout ends at %s; after that, run `berth recover %s -n %s` to mark it failed and continue (--force to do it now)",
			last.Deadline.Local().Format(time.RFC3339), last.Name, last.Namespace)
	}
	return fmt.Errorf("release %q revision %d is %s since %s: %w; if no other berth or helm process is working on it, %s",
		last.Name, last.Version, last.Info.Status, lastActivity(last).Format(time.RFC3339), ErrPending, how)
}
