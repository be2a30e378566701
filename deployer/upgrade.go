package deployer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// UpgradeOptions configure Upgrade.
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
	// NoHooks skips the chart's upgrade hooks.
	NoHooks bool
	// Install installs the release when it does not exist.
	Install       bool
	OnInstall     InstallOptions // with Install: CreateNamespace, SkipCRDs…; the rest is copied from here
	TakeOwnership bool
	// Method is client-side three-way patching unless ServerSide is set or
	// the current revision was applied server-side (Helm 4's "auto").
	Method  ApplyMethod
	DryRun  DryRun
	Wait    WaitOptions
	Failure FailureOptions
	Record  RecordOptions

	observe func(*Object, Action, *unstructured.Unstructured, *unstructured.Unstructured)
}

// ErrPending is wrapped when the release is held by another operation, or
// was left pending-* by one that died (then `berth recover` frees it).
var ErrPending = errors.New("another operation (install/upgrade/rollback) is in progress")

// Upgrade deploys a new revision of an existing release.
func (d *Deployer) Upgrade(ctx context.Context, opts UpgradeOptions) (*Result, error) {
	if err := ValidateName(opts.Name); err != nil {
		return nil, err
	}
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if errors.Is(err, ErrReleaseNotFound) && opts.Install {
		return d.Install(ctx, d.installFromUpgrade(opts))
	}
	if err != nil {
		return nil, err
	}
	last := history[len(history)-1]
	if opts.Install && last.Info.Status == StatusUninstalled {
		// Like helm: --install over a release uninstalled with
		// --keep-history installs it again as the next revision.
		in := d.installFromUpgrade(opts)
		in.Replace = true
		return d.Install(ctx, in)
	}
	if last.Info.Status.IsPending() {
		if opts.TakeOverAfter <= 0 || time.Since(lastActivity(last)) < opts.TakeOverAfter {
			return nil, pendingError(last)
		}
		if err := d.markRecovered(ctx, last, fmt.Sprintf("taken over by an upgrade after %s without activity", opts.TakeOverAfter)); err != nil {
			return nil, err
		}
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
	rel.Labels = mergeLabels(current.Labels, opts.Record.Labels)
	rel.Info.FirstDeployed = current.Info.FirstDeployed
	rel.Info.Status, rel.Info.Description = StatusPendingUpgrade, "Preparing upgrade"
	method := opts.Method.latch(current)
	rel.ApplyMethod = method.record()
	original := d.buildStored(current)
	if opts.DryRun != DryRunNone {
		return d.dryRun(ctx, rel, original, rendered, dryRunOptions{mode: opts.DryRun, take: opts.TakeOwnership, verb: "update", observe: opts.observe})
	}
	target, err := d.Kube.Build(rendered.Manifests, opts.Namespace)
	if err != nil {
		return nil, err
	}
	if err := d.validateHooks(rel); err != nil {
		return nil, err
	}
	return d.commit(ctx, history, rel, original, target, commitOptions{
		pre: PreUpgrade, post: PostUpgrade, verb: "upgrade", take: opts.TakeOwnership, method: method, noHooks: opts.NoHooks,
		wait: opts.Wait, failure: opts.Failure, maxHistory: opts.Record.MaxHistory,
		done: describe(opts.Record, "Upgrade complete"),
	})
}

type commitOptions struct {
	pre, post, verb, done string
	take                  bool
	method                ApplyMethod
	noHooks               bool
	wait                  WaitOptions
	failure               FailureOptions
	maxHistory            int
}

// commit stores the pending revision (the lock), rolls it out and records
// the outcome; on failure it cleans up or rolls back as asked.
func (d *Deployer) commit(ctx context.Context, history []*Release, rel *Release, original, target []*Object, o commitOptions) (*Result, error) {
	d.pruneHistory(ctx, history, o.maxHistory)
	if err := d.Store.Create(ctx, rel); err != nil {
		return nil, err
	}
	if o.failure.Atomic {
		o.wait.Wait = true
	}
	cs, err := d.rollout(ctx, step{rel: rel, original: original, target: target, pre: o.pre, post: o.post, verb: "update", take: o.take, method: o.method, noHooks: o.noHooks, wait: o.wait})
	res := &Result{Release: rel, Changes: cs}
	if err != nil {
		return res, d.failUpgrade(ctx, history, rel, cs, target, o, err)
	}
	if err := d.supersede(ctx, history, rel.Version); err != nil {
		return res, err
	}
	return res, d.finish(ctx, rel, StatusDeployed, o.done)
}

func (d *Deployer) failUpgrade(ctx context.Context, history []*Release, rel *Release, cs *ChangeSet, target []*Object, o commitOptions, cause error) error {
	desc := fmt.Sprintf("%s %q failed: %s", titleVerb(o.verb), rel.Name, cause)
	if err := d.finish(ctx, rel, StatusFailed, desc); err != nil {
		return errors.Join(cause, err)
	}
	if o.failure.CleanupOnFail {
		d.cleanupCreated(ctx, cs, target)
	}
	if !o.failure.Atomic {
		return fmt.Errorf("%s %s: %w", o.verb, rel.Name, cause)
	}
	good := lastGood(history)
	if good == nil {
		return fmt.Errorf("%s %s failed and there is no revision to roll back to: %w", o.verb, rel.Name, cause)
	}
	_, rerr := d.Rollback(context.WithoutCancel(ctx), RollbackOptions{Target: Target{Name: rel.Name, Namespace: rel.Namespace},
		Revision: good.Version, Wait: o.wait, Failure: FailureOptions{CleanupOnFail: o.failure.CleanupOnFail}})
	if rerr != nil {
		return fmt.Errorf("release %s failed (%w) and rolling back failed too: %v", rel.Name, cause, rerr)
	}
	return fmt.Errorf("release %s failed, and has been rolled back due to atomic being set: %w", rel.Name, cause)
}

func titleVerb(v string) string {
	switch v {
	case "upgrade":
		return "Upgrade"
	case "rollback":
		return "Rollback"
	}
	return v
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
		return mergeValues(current.Config, opts.Values)
	case len(opts.Values) == 0 && len(current.Config) > 0:
		return current.Config
	}
	return opts.Values
}

// mergeValues overlays src on dst recursively (maps merge, the rest replace).
func mergeValues(dst, src map[string]any) map[string]any {
	out := maps.Clone(dst)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := out[k].(map[string]any); ok {
				out[k] = mergeValues(dm, sm)
				continue
			}
		}
		out[k] = v
	}
	return out
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

func (d *Deployer) installFromUpgrade(opts UpgradeOptions) InstallOptions {
	in := opts.OnInstall
	in.Target, in.Source, in.Values = opts.Target, opts.Source, opts.Values
	in.TakeOwnership, in.DryRun, in.Wait, in.Failure, in.Record = opts.TakeOwnership, opts.DryRun, opts.Wait, opts.Failure, opts.Record
	in.Method, in.NoHooks = opts.Method, opts.NoHooks
	return in
}

func pendingError(last *Release) error {
	return fmt.Errorf("release %q revision %d is %s since %s: %w; if no other berth or helm process is working on it, run `berth recover %s -n %s` to mark it failed and continue (or upgrade with --take-over-after)",
		last.Name, last.Version, last.Info.Status, lastActivity(last).Format(time.RFC3339), ErrPending, last.Name, last.Namespace)
}
