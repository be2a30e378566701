package deployer

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DeleteOptions say whose objects are being deleted.
type DeleteOptions struct {
	// Release and Namespace, when set, protect objects whose live ownership
	// annotations name another release (adopted since, e.g. with
	// --take-ownership): they are skipped, not deleted. Helm 3 deletes them.
	Release   string
	Namespace string
	// OwnedOnly deletes an object only if the live one names Release as
	// its owner (objects without ownership annotations are skipped too).
	OwnedOnly bool
	DryRun    bool
	// Propagation is the cascade of every delete: what becomes of the
	// objects' dependents (a Deployment's ReplicaSets and Pods).
	// Empty means background, Helm's default.
	Propagation metav1.DeletionPropagation
}

// ParseCascade reads Helm's --cascade: "background" (the default: the
// object goes at once, the garbage collector deletes its dependents
// after), "foreground" (the object stays, marked, until the collector has
// deleted its dependents) or "orphan" (the dependents stay, their
// ownerReferences to it removed).
func ParseCascade(s string) (metav1.DeletionPropagation, error) {
	switch s {
	case "background":
		return metav1.DeletePropagationBackground, nil
	case "foreground":
		return metav1.DeletePropagationForeground, nil
	case "orphan":
		return metav1.DeletePropagationOrphan, nil
	}
	return "", fmt.Errorf(`invalid cascade value (%s). Must be "background", "foreground", or "orphan"`, s)
}

// Delete removes objects in uninstall order. Objects whose manifest asks to
// be kept are skipped (uninstall reads the policy from the stored manifest,
// as Helm does), and so are objects now owned by another release.
func (k *Kube) Delete(ctx context.Context, objs []*Object, opts DeleteOptions) (*ChangeSet, error) {
	cs := &ChangeSet{}
	sortUninstall(objs)
	var dr []string
	if opts.DryRun {
		dr = ApplyOptions{DryRun: true}.dryRun()
	}
	for _, group := range kindGroups(objs) {
		err := k.parallel(ctx, group, func(ctx context.Context, o *Object) error {
			if keeps(o.Unstructured) {
				cs.add(o, ActionSkipped)
				return nil
			}
			if mine, err := k.ownedBy(ctx, o, opts); err != nil || !mine {
				if err == nil {
					cs.add(o, ActionSkipped)
				}
				return err
			}
			if err := k.deleteOne(ctx, o, dr, opts.Propagation); err != nil {
				return err
			}
			cs.add(o, ActionDeleted)
			return nil
		})
		if err != nil {
			return cs, err
		}
	}
	return cs, nil
}

// ownedBy reports whether the live object does not name another release
// as its owner. Objects without ownership annotations count as owned.
func (k *Kube) ownedBy(ctx context.Context, o *Object, opts DeleteOptions) (bool, error) {
	if opts.Release == "" {
		return true, nil
	}
	live, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("get %s: %w", o, err)
	}
	ann := live.GetAnnotations()
	if opts.OwnedOnly && (ann[releaseNameAnnotation] != opts.Release || ann[releaseNSAnnotation] != opts.Namespace) {
		return false, nil
	}
	if name, ok := ann[releaseNameAnnotation]; ok && name != opts.Release {
		return false, nil
	}
	if ns, ok := ann[releaseNSAnnotation]; ok && ns != opts.Namespace {
		return false, nil
	}
	return true, nil
}
