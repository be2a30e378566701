package deployer

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// Hook events.
const (
	PreInstall   = "pre-install"
	PostInstall  = "post-install"
	PreUpgrade   = "pre-upgrade"
	PostUpgrade  = "post-upgrade"
	PreRollback  = "pre-rollback"
	PostRollback = "post-rollback"
	PreDelete    = "pre-delete"
	PostDelete   = "post-delete"
	TestEvent    = "test"
)

// hooksFor selects rel's hooks for event, ordered like Helm: by weight, then
// name (kind order only breaks remaining ties).
func hooksFor(rel *Release, event string) []*Hook {
	var out []*Hook
	for _, h := range rel.Hooks {
		if slices.Contains(h.Events, event) {
			out = append(out, h)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return kindBefore(out[i].Kind, out[j].Kind) })
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight < out[j].Weight
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// runHooks runs rel's hooks for event one after another, recording each
// run's phase in the stored release as Helm does. A failing hook stops the
// sequence and fails the operation.
func (d *Deployer) runHooks(ctx context.Context, rel *Release, event string) error {
	hooks := hooksFor(rel, event)
	var done []*Object
	var doneHooks []*Hook
	for _, h := range hooks {
		o, err := d.runHook(ctx, rel, h, event)
		if err != nil {
			if slices.Contains(h.DeletePolicies, HookFailed) && o != nil {
				_ = d.Cluster.DeleteHook(ctx, o)
			}
			return fmt.Errorf("%s hook %s failed: %w", event, h.Name, err)
		}
		done, doneHooks = append(done, o), append(doneHooks, h)
	}
	for i := len(done) - 1; i >= 0; i-- {
		if slices.Contains(doneHooks[i].DeletePolicies, HookSucceeded) && done[i].GetKind() != "CustomResourceDefinition" {
			if err := d.Cluster.DeleteHook(ctx, done[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *Deployer) runHook(ctx context.Context, rel *Release, h *Hook, event string) (*Object, error) {
	o, err := d.buildHook(rel, h)
	if err != nil {
		return nil, err
	}
	if len(h.DeletePolicies) == 0 {
		h.DeletePolicies = []string{HookBeforeCreation}
	}
	if slices.Contains(h.DeletePolicies, HookBeforeCreation) {
		if err := d.Cluster.DeleteHook(ctx, o); err != nil {
			return nil, err
		}
	}
	d.emit(rel.Name, "hook", "running %s hook %s", event, o)
	h.LastRun = HookExecution{StartedAt: Now(), Phase: HookPhaseRunning}
	// Not cancellable: a write cut off by Ctrl-C may still land, leaving
	// rel's resourceVersion stale and the failed-revision record refused.
	if err := d.Store.Update(context.WithoutCancel(ctx), rel); err != nil {
		return nil, err
	}
	err = d.Cluster.RunHook(ctx, o)
	h.LastRun.CompletedAt = Now()
	h.LastRun.Phase = HookPhaseSucceeded
	if err != nil {
		h.LastRun.Phase = HookPhaseFailed
	}
	if uerr := d.Store.Update(context.WithoutCancel(ctx), rel); uerr != nil && err == nil {
		err = uerr
	}
	return o, err
}

func (d *Deployer) buildHook(rel *Release, h *Hook) (*Object, error) {
	objs, err := d.Cluster.Build([]Manifest{{Source: h.Path, Content: h.Manifest}}, rel.Namespace)
	if err != nil {
		return nil, err
	}
	return objs[0], nil
}

// validateHooks builds every hook so that a bad hook fails before writing.
func (d *Deployer) validateHooks(rel *Release) error {
	for _, h := range rel.Hooks {
		if _, err := d.buildHook(rel, h); err != nil {
			return err
		}
	}
	return nil
}

// RunHook creates a hook object and waits until it is done.
func (k *Kube) RunHook(ctx context.Context, o *Object) error {
	if _, err := k.resource(o).Create(ctx, o.Unstructured, metav1.CreateOptions{FieldManager: fieldManager}); err != nil {
		return err
	}
	return k.watchHook(ctx, o)
}

// watchHook waits until a Job completes or a Pod succeeds; other kinds are
// done once created.
func (k *Kube) watchHook(ctx context.Context, o *Object) error {
	if o.GetKind() != "Job" && o.GetKind() != "Pod" {
		return nil
	}
	var failure error
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		u, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			// Gone after we created it: deleted, e.g. by a Job's
			// ttlSecondsAfterFinished: 0 (ingress-nginx). Helm counts a
			// deleted hook as done.
			return true, nil
		}
		if err != nil {
			return false, nil
		}
		if o.GetKind() == "Pod" {
			switch phase, _, _ := unstructuredString(u.Object, "status", "phase"); phase {
			case "Succeeded":
				return true, nil
			case "Failed":
				failure = fmt.Errorf("pod %s failed", o.GetName())
				return true, nil
			}
			return false, nil
		}
		for _, c := range conditions(u) {
			if c["type"] == "Complete" && c["status"] == "True" {
				return true, nil
			}
			if c["type"] == "Failed" && c["status"] == "True" {
				failure = fmt.Errorf("job %s failed: %s", o.GetName(), c["reason"])
				return true, nil
			}
		}
		return false, nil
	})
	if failure != nil {
		return failure
	}
	if err != nil {
		return fmt.Errorf("%s not done: %w", o, err)
	}
	return nil
}

// DeleteHook deletes a hook object and waits until it is gone, so that a
// new one of the same name can be created.
func (k *Kube) DeleteHook(ctx context.Context, o *Object) error {
	if err := k.deleteOne(ctx, o, nil, metav1.DeletePropagationBackground); err != nil {
		return err
	}
	return wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
}
