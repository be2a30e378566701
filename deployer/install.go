package deployer

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// InstallOptions configure Install, grouped by concern.
type InstallOptions struct {
	Target
	Source Source
	// Values are the user-supplied values (stored as the release config).
	Values          map[string]any
	CreateNamespace bool
	TakeOwnership   bool
	Method          ApplyMethod
	SkipCRDs        bool
	// NoHooks skips the chart's install hooks.
	NoHooks bool
	// Replace reuses the name of an uninstalled or failed release.
	Replace bool
	DryRun  DryRun
	Wait    WaitOptions
	Failure FailureOptions
	Record  RecordOptions
}

// Result is a finished operation: the revision it recorded and what it did
// to the cluster.
type Result struct {
	Release *Release
	Changes *ChangeSet
}

// Install deploys a chart as revision 1 of a new release.
func (d *Deployer) Install(ctx context.Context, opts InstallOptions) (*Result, error) {
	history, rel, rendered, err := d.renderInstall(ctx, opts)
	if err != nil {
		return nil, err
	}
	if opts.DryRun != DryRunNone {
		return d.dryRunInstall(ctx, rel, rendered, opts)
	}
	if err := d.prepareNamespace(ctx, opts); err != nil {
		return nil, err
	}
	if err := d.installCRDs(ctx, rendered, opts.SkipCRDs); err != nil {
		return nil, err
	}
	target, err := d.Kube.Build(rendered.Manifests, opts.Namespace)
	if err != nil {
		return nil, err
	}
	if err := d.validateHooks(rel); err != nil {
		return nil, err
	}
	d.pruneHistory(ctx, history, opts.Record.MaxHistory)
	if err := d.Store.Create(ctx, rel); err != nil {
		return nil, err
	}
	if opts.Failure.Atomic {
		opts.Wait.Wait = true
	}
	cs, err := d.rollout(ctx, step{rel: rel, target: target, pre: PreInstall, post: PostInstall, verb: "install", take: opts.TakeOwnership, method: opts.Method, noHooks: opts.NoHooks, wait: opts.Wait})
	res := &Result{Release: rel, Changes: cs}
	if err != nil {
		return res, d.failInstall(ctx, rel, opts, err)
	}
	return res, d.completeInstall(ctx, history, rel, opts.Record)
}

// renderInstall checks the name, picks the revision and renders it into a
// pending-install release; nothing is written yet.
func (d *Deployer) renderInstall(ctx context.Context, opts InstallOptions) ([]*Release, *Release, *Rendered, error) {
	if err := ValidateName(opts.Name); err != nil {
		return nil, nil, nil, err
	}
	history, err := d.Store.History(ctx, opts.Namespace, opts.Name)
	if err != nil && !errors.Is(err, ErrReleaseNotFound) {
		return nil, nil, nil, err
	}
	revision, err := installRevision(opts, history)
	if err != nil {
		return nil, nil, nil, err
	}
	rendered, err := opts.Source.Render(ctx, RenderRequest{Target: opts.Target, Revision: revision, Values: opts.Values})
	if err != nil {
		return nil, nil, nil, err
	}
	rel := newRelease(opts.Target, revision, opts.Source.Chart, opts.Values, rendered, opts.Record)
	rel.Info.Status, rel.Info.Description = StatusPendingInstall, "Initial install underway"
	rel.ApplyMethod = opts.Method.record()
	return history, rel, rendered, nil
}

// completeInstall records success: older revisions superseded, this one
// deployed.
func (d *Deployer) completeInstall(ctx context.Context, history []*Release, rel *Release, rec RecordOptions) error {
	if err := d.supersede(ctx, history, rel.Version); err != nil {
		return err
	}
	if err := d.supersedeReplaced(ctx, history); err != nil {
		return err
	}
	return d.finish(ctx, rel, StatusDeployed, describe(rec, "Install complete"))
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

func (d *Deployer) failInstall(ctx context.Context, rel *Release, opts InstallOptions, cause error) error {
	if err := d.finish(ctx, rel, StatusFailed, fmt.Sprintf("Release %q failed: %s", rel.Name, cause)); err != nil {
		return errors.Join(cause, err)
	}
	if !opts.Failure.Atomic {
		return fmt.Errorf("install %s: %w", rel.Name, cause)
	}
	_, uerr := d.Uninstall(context.WithoutCancel(ctx), UninstallOptions{Target: opts.Target})
	if uerr != nil {
		return fmt.Errorf("release %s failed (%w) and uninstalling it failed too: %v", rel.Name, cause, uerr)
	}
	return fmt.Errorf("release %s failed, and has been uninstalled due to atomic being set: %w", rel.Name, cause)
}

func (d *Deployer) prepareNamespace(ctx context.Context, opts InstallOptions) error {
	if opts.CreateNamespace {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: opts.Namespace}}
		_, err := d.Kube.Core.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{FieldManager: fieldManager})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", opts.Namespace, err)
		}
	}
	return nil
}

// installCRDs installs crds/ before anything else (Helm: install only).
func (d *Deployer) installCRDs(ctx context.Context, rendered *Rendered, skip bool) error {
	if skip {
		return nil
	}
	_, err := d.Kube.InstallCRDs(ctx, rendered.CRDs)
	return err
}

// validateHooks builds every hook so that a bad hook fails before writing.
func (d *Deployer) validateHooks(rel *Release) error {
	for _, h := range rel.Hooks {
		if _, err := d.Kube.buildOne(Manifest{Source: h.Path, Content: h.Manifest}, rel.Namespace); err != nil {
			return err
		}
	}
	return nil
}

func newRelease(t Target, revision int, ch *Chart, values map[string]any, r *Rendered, rec RecordOptions) *Release {
	now := Now()
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

// supersedeReplaced marks the uninstalled or failed revision that --replace
// took the name from as superseded, as Helm does.
func (d *Deployer) supersedeReplaced(ctx context.Context, history []*Release) error {
	if len(history) == 0 {
		return nil
	}
	last := history[len(history)-1]
	if last.Info.Status != StatusUninstalled && last.Info.Status != StatusFailed {
		return nil
	}
	last.Info.Status = StatusSuperseded
	return d.Store.Update(context.WithoutCancel(ctx), last)
}
