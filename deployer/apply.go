package deployer

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/util/retry"
)

// ApplyOptions say whose objects these are and how far to go.
type ApplyOptions struct {
	Release   string
	Namespace string
	// Verb names the operation in adoption errors ("install", "update").
	Verb string
	// TakeOwnership adopts existing objects whatever their ownership.
	TakeOwnership bool
	// OriginalFailed says original comes from a revision that never
	// succeeded (failed, pending): naming an object grants no ownership
	// then, so its objects are adopted only under the ownership rules and
	// pruned only when they are this release's.
	OriginalFailed bool
	// DryRun sends every write as a server-side dry run.
	DryRun bool
	// ServerSide applies with server-side apply (field manager "helm")
	// instead of three-way patches; ForceConflicts takes over fields that
	// other managers own.
	ServerSide     bool
	ForceConflicts bool
	// Replace updates (PUTs) every existing object with the target as a
	// whole instead of patching it (--force).
	Replace bool
	// Observe, if set, receives each object's live state before and the
	// server's answer after (nil when absent), for diffs.
	Observe func(o *Object, a Action, before, after *unstructured.Unstructured)
}

func (o ApplyOptions) observe(obj *Object, a Action, before, after *unstructured.Unstructured) {
	if o.Observe != nil {
		o.Observe(obj, a, before, after)
	}
}

func (o ApplyOptions) dryRun() []string {
	if o.DryRun {
		return []string{metav1.DryRunAll}
	}
	return nil
}

// Apply moves the cluster from original (the objects of the revision being
// replaced) to target: creates what is missing, patches what drifted or
// changed, and deletes what the chart dropped unless it is kept. Nothing is
// written if an object cannot be adopted. The ChangeSet is returned even on
// error so that callers can clean up what was created.
func (k *Kube) Apply(ctx context.Context, original, target []*Object, opts ApplyOptions) (*ChangeSet, error) {
	cs := &ChangeSet{}
	setOwnership(target, opts.Release, opts.Namespace)
	// What was applied last time carried the same metadata.
	setOwnership(original, opts.Release, opts.Namespace)
	sortInstall(target)
	live, err := k.getAll(ctx, target)
	if err != nil {
		return cs, err
	}
	orig := map[string]*Object{}
	for _, o := range original {
		orig[o.Key()] = o
	}
	if err := checkAdoption(target, live, orig, opts); err != nil {
		return cs, err
	}
	for _, group := range kindGroups(target) {
		err := k.parallel(ctx, group, func(ctx context.Context, o *Object) error {
			return k.applyOne(ctx, orig[o.Key()], o, live[o.Key()], opts, cs)
		})
		if err != nil {
			return cs, err
		}
	}
	return cs, k.prune(ctx, original, target, opts, cs)
}

// checkAdoption refuses, before anything is written, to take over live
// objects another owner has, unless TakeOwnership is set.
func checkAdoption(target []*Object, live map[string]*unstructured.Unstructured, orig map[string]*Object, opts ApplyOptions) error {
	if opts.TakeOwnership {
		return nil
	}
	for _, o := range target {
		cur := live[o.Key()]
		if cur == nil || (orig[o.Key()] != nil && !opts.OriginalFailed) {
			continue
		}
		if err := checkOwnership(cur, opts.Release, opts.Namespace); err != nil {
			//lint:ignore ST1005 Helm's error text, which scripts match
			return fmt.Errorf("Unable to continue with %s: %s exists and cannot be imported into the current release: %w", opts.Verb, o, err)
		}
	}
	return nil
}

func (k *Kube) applyOne(ctx context.Context, original, o *Object, live *unstructured.Unstructured, opts ApplyOptions, cs *ChangeSet) error {
	if opts.ServerSide {
		return k.serverSideApply(ctx, o, live, opts, cs)
	}
	if live == nil {
		out, err := k.resource(o).Create(ctx, o.Unstructured, metav1.CreateOptions{FieldManager: fieldManager, DryRun: opts.dryRun()})
		if err != nil {
			return fmt.Errorf("create %s: %w", o, err)
		}
		cs.add(o, ActionCreated)
		opts.observe(o, ActionCreated, nil, out)
		return nil
	}
	if opts.Replace {
		return k.replace(ctx, o, live, opts, cs)
	}
	patch, pt, err := k.threeWayPatch(original, o, live)
	if err != nil {
		return fmt.Errorf("patch %s: %w", o, err)
	}
	if emptyPatch(patch) {
		cs.add(o, ActionUnchanged)
		opts.observe(o, ActionUnchanged, live, live)
		return nil
	}
	out, err := k.resource(o).Patch(ctx, o.GetName(), pt, patch, metav1.PatchOptions{FieldManager: fieldManager, DryRun: opts.dryRun()})
	if err != nil {
		return fmt.Errorf("patch %s: %w", o, err)
	}
	cs.add(o, ActionConfigured)
	opts.observe(o, ActionConfigured, live, out)
	return nil
}

// replace updates the live object with the target as a whole, as Helm's
// --force does: the resourceVersion is read again just before, so the
// update overwrites whatever changed meanwhile. Fields the chart does not
// set go back to their defaults (labels and annotations added by others
// are dropped); fields the API server allocates (a Service's clusterIP)
// are kept by the server. A controller writing the object between the read
// and the update (a Deployment's status) makes the update conflict: the
// read and update are then retried, a few times (Helm fails there, at
// random). A refused replace fails; it is not retried as a delete and
// create.
func (k *Kube) replace(ctx context.Context, o *Object, live *unstructured.Unstructured, opts ApplyOptions, cs *ChangeSet) error {
	var cur, out *unstructured.Unstructured
	var readErr error
	err := retry.RetryOnConflict(retry.DefaultRetry, func() (err error) {
		if cur, readErr = k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{}); readErr != nil {
			return readErr
		}
		obj := o.Unstructured.DeepCopy()
		obj.SetResourceVersion(cur.GetResourceVersion())
		out, err = k.resource(o).Update(ctx, obj, metav1.UpdateOptions{FieldManager: fieldManager, DryRun: opts.dryRun()})
		return err
	})
	switch {
	case readErr != nil:
		return fmt.Errorf("replace %s: %w", o, readErr)
	case err != nil:
		return fmt.Errorf("failed to replace object %s: %w", o, err)
	}
	a := ActionReplaced
	if out.GetResourceVersion() == cur.GetResourceVersion() {
		a = ActionUnchanged // the server found nothing to change
	}
	cs.add(o, a)
	opts.observe(o, a, live, out)
	return nil
}

// prune deletes objects of original that target no longer has, in
// uninstall order, unless the live object asks to be kept or is not this
// release's to delete (see spares).
func (k *Kube) prune(ctx context.Context, original, target []*Object, opts ApplyOptions, cs *ChangeSet) error {
	keep := map[string]bool{}
	for _, o := range target {
		keep[o.Key()] = true
	}
	var gone []*Object
	for _, o := range original {
		if !keep[o.Key()] {
			gone = append(gone, o)
		}
	}
	sortUninstall(gone)
	for _, o := range gone {
		live, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("get %s: %w", o, err)
		}
		if spares(live, opts) {
			cs.add(o, ActionSkipped)
			continue
		}
		if err := k.deleteOne(ctx, o, opts.dryRun(), metav1.DeletePropagationBackground); err != nil {
			return err
		}
		cs.add(o, ActionDeleted)
		opts.observe(o, ActionDeleted, live, nil)
	}
	return nil
}

// deleteOne deletes o with the given cascade (empty: background).
func (k *Kube) deleteOne(ctx context.Context, o *Object, dryRun []string, propagation metav1.DeletionPropagation) error {
	if propagation == "" {
		propagation = metav1.DeletePropagationBackground
	}
	err := k.resource(o).Delete(ctx, o.GetName(), metav1.DeleteOptions{PropagationPolicy: &propagation, DryRun: dryRun})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete %s: %w", o, err)
	}
	return nil
}

// getAll reads the live state of every object; missing ones map to nil.
func (k *Kube) getAll(ctx context.Context, objs []*Object) (map[string]*unstructured.Unstructured, error) {
	var mu sync.Mutex
	out := map[string]*unstructured.Unstructured{}
	err := k.parallel(ctx, objs, func(ctx context.Context, o *Object) error {
		u, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("get %s: %w", o, err)
		}
		mu.Lock()
		out[o.Key()] = u
		mu.Unlock()
		return nil
	})
	return out, err
}

// parallel runs fn over objs with at most k.Concurrency at a time.
func (k *Kube) parallel(ctx context.Context, objs []*Object, fn func(context.Context, *Object) error) error {
	g, ctx := errgroup.WithContext(ctx)
	n := k.Concurrency
	if n <= 0 {
		n = defaultConcurrency
	}
	g.SetLimit(n)
	for _, o := range objs {
		g.Go(func() error { return fn(ctx, o) })
	}
	return g.Wait()
}
