package deployer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// waitInterval is how often readiness is polled (Helm 3 polls every 2s).
const waitInterval = time.Second

// ErrWaitTimeout is wrapped when objects were not ready before the deadline.
var ErrWaitTimeout = errors.New("timed out waiting for the condition")

// Wait blocks until every object is ready, ctx ends, or one fails for good.
// progress, if set, receives the pending objects after each round.
func (k *Kube) Wait(ctx context.Context, objs []*Object, waitJobs bool, progress func([]PendingObject)) error {
	statusful := k.statusfulKinds(ctx)
	for {
		pending, err := k.pending(ctx, objs, waitJobs, statusful)
		if err != nil {
			return err
		}
		if progress != nil {
			progress(pending)
		}
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			var names []string
			for _, p := range pending {
				names = append(names, p.Object+": "+p.Reason)
			}
			return fmt.Errorf("%w: %d objects not ready: %s", waitEnded(ctx), len(pending), strings.Join(names, "; "))
		case <-time.After(waitInterval):
		}
	}
}

func (k *Kube) pending(ctx context.Context, objs []*Object, waitJobs bool, statusful func(*Object) bool) ([]PendingObject, error) {
	var mu sync.Mutex
	var out []PendingObject
	err := k.parallel(ctx, objs, func(ctx context.Context, o *Object) error {
		r := k.checkReady(ctx, o, waitJobs, statusful)
		if r.err != nil {
			return fmt.Errorf("%s: %w", o, r.err)
		}
		if !r.ready {
			mu.Lock()
			out = append(out, PendingObject{Object: o.String(), Reason: r.reason})
			mu.Unlock()
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Object < out[j].Object })
	return out, nil
}

// statusfulKinds reports, per custom resource, whether its CRD declares a
// status subresource (then an empty status means "not reconciled yet").
func (k *Kube) statusfulKinds(ctx context.Context) func(*Object) bool {
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	cache := map[string]bool{}
	var mu sync.Mutex
	return func(o *Object) bool {
		gr := o.Mapping.Resource.GroupResource().String()
		mu.Lock()
		defer mu.Unlock()
		if v, ok := cache[gr]; ok {
			return v
		}
		u, err := k.Dynamic.Resource(crds).Get(ctx, gr, metav1.GetOptions{})
		v := err == nil && crdHasStatus(u, o.Mapping.Resource.Version)
		cache[gr] = v
		return v
	}
}

func crdHasStatus(u *unstructured.Unstructured, version string) bool {
	vs, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
	for _, v := range vs {
		m, _ := v.(map[string]any)
		if m["name"] != version {
			continue
		}
		_, ok, _ := unstructured.NestedMap(m, "subresources", "status")
		return ok
	}
	return false
}

// WaitDeleted blocks until every object is gone.
func (k *Kube) WaitDeleted(ctx context.Context, objs []*Object) error {
	for {
		left := 0
		for _, o := range objs {
			if keeps(o.Unstructured) {
				continue
			}
			if _, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{}); err == nil {
				left++
			}
		}
		if left == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %d objects not deleted", waitEnded(ctx), left)
		case <-time.After(waitInterval):
		}
	}
}

// waitEnded says why a wait stopped before everything was ready: the
// deadline passed (ErrWaitTimeout), or the caller cancelled (Ctrl-C,
// SIGTERM), which is not a timeout and must not read as one.
func waitEnded(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("interrupted: %w", context.Canceled)
	}
	return ErrWaitTimeout
}
