package deployer

import (
	"context"
)

// Delete removes objects in uninstall order. Objects whose manifest asks to
// be kept are skipped (uninstall reads the policy from the stored manifest,
// as Helm does).
func (k *Kube) Delete(ctx context.Context, objs []*Object, dryRun bool) (*ChangeSet, error) {
	cs := &ChangeSet{}
	sortUninstall(objs)
	var dr []string
	if dryRun {
		dr = ApplyOptions{DryRun: true}.dryRun()
	}
	for _, group := range kindGroups(objs) {
		err := k.parallel(ctx, group, func(ctx context.Context, o *Object) error {
			if keeps(o.Unstructured) {
				cs.add(o, ActionSkipped)
				return nil
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
