package deployer

import (
	"context"
)

// dryRunInstall validates (client) or also server-side dry-runs (server)
// the objects of a would-be install. Nothing is stored and no hook runs.
func (d *Deployer) dryRunInstall(ctx context.Context, rel *Release, rendered *Rendered, opts InstallOptions) (*Result, error) {
	return d.dryRun(ctx, rel, nil, rendered, opts.DryRun, opts.TakeOwnership)
}

func (d *Deployer) dryRun(ctx context.Context, rel *Release, original []*Object, rendered *Rendered, mode DryRun, take bool) (*Result, error) {
	rel.Info.Description = "Dry run complete"
	res := &Result{Release: rel, Changes: &ChangeSet{}}
	if mode == DryRunClient {
		return res, nil
	}
	target, err := d.Kube.Build(rendered.Manifests, rel.Namespace)
	if err != nil {
		return nil, err
	}
	if err := d.validateHooks(rel); err != nil {
		return nil, err
	}
	cs, err := d.Kube.Apply(ctx, original, target, ApplyOptions{
		Release: rel.Name, Namespace: rel.Namespace, Verb: "install", TakeOwnership: take, DryRun: true,
	})
	res.Changes = cs
	return res, err
}
