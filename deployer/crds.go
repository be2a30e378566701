package deployer

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
)

// crdEstablishTimeout is how long new CRDs may take to be served (Helm: 60s).
const crdEstablishTimeout = 60 * time.Second

// InstallCRDs creates the chart's crds/ documents that do not exist yet
// (existing ones are left alone, as Helm does), waits until they are
// Established and refreshes discovery so their kinds can be mapped.
func (k *Kube) InstallCRDs(ctx context.Context, crds []Manifest) (*ChangeSet, error) {
	cs := &ChangeSet{}
	if len(crds) == 0 {
		return cs, nil
	}
	var docs []Manifest
	for _, f := range crds {
		for _, d := range splitManifests(f.Content) {
			docs = append(docs, Manifest{Source: f.Source, Content: d.Content})
		}
	}
	objs, err := k.Build(docs, "")
	if err != nil {
		return cs, err
	}
	var created []*Object
	for _, o := range objs {
		_, err := k.resource(o).Create(ctx, o.Unstructured, metav1.CreateOptions{FieldManager: fieldManager})
		if apierrors.IsAlreadyExists(err) {
			cs.add(o, ActionUnchanged)
			continue
		}
		if err != nil {
			return cs, fmt.Errorf("install CRD %s: %w", o.GetName(), err)
		}
		cs.add(o, ActionCreated)
		created = append(created, o)
	}
	for _, o := range created {
		if err := k.waitEstablished(ctx, o); err != nil {
			return cs, err
		}
	}
	k.ResetMapper()
	return cs, nil
}

func (k *Kube) waitEstablished(ctx context.Context, o *Object) error {
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, crdEstablishTimeout, true, func(ctx context.Context) (bool, error) {
		u, err := k.resource(o).Get(ctx, o.GetName(), metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		return crdReady(u), nil
	})
	if err != nil {
		return fmt.Errorf("CRD %s not established: %w", o.GetName(), err)
	}
	return nil
}

// crdReady is Established=True, or NamesAccepted=False (which never heals).
func crdReady(u *unstructured.Unstructured) bool {
	for _, c := range conditions(u) {
		if c["type"] == "Established" && c["status"] == "True" {
			return true
		}
		if c["type"] == "NamesAccepted" && c["status"] == "False" {
			return true
		}
	}
	return false
}

// conditions returns status.conditions as string maps.
func conditions(u *unstructured.Unstructured) []map[string]string {
	raw, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	out := make([]map[string]string, 0, len(raw))
	for _, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		c := map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				c[k] = s
			}
		}
		out = append(out, c)
	}
	return out
}
