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
			if err := k.deleteOne(ctx, o, dr); err != nil {
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
