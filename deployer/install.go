package deployer

import (
	"context"
	"errors"
	"fmt"
)

// InstallOptions configure Install. Failure.CleanupOnFail does not apply
// (Helm's install has none); Failure.Atomic uninstalls a failed install.
type InstallOptions struct {
	Target
	Source Source
	// Values are the user-supplied values (stored as the release config).
	Values          map[string]any
	CreateNamespace bool
	SkipCRDs        bool
	// Replace reuses the name of an uninstalled or failed release.
	Replace bool
	Options
}

// Install deploys a chart as revision 1 of a new release.
func (d *Deployer) Install(ctx context.Context, opts InstallOptions) (*Result, error) {
	p, err := d.planInstall(ctx, opts)
	if err != nil {
		return nil, err
	}
	return d.run(ctx, p, opts.DryRun)
}

// planInstall checks the name, picks the revision and renders it into a
// pending-install release.
func (d *Deployer) planInstall(ctx context.Context, opts InstallOptions) (*plan, error) {
	if err := ValidateName(opts.Name); err != nil {
		return nil, err
	}
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if err != nil && !errors.Is(err, ErrReleaseNotFound) {
		return nil, err
	}
	revision, err := installRevision(opts, history)
	if err != nil {
		return nil, err
	}
	rendered, err := opts.Source.Render(ctx, RenderRequest{Target: opts.Target, Revision: revision, Values: opts.Values})
	if err != nil {
		return nil, err
	}
	rel := newRelease(opts.Target, revision, opts.Source.Chart, opts.Values, rendered, opts.Record)
	rel.Origin = opts.Source.Origin
	rel.Info.Status, rel.Info.Description = StatusPendingInstall, "Initial install underway"
	if err := opts.Method.check(nil); err != nil {
		return nil, err
	}
	rel.ApplyMethod = opts.Method.record()
	p := &plan{
		verb: "install", rel: rel, history: history, manifests: rendered.Manifests,
		apply: applyOptions(rel, "install", opts.Options, opts.Method), wait: opts.Wait,
		record: recordPolicy{done: describe(opts.Record, "Install complete"), maxHistory: opts.Record.MaxHistory, supersedeReplaced: true},
	}
	p.pre, p.post = hookEvents(opts.NoHooks, PreInstall, PostInstall)
	if opts.CreateNamespace {
		p.namespace = opts.Namespace
	}
	if !opts.SkipCRDs {
		p.crds = rendered.CRDs
	}
	if opts.Failure.Atomic {
		p.wait.Wait = true
		p.failure.undo = undoStep{kind: undoUninstall}
	}
	return p, nil
}

func installRevision(opts InstallOptions, history []*Release) (int, error) {
	if len(history) == 0 {
		return 1, nil
	}
	last := history[len(history)-1]
	if opts.Replace && (last.Info.Status == StatusUninstalled || last.Info.Status == StatusFailed) {
		return last.Version + 1, nil
	}
	return 0, fmt.Errorf("cannot re-use a name that is still in use: release %q exists in namespace %q (status %s)", opts.Name, opts.Namespace, last.Info.Status)
}

func newRelease(t Target, revision int, ch *Chart, values map[string]any, r *Rendered, rec RecordOptions) *Release {
	now := Now()
	if r.Chart != nil {
		ch = r.Chart
	}
	return &Release{
		Name: t.Name, Namespace: t.Namespace, Version: revision, Chart: ch, Config: values,
		Manifest: joinManifests(r.Manifests), Hooks: r.Hooks, Labels: rec.Labels,
		Info: &Info{FirstDeployed: now, LastDeployed: now, Notes: r.Notes},
	}
}

func describe(rec RecordOptions, def string) string {
	if rec.Description != "" {
		return rec.Description
	}
	return def
}
