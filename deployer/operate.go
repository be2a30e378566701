package deployer

import (
	"context"
	"fmt"
	"time"
)

// step is one pending revision being rolled out: its hooks, its objects and
// the objects of the revision it replaces.
type step struct {
	rel      *Release
	original []*Object
	target   []*Object
	pre      string
	post     string
	verb     string
	take     bool
	method   ApplyMethod
	noHooks  bool
	wait     WaitOptions
}

// rollout runs pre hooks, applies, waits and runs post hooks. The ChangeSet
// is returned even on failure, so that the caller can clean up.
func (d *Deployer) rollout(ctx context.Context, s step) (*ChangeSet, error) {
	ctx, cancel := withTimeout(ctx, s.wait.Timeout)
	defer cancel()
	if s.noHooks {
		s.pre, s.post = "", "" // no hook has an empty event
	}
	if err := d.runHooks(ctx, s.rel, s.pre); err != nil {
		return &ChangeSet{}, err
	}
	d.emit(s.rel.Name, "apply", "applying %d objects", len(s.target))
	cs, err := d.Kube.Apply(ctx, s.original, s.target, ApplyOptions{
		Release: s.rel.Name, Namespace: s.rel.Namespace, Verb: s.verb, TakeOwnership: s.take,
		ServerSide: s.method.ServerSide, ForceConflicts: s.method.ForceConflicts,
	})
	if err != nil {
		return cs, err
	}
	if s.wait.Wait {
		err := d.Kube.Wait(ctx, s.target, s.wait.WaitForJobs, func(p []PendingObject) {
			if d.Progress != nil {
				d.Progress(Event{Time: time.Now(), Release: s.rel.Name, Phase: "wait", Pending: p, Message: fmt.Sprintf("%d objects not ready", len(p))})
			}
		})
		if err != nil {
			return cs, err
		}
	}
	return cs, d.runHooks(ctx, s.rel, s.post)
}

// finish records the new revision's final state.
func (d *Deployer) finish(ctx context.Context, rel *Release, status Status, desc string) error {
	rel.Info.Status = status
	rel.Info.Description = desc
	rel.Info.LastDeployed = Now()
	// The operation's own context may be what failed; the record must land.
	return d.Store.Update(context.WithoutCancel(ctx), rel)
}

// supersede marks every other deployed revision superseded, so that only
// one is ever deployed.
func (d *Deployer) supersede(ctx context.Context, history []*Release, keep int) error {
	for _, r := range history {
		if r.Version == keep || r.Info == nil || r.Info.Status != StatusDeployed {
			continue
		}
		r.Info.Status = StatusSuperseded
		if err := d.Store.Update(context.WithoutCancel(ctx), r); err != nil {
			return err
		}
	}
	return nil
}

// cleanupCreated deletes what a failed operation created.
func (d *Deployer) cleanupCreated(ctx context.Context, cs *ChangeSet, target []*Object) {
	created := map[string]bool{}
	for _, e := range cs.Entries {
		if e.Action == ActionCreated {
			created[e.Kind+"/"+e.Namespace+"/"+e.Name] = true
		}
	}
	var objs []*Object
	for _, o := range target {
		if created[o.GetKind()+"/"+o.GetNamespace()+"/"+o.GetName()] {
			objs = append(objs, o)
		}
	}
	_, _ = d.Kube.Delete(context.WithoutCancel(ctx), objs, DeleteOptions{})
}

// buildStored rebuilds the objects of a stored revision. Documents whose
// kind is no longer served are left out: they cannot be patched, and Helm's
// refusal to upgrade such releases (helm#7219) helps nobody.
func (d *Deployer) buildStored(rel *Release) []*Object {
	if rel == nil {
		return nil
	}
	var out []*Object
	for _, m := range splitManifests(rel.Manifest) {
		o, err := d.Kube.buildOne(m, rel.Namespace)
		if err == nil {
			out = append(out, o)
		}
	}
	return out
}
