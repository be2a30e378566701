package deployer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// RelatedPods is the group the Pods of a release's workloads are listed
// under, as Helm names it.
const RelatedPods = "v1/Pod(related)"

// ResourceGroup is one group of status --show-resources: the live objects
// of one kind, keyed as Helm keys them ("v1/ConfigMap", "v1/Deployment":
// version and kind, without the group), or the related Pods.
type ResourceGroup struct {
	Key string
	// Tables are the API server's Table answers (kubectl's columns), one
	// per object, one for each Pod list; with table false, Objects are the
	// objects themselves (a PodList for the related Pods).
	Tables  []*metav1.Table
	Objects []json.RawMessage
}

// Resources reads the live state of a revision's objects (its stored
// manifest, hooks excluded) as `helm status --show-resources` does: each
// object by name, and for each workload (Deployment, ReplicaSet,
// StatefulSet, DaemonSet, Job: spec.selector.matchLabels of the stored
// manifest; ReplicationController: spec.selector) the Pods it selects,
// each selector once. Groups come in the order their first object has in
// the manifest (Helm prints them in Go's random map order). Objects that
// no longer exist are left out, as Helm leaves them out.
func (d *Deployer) Resources(ctx context.Context, rel *Release, table bool) ([]ResourceGroup, error) {
	if d.Kube == nil {
		return nil, errors.New("resources: no cluster connection")
	}
	var groups []ResourceGroup
	index := map[string]int{}
	add := func(key string, t *metav1.Table, obj json.RawMessage) {
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, ResourceGroup{Key: key})
		}
		if t != nil {
			groups[i].Tables = append(groups[i].Tables, t)
		} else {
			groups[i].Objects = append(groups[i].Objects, obj)
		}
	}
	var selectors []map[string]string
	for _, o := range d.buildStored(rel) {
		gvk := o.Mapping.GroupVersionKind
		t, obj, err := d.Kube.getAs(ctx, objectPath(o.Mapping, o.GetNamespace(), o.GetName()), "", table)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", o, err)
		}
		add(gvk.Version+"/"+gvk.Kind, t, obj)
		sel, ok := podSelector(o.Unstructured)
		if !ok || seenSelector(selectors, sel) {
			continue
		}
		selectors = append(selectors, sel)
		pods := &meta.RESTMapping{Resource: schema.GroupVersionResource{Version: "v1", Resource: "pods"}, Scope: meta.RESTScopeNamespace}
		t, obj, err = d.Kube.getAs(ctx, objectPath(pods, o.GetNamespace(), ""), labels.Set(sel).AsSelector().String(), table)
		if err != nil {
			return nil, fmt.Errorf("list the Pods of %s: %w", o, err)
		}
		add(RelatedPods, t, obj)
	}
	return groups, nil
}

// podSelector is the label selector of a workload's Pods, from the
// manifest as Helm reads it.
func podSelector(u *unstructured.Unstructured) (map[string]string, bool) {
	var sel map[string]string
	var ok bool
	switch u.GetKind() {
	case "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job":
		sel, ok, _ = unstructured.NestedStringMap(u.Object, "spec", "selector", "matchLabels")
	case "ReplicationController":
		sel, ok, _ = unstructured.NestedStringMap(u.Object, "spec", "selector")
	}
	return sel, ok
}

func seenSelector(seen []map[string]string, sel map[string]string) bool {
	for _, s := range seen {
		if maps.Equal(s, sel) {
			return true
		}
	}
	return false
}

// objectPath is the API path of a named object, or of the collection when
// name is empty.
func objectPath(m *meta.RESTMapping, ns, name string) string {
	p := "/apis/" + m.Resource.Group + "/" + m.Resource.Version
	if m.Resource.Group == "" {
		p = "/api/" + m.Resource.Version
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		p += "/namespaces/" + ns
	}
	return path.Join(p, m.Resource.Resource, name)
}

// tableAccept asks for the server's Table rendering (kubectl's columns),
// with the object itself in each row, falling back to plain JSON.
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

// getAs GETs an API path (a collection with a label selector) as a Table
// (table) or as JSON. A server that cannot make Tables answers with the
// object, which is then returned as such.
func (k *Kube) getAs(ctx context.Context, apiPath, selector string, table bool) (*metav1.Table, json.RawMessage, error) {
	req := k.Core.Discovery().RESTClient().Get().AbsPath(apiPath).SetHeader("Accept", "application/json")
	if selector != "" {
		req = req.Param("labelSelector", selector)
	}
	if table {
		req = req.SetHeader("Accept", tableAccept).Param("includeObject", "Object")
	}
	body, err := req.DoRaw(ctx)
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // cells print as the server wrote them
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", apiPath, err)
	}
	if table && obj["kind"] == "Table" {
		t := &metav1.Table{}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(t); err != nil {
			return nil, nil, fmt.Errorf("decode %s: %w", apiPath, err)
		}
		return t, nil, nil
	}
	fillListItems(obj)
	// Keys sorted, as Helm marshals the objects it read.
	out, err := json.Marshal(obj)
	return nil, out, err
}

// fillListItems gives each item of a list its kind and apiVersion, which
// the API server leaves out and client-go's decoder puts back.
func fillListItems(obj map[string]any) {
	items, ok := obj["items"].([]any)
	kind, _ := obj["kind"].(string)
	if !ok || len(kind) < 5 || kind[len(kind)-4:] != "List" {
		return
	}
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		if _, has := m["kind"]; !has {
			if _, has := m["apiVersion"]; !has {
				m["kind"] = kind[:len(kind)-4]
				m["apiVersion"] = obj["apiVersion"]
			}
		}
	}
}

// ResourceObjects are groups' objects by key, as Helm puts them in a
// release's info.resources (nil when there are none).
func ResourceObjects(groups []ResourceGroup) map[string][]json.RawMessage {
	if len(groups) == 0 {
		return nil
	}
	out := map[string][]json.RawMessage{}
	for _, g := range groups {
		out[g.Key] = append(out[g.Key], g.Objects...)
	}
	return out
}
