package deployer

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// Lookup answers the `lookup` template function from the live cluster, as
// Helm does during install and upgrade: one object as a map, a list as
// {"items": [...]} when name is empty, an empty map when nothing is found.
func (k *Kube) Lookup(ctx context.Context, apiVersion, kind, namespace, name string) (map[string]any, error) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, fmt.Errorf("lookup %s %s: %w", apiVersion, kind, err)
	}
	mapping, err := k.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: kind}, gv.Version)
	if meta.IsNoMatchError(err) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lookup %s %s: %w", apiVersion, kind, err)
	}
	var ri dynamic.ResourceInterface = k.Dynamic.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace && namespace != "" {
		ri = k.Dynamic.Resource(mapping.Resource).Namespace(namespace)
	}
	if name == "" {
		list, err := ri.List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("lookup %s %s: %w", apiVersion, kind, err)
		}
		return list.UnstructuredContent(), nil
	}
	u, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lookup %s %s %s: %w", apiVersion, kind, name, err)
	}
	return u.Object, nil
}
