package deployer

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

type dryRunOptions struct {
	mode    DryRun
	take    bool
	verb    string
	observe func(*Object, Action, *unstructured.Unstructured, *unstructured.Unstructured)
}

// dryRunInstall validates (client) or also server-side dry-runs (server)
// the objects of a would-be install. Nothing is stored and no hook runs.
func (d *Deployer) dryRunInstall(ctx context.Context, rel *Release, rendered *Rendered, opts InstallOptions) (*Result, error) {
	return d.dryRun(ctx, rel, nil, rendered, dryRunOptions{mode: opts.DryRun, take: opts.TakeOwnership, verb: "install"})
}

func (d *Deployer) dryRun(ctx context.Context, rel *Release, original []*Object, rendered *Rendered, o dryRunOptions) (*Result, error) {
	rel.Info.Description = "Dry run complete"
	res := &Result{Release: rel, Changes: &ChangeSet{}}
	target, err := d.Kube.Build(rendered.Manifests, rel.Namespace)
	if err != nil {
		return nil, err
	}
	if err := d.validateHooks(rel); err != nil {
		return nil, err
	}
	if o.mode == DryRunClient {
		return res, nil
	}
	cs, err := d.Kube.Apply(ctx, original, target, ApplyOptions{
		Release: rel.Name, Namespace: rel.Namespace, Verb: o.verb, TakeOwnership: o.take, DryRun: true, Observe: o.observe,
	})
	res.Changes = cs
	return res, err
}
